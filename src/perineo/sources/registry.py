"""One way to open a sample source: ``open_source(kind, **options)``.

A *kind* names a factory as ``"module:callable"`` (python-can's ``BACKENDS`` idea): the
module is imported only when that kind is opened, so nothing loads bleak, Bumble, pylsl or
the simulator until it is used, and perineo holds no static import of the simulator
(``perineo_sim`` registers its kinds here by name; it may import perineo, never the other
way round). The ``lsl`` kind lives in ``perineo.lab``, a layer above this one (it imports
``sources.base``); naming it here by string keeps sources/ from importing it. The callable
takes the kind's options as keyword arguments and returns a
:class:`~perineo.sources.base.SampleSource`.

Third-party kinds come from the entry-point group ``perineo.sources``::

    [project.entry-points."perineo.sources"]
    myprobe = "myprobe.source:MyProbeSource"

A built-in kind cannot be replaced by an entry point of the same name.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any, Final

from perineo.errors import SourceError
from perineo.sources.base import SampleSource

ENTRY_POINT_GROUP: Final = "perineo.sources"

BACKENDS: Final[Mapping[str, str]] = {
    "ble": "perineo.sources.ble:BleSource",
    "replay": "perineo.sources.replay:ReplaySource",
    "lsl": "perineo.lab.lsl_inlet:LslSource",  # pylsl only when opened (the lab extra)
    "sim": "perineo_sim.sources:SimSource",
    "sim-follow": "perineo_sim.follow:CueFollowingSim.create",
    "sim-patient": "perineo_sim.patient:SimPatient",
    "ble-virtual": "perineo_sim.ble_virtual:VirtualBleSource.from_scenario",
    "ble-virtual-follow": "perineo_sim.ble_virtual:VirtualLinkFollower.create",
}

# The simulator's other entry points, for the simulator's own commands (``perineo sim``,
# ``perineo scan --virtual``): resolved by name, like the kinds.
SIMULATOR: Final = "perineo_sim.sources"
VIRTUAL_SCAN: Final = "perineo_sim.ble_virtual:scan_virtual"


def _third_party() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _targets() -> dict[str, str]:
    return {**_third_party(), **BACKENDS}


def kinds() -> tuple[str, ...]:
    """Every kind that can be opened: the built-in ones and those of installed packages."""
    return tuple(sorted(_targets()))


def load(target: str) -> Any:
    """The object ``"module:qualified.name"`` names (or the module, without ``:``).

    An ImportError (the module or one it needs is not installed) propagates; a missing
    attribute is a SourceError.
    """
    module_name, _, qualname = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split(".") if qualname else ():
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SourceError(f"{target}: {module_name} has no {qualname}") from None
    return obj


def simulator() -> ModuleType:
    """The simulator's source module (``perineo_sim.sources``), imported by name."""
    try:
        module = load(SIMULATOR)
    except ImportError as exc:
        raise SourceError(f"the simulator is not installed: {exc}") from exc
    assert isinstance(module, ModuleType)
    return module


def factory(kind: str) -> Callable[..., SampleSource]:
    """The callable that opens ``kind``; SourceError for an unknown or unavailable kind."""
    targets = _targets()
    target = targets.get(kind)
    if target is None:
        known = ", ".join(sorted(targets))
        raise SourceError(f"unknown source kind {kind!r}: known kinds are {known}")
    try:
        made = load(target)
    except ImportError as exc:
        raise SourceError(f"source kind {kind!r} is not available: {exc}") from exc
    if not callable(made):
        raise SourceError(f"source kind {kind!r}: {target} is not callable")
    return made


def options(kind: str) -> tuple[str, ...]:
    """The option names ``kind`` takes."""
    return tuple(p.name for p in _keywords(factory(kind)))


def _keywords(make: Callable[..., object]) -> list[inspect.Parameter]:
    params = inspect.signature(make).parameters.values()
    return [p for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _check_options(kind: str, make: Callable[..., object], opts: Mapping[str, object]) -> None:
    """A one-line SourceError for an option ``kind`` does not take or a required one missing."""
    params = _keywords(make)
    takes_any = any(p.kind is p.VAR_KEYWORD for p in inspect.signature(make).parameters.values())
    names = [p.name for p in params]
    unknown = [k for k in opts if k not in names and not takes_any]
    missing = [p.name for p in params if p.default is p.empty and p.name not in opts]
    if not unknown and not missing:
        return
    takes = ", ".join(names) or "none"
    problem = (
        f"unknown option {', '.join(map(repr, unknown))}"
        if unknown
        else f"option {', '.join(map(repr, missing))} is required"
    )
    raise SourceError(f"source kind {kind!r}: {problem}; its options: {takes}")


def open_source(kind: str, **opts: Any) -> SampleSource:
    """Open a source of ``kind`` with its options (keyword arguments only).

    An unknown kind, or an option the kind does not take or a required one left out, is a
    one-line SourceError naming the kind and what it knows. Errors of the source itself (a
    bad scenario or recording file, no probe) propagate as they are.
    """
    make = factory(kind)
    _check_options(kind, make, opts)
    source = make(**opts)
    if not isinstance(source, SampleSource):
        raise SourceError(f"source kind {kind!r} made {type(source).__name__}, not a source")
    return source
