"""Where samples come from: one interface, back ends imported only when asked for.

``open_source(kind, ...)`` is the python-can-like entry; each back end lives in its own
module (``sim``, ``replay``, ``ble``) and implements :class:`SampleSource`.
"""

from perineo.sources.base import SampleSource, SourceItem

__all__ = ["SampleSource", "SourceItem"]
