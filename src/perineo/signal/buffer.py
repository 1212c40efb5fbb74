"""A growable, trimmed history of named float columns indexed by a global sample count."""

from __future__ import annotations

import numpy as np

from perineo.samples import FloatArray


class History:
    """Columns of the last ``keep`` samples (at least), addressed by global index.

    Appending is amortised O(1) per sample; old samples are dropped in bulk.
    """

    def __init__(self, names: tuple[str, ...], keep: int) -> None:
        self.keep = keep
        self._cap = max(4 * keep, 1024)
        self._cols = {n: np.zeros(self._cap) for n in names}
        self.base = 0  # global index of buffer position 0
        self.end = 0  # global index one past the last sample

    def append(self, **cols: FloatArray) -> None:
        n = len(next(iter(cols.values())))
        if n == 0:
            return
        used = self.end - self.base
        if used + n > self._cap:
            drop = max(0, used - self.keep)
            if used - drop + n > self._cap:
                self._cap = 2 * (used - drop + n)
                for k, v in self._cols.items():
                    new = np.zeros(self._cap)
                    new[: used - drop] = v[drop:used]
                    self._cols[k] = new
            else:
                for v in self._cols.values():
                    v[: used - drop] = v[drop:used]
            self.base += drop
            used -= drop
        for k, v in cols.items():
            self._cols[k][used : used + n] = v
        self.end += n

    def set(self, name: str, start: int, values: FloatArray) -> None:
        """Overwrite ``name`` from global index ``start`` (must be held)."""
        i = start - self.base
        self._cols[name][i : i + len(values)] = values

    def get(self, name: str, start: int, stop: int) -> FloatArray:
        """A view of ``name`` over global indices ``[start, stop)``, clipped to what is held."""
        # (called for every grid sample: comparisons, not max and min, keep it cheap)
        base = self.base
        if start < base:
            start = base
        if stop > self.end:
            stop = self.end
        if stop < start:
            stop = start
        return self._cols[name][start - base : stop - base]

    def at(self, name: str, i: int) -> float:
        return float(self._cols[name][i - self.base])
