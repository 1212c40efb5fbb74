"""The source registry: every kind by name, third-party kinds by entry point, one-line errors,
and perineo never importing the simulator."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from perineo.errors import ScenarioError, SourceError
from perineo.sources import registry
from perineo.sources.registry import kinds, open_source

SRC = Path(__file__).parents[2] / "src" / "perineo"
REQUIRED = {
    "ble",
    "replay",
    "sim",
    "sim-follow",
    "sim-patient",
    "ble-virtual",
    "ble-virtual-follow",
    "lsl",
}


def test_the_kinds() -> None:
    assert set(kinds()) >= REQUIRED
    assert list(kinds()) == sorted(kinds())


def test_an_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(SourceError) as err:
        open_source("simm", scenario="basic")
    message = str(err.value)
    assert "\n" not in message and "'simm'" in message
    assert all(k in message for k in REQUIRED)


@pytest.mark.parametrize(
    ("kind", "options", "says"),
    [
        ("sim", {"seed": 1}, "option 'scenario' is required"),
        ("sim", {"scenario": "basic", "sede": 1}, "unknown option 'sede'"),
        ("replay", {}, "option 'path' is required"),
        ("sim-follow", {"seed": 1}, "option 'program' is required"),
        ("sim-patient", {"program": "intensive"}, "unknown option 'program'"),
    ],
)
def test_a_missing_or_extra_option_names_the_kind_and_its_options(
    kind: str, options: dict[str, object], says: str
) -> None:
    with pytest.raises(SourceError) as err:
        open_source(kind, **options)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"source kind {kind!r}: {says}; its options: ")
    assert all(name in message for name in registry.options(kind))


def test_errors_of_the_source_itself_pass_through() -> None:
    with pytest.raises(ScenarioError, match="nope"):
        open_source("sim", scenario="nope")


def test_an_unavailable_kind_is_a_source_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BACKENDS, "gone", "perineo_gone.nowhere:Source")  # type: ignore[index]
    with pytest.raises(SourceError, match=r"^source kind 'gone' is not available: No module"):
        open_source("gone")


def test_the_simulator_missing_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "SIMULATOR", "perineo_gone.sources")
    with pytest.raises(SourceError, match=r"^the simulator is not installed: No module"):
        registry.simulator()


def test_a_third_party_kind_from_an_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed package declares ``[project.entry-points."perineo.sources"]``: here its
    installed metadata (a dist-info folder) and module, on the path."""
    (tmp_path / "toyprobe.py").write_text(
        textwrap.dedent(
            """
            from perineo.samples import Channel, SourceStatus, StatusKind

            class ToySource:
                def __init__(self, level: float = 1.0) -> None:
                    self.level = level

                @property
                def channels(self):
                    return (Channel.SQUEEZE,)

                @property
                def name(self):
                    return f"toy:{self.level}"

                async def _run(self):
                    yield SourceStatus(StatusKind.CONNECTED, 0.0)
                    yield SourceStatus(StatusKind.ENDED, 0.0)

                def stream(self):
                    return self._run()

                async def close(self):
                    pass
            """
        )
    )
    info = tmp_path / "toyprobe-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toyprobe\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[perineo.sources]\ntoy = toyprobe:ToySource\nsim = toyprobe:ToySource\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "toy" in kinds()
    source = open_source("toy", level=2.5)
    assert source.name == "toy:2.5"
    with pytest.raises(SourceError, match=r"unknown option 'lvl'; its options: level$"):
        open_source("toy", lvl=2)
    # a built-in kind is not replaced by a third party's of the same name
    assert open_source("sim", scenario="basic").name == "sim:basic#0"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names.append(node.module)
    return names


def test_perineo_has_no_import_of_the_simulator() -> None:
    """Not at module level, not inside a function: the registry names it, by string."""
    found = [
        f"{path.relative_to(SRC)}: {name}"
        for path in sorted(SRC.rglob("*.py"))
        for name in _imports(path)
        if name == "perineo_sim" or name.startswith("perineo_sim.")
    ]
    assert found == []


def test_the_app_loads_no_simulator_until_a_simulated_kind_is_opened() -> None:
    code = (
        "import sys\n"
        "import perineo.cli, perineo.sources.registry, perineo.session.choices\n"
        "import perineo.commands.record, perineo.commands.assess, perineo.commands.train\n"
        "import perineo.commands.sim, perineo.commands.scan\n"
        "print('perineo_sim' in sys.modules)\n"
        "perineo.sources.registry.open_source('sim', scenario='basic')\n"
        "print('perineo_sim' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
