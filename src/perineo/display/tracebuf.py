"""The last seconds of squeeze pressure, kept for the live trace and decimated to its width.

Pure numpy: the data path appends every block; the trace widget asks, on its own timer,
for a min/max envelope with one bin per plot column. Nothing here knows about Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perineo.samples import FloatArray


@dataclass(frozen=True)
class Envelope:
    """One bin a plot column: lowest and highest value (NaN where the bin is empty)."""

    t_end: float
    span_s: float
    low: FloatArray
    high: FloatArray


class TraceBuffer:
    """A ring buffer of ``(t, value)`` holding at least ``keep_s`` seconds at ``max_rate_hz``."""

    def __init__(self, keep_s: float = 30.0, max_rate_hz: float = 250.0) -> None:
        self.capacity = int(keep_s * max_rate_hz) + 1
        self._t = np.full(self.capacity, np.nan)
        self._v = np.full(self.capacity, np.nan)
        self._head = 0  # next write position
        self._count = 0
        self.version = 0  # grows with every append: the widget redraws only on change

    def __len__(self) -> int:
        return self._count

    def clear(self) -> None:
        self._t.fill(np.nan)
        self._v.fill(np.nan)
        self._head = 0
        self._count = 0
        self.version += 1

    def append(self, t: FloatArray, values: FloatArray) -> None:
        """Append samples (copies them; the caller's arrays are not kept)."""
        n = len(t)
        if n == 0:
            return
        if n >= self.capacity:
            t, values, n = t[-self.capacity :], values[-self.capacity :], self.capacity
        first = min(n, self.capacity - self._head)
        self._t[self._head : self._head + first] = t[:first]
        self._v[self._head : self._head + first] = values[:first]
        rest = n - first
        if rest:
            self._t[:rest] = t[first:]
            self._v[:rest] = values[first:]
        self._head = (self._head + n) % self.capacity
        self._count = min(self.capacity, self._count + n)
        self.version += 1

    def latest(self) -> tuple[FloatArray, FloatArray]:
        """All kept samples in time order (copies)."""
        if self._count < self.capacity:
            return self._t[: self._count].copy(), self._v[: self._count].copy()
        order = np.r_[self._head : self.capacity, 0 : self._head]
        return self._t[order], self._v[order]

    @property
    def t_last(self) -> float | None:
        if self._count == 0:
            return None
        return float(self._t[(self._head - 1) % self.capacity])

    def envelope(self, bins: int, span_s: float, t_end: float | None = None) -> Envelope:
        """Min/max of the values in ``bins`` equal time bins ending at ``t_end`` (default: now)."""
        if bins < 1:
            raise ValueError(f"bins must be >= 1, got {bins}")
        end = self.t_last if t_end is None else t_end
        low = np.full(bins, np.nan)
        high = np.full(bins, np.nan)
        if end is None:
            return Envelope(0.0, span_s, low, high)
        t, v = self.latest()
        start = end - span_s
        keep = (t > start) & (t <= end)
        t, v = t[keep], v[keep]
        if len(t):
            idx = np.minimum(((t - start) / span_s * bins).astype(np.intp), bins - 1)
            starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
            cols = idx[starts]
            low[cols] = np.minimum.reduceat(v, starts)
            high[cols] = np.maximum.reduceat(v, starts)
        return Envelope(end, span_s, low, high)
