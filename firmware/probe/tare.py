"""Zero / tare: average the raw readings for a moment and take them as zero."""

TARE_SAMPLES = 25  # 0.25 s at 100 Hz
TARE_TOLERANCE = 0.5  # cmH2O (or degrees): a wider spread means the probe moved


class Tare:
    """Offsets for each channel; ``start()`` then ``feed(raw)`` until it returns True.

    ``raw`` is a tuple of physical values (None for a failed reading). A tare whose spread
    exceeds the tolerance is refused: the old offsets stay and ``unstable`` is set.
    """

    def __init__(self, n_channels, samples=TARE_SAMPLES, tolerance=TARE_TOLERANCE):
        self.offsets = [0.0] * n_channels
        self.samples = samples
        self.tolerance = tolerance
        self.tared = False
        self.unstable = False
        self._rows = None

    @property
    def active(self):
        return self._rows is not None

    def start(self):
        self._rows = []

    def feed(self, raw):
        """Collect one reading while active; True when the tare has just finished."""
        if self._rows is None:
            return False
        self._rows.append(raw)
        if len(self._rows) < self.samples:
            return False
        rows, self._rows = self._rows, None
        offsets = []
        for i in range(len(self.offsets)):
            column = [r[i] for r in rows if r[i] is not None]
            if not column:  # sensor failed throughout: keep its old zero
                offsets.append(self.offsets[i])
                continue
            if max(column) - min(column) > self.tolerance:
                self.unstable = True
                return True
            offsets.append(sum(column) / len(column))
        self.offsets = offsets
        self.tared = True
        self.unstable = False
        return True

    def apply(self, raw):
        """Readings minus offsets (None stays None)."""
        return tuple(None if v is None else v - o for v, o in zip(raw, self.offsets))
