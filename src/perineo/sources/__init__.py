"""Where samples come from: one interface, each back end in its own module.

``sim`` (the simulator, scripted or following the coach), ``replay`` (a recording) and
``ble`` (the probe, through bleak) all implement :class:`SampleSource`; callers import the
back end they need only when they need it, so nothing loads bleak unless a probe is used.
"""

from perineo.sources.base import SampleSource, SourceItem

__all__ = ["SampleSource", "SourceItem"]
