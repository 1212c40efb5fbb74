"""Where samples come from: one interface, each back end opened by kind.

Every back end implements :class:`SampleSource` and is opened through
:func:`perineo.sources.registry.open_source` (``ble``, ``replay``, the simulator's kinds and
any third-party kind), which imports a back end only when it is used: nothing loads bleak
unless a probe is used, and perineo never imports the simulator.
"""

from perineo.sources.base import SampleSource, SourceItem

__all__ = ["SampleSource", "SourceItem"]
