"""Lab Streaming Layer (LSL): perineo's channels and events out, a lab's pressure stream in.

pylsl is imported only inside this package and only when asked for (``--lsl``, the ``lsl``
source): perineo without the ``lab`` extra is unchanged. See docs/lab.md.
"""
