"""What the LSL outlet and inlet share: loading pylsl, the stream's shape, its metadata.

The data stream follows the XDF metadata conventions: ``desc/channels/channel`` with
``label``, ``unit`` and ``type`` for each channel, ``desc/acquisition`` naming the maker.
The marker stream is type ``Markers``, one string channel at an irregular rate; each marker
is a JSON object whose ``event`` names what happened (docs/lab.md lists them).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from perineo import __version__
from perineo.errors import PerineoError
from perineo.samples import Channel

LSL_MISSING = "LSL needs: pip install 'perineo[lab]'"
DATA_TYPE = "Pressure"  # the data stream's LSL type (what an inlet resolves by default)
MARKER_TYPE = "Markers"
DEFAULT_NAME = "perineo"


class LabError(PerineoError):
    """LSL is missing, or a stream is not of a shape perineo can read."""


@dataclass(frozen=True)
class ChannelMeta:
    unit: str
    kind: str  # the XDF channel ``type``


CHANNEL_META: dict[Channel, ChannelMeta] = {
    Channel.SQUEEZE: ChannelMeta("cmH2O", "Pressure"),
    Channel.ABDOMINAL: ChannelMeta("cmH2O", "Pressure"),
    Channel.TILT: ChannelMeta("degrees", "Angle"),
}

# units an inlet accepts, and the factor to perineo's (cmH2O for pressure, degrees for tilt)
PRESSURE_UNITS: dict[str, float] = {
    "cmh2o": 1.0,
    "cm h2o": 1.0,
    "mmhg": 1.359_51,
    "kpa": 10.197_16,
    "hpa": 1.019_716,
    "mbar": 1.019_716,
    "pa": 0.010_197_16,
}
ANGLE_UNITS: dict[str, float] = {
    "degrees": 1.0,
    "degree": 1.0,
    "deg": 1.0,
    "°": 1.0,
    "radians": 57.295_779_513,
    "rad": 57.295_779_513,
}

# liblsl logs to the process's stderr, under the terminal app: quiet unless the user has a
# configuration of their own (LSLAPICFG, or lsl_api.cfg where liblsl looks for it)
_QUIET_CONFIG = "[log]\nlevel = -3\n"
_USER_CONFIGS = (
    Path("lsl_api.cfg"),
    Path.home() / "lsl_api" / "lsl_api.cfg",
    Path("/etc/lsl_api/lsl_api.cfg"),
)


def _quiet_liblsl() -> None:
    if "LSLAPICFG" in os.environ or any(p.is_file() for p in _USER_CONFIGS):
        return
    path = Path(tempfile.gettempdir()) / f"perineo-lsl-{os.getuid()}.cfg"
    try:
        if not path.is_file() or path.read_text() != _QUIET_CONFIG:
            path.write_text(_QUIET_CONFIG)
    except OSError:
        return  # liblsl logs as it likes
    os.environ["LSLAPICFG"] = str(path)


def load_pylsl() -> ModuleType:
    """pylsl with its liblsl, or a one-line :class:`LabError` saying how to install it."""
    _quiet_liblsl()
    try:
        import pylsl
    except (ImportError, RuntimeError, OSError):
        raise LabError(LSL_MISSING) from None
    return pylsl


def acquisition(desc: object, source_name: str) -> None:
    """Add ``desc/acquisition`` (who made the stream) to an LSL description element."""
    acq = desc.append_child("acquisition")  # type: ignore[attr-defined]  # pylsl XMLElement, untyped
    acq.append_child_value("manufacturer", "perineo")
    acq.append_child_value("model", source_name)
    acq.append_child_value("software_version", __version__)
