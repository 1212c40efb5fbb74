"""Filter design and stateful filtering as pure functions (scipy ``sosfilt`` with ``zi``).

Filtering a stream in blocks with the state passed along equals filtering it in one go.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np
from scipy import signal as sps

from perineo.samples import FloatArray


@dataclass(frozen=True)
class Sos:
    """A designed filter: second-order sections and its unit-step initial state."""

    sos: FloatArray
    zi_unit: FloatArray  # sosfilt_zi: state for a constant input of 1

    def initial_state(self, value: float) -> FloatArray:
        """State that makes the filter start settled at ``value`` (no start-up transient)."""
        return self.zi_unit * value

    def initial_states(self, values: FloatArray) -> FloatArray:
        """The states of rows of signals (``filt_rows``), each starting settled at its
        value in ``values``: shape (rows, sections, 2)."""
        states: FloatArray = (
            np.asarray(values, dtype=float)[:, None, None] * self.zi_unit[None, :, :]
        )
        return states


@lru_cache(maxsize=32)
def lowpass(cutoff_hz: float, fs: float, order: int = 2) -> Sos:
    sos = sps.butter(order, cutoff_hz, btype="lowpass", fs=fs, output="sos")
    return Sos(np.ascontiguousarray(sos, dtype=float), sps.sosfilt_zi(sos))


def filt(f: Sos, x: FloatArray, zi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Filter ``x`` from state ``zi``; return the output and the new state (inputs untouched)."""
    if len(x) == 0:
        return x.copy(), zi
    y, zf = sps.sosfilt(f.sos, x, zi=zi)
    return y, zf


def filt_rows(f: Sos, x: FloatArray, zi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Filter rows of signals ``x`` (shape (rows, n)) from states ``zi`` (shape (rows,
    sections, 2), as ``Sos.initial_states`` gives), each row exactly as ``filt`` would on
    its own; return the outputs and the new states (inputs untouched).

    One call for all rows, straight into scipy's compiled ``sosfilt`` loop when it can be
    found: for the few samples of a live block its argument handling cost more than the
    filtering (``sosfilt`` itself otherwise, the same numbers)."""
    y = np.array(x, dtype=float, order="C")
    z = np.array(zi, dtype=float, order="C")
    if y.shape[-1] == 0:
        return y, z
    if _SOSFILT_LOOP is not None:
        _SOSFILT_LOOP(f.sos, y, z)  # in place
        return y, z
    y, zf = sps.sosfilt(f.sos, y, axis=-1, zi=np.moveaxis(z, 1, 0))
    return y, np.ascontiguousarray(np.moveaxis(zf, 0, 1))


_SosLoop = Callable[[FloatArray, FloatArray, FloatArray], None]


def _sosfilt_loop() -> _SosLoop | None:
    """scipy's compiled loop under ``sosfilt`` (sos, rows of x, states; in place), if this
    scipy has it where 1.11 to 1.17 keep it."""
    try:
        from scipy.signal._sosfilt import _sosfilt
    except ImportError:  # pragma: no cover - another scipy layout: sosfilt itself
        return None
    return cast(_SosLoop, _sosfilt)


_SOSFILT_LOOP = _sosfilt_loop()


def smooth(x: FloatArray, sigma: float) -> FloatArray:
    """Zero-phase Gaussian smoothing (``sigma`` in samples), edges held: for retrospect only."""
    n = len(x)
    if sigma <= 0 or n < 3:
        return np.asarray(x, dtype=float).copy()
    k = _gaussian(sigma)
    half = len(k) // 2
    padded = np.empty(n + 2 * half)
    padded[:half] = x[0]
    padded[half : half + n] = x
    padded[half + n :] = x[-1]
    return np.convolve(padded, k, mode="valid")


@lru_cache(maxsize=32)
def _gaussian(sigma: float) -> FloatArray:
    """The normalised Gaussian kernel ``smooth`` uses (read-only: shared between calls)."""
    half = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    k /= k.sum()
    k.flags.writeable = False
    return k


def gradient(x: FloatArray) -> FloatArray:
    """``numpy.gradient(x)`` of at least two samples, to the bit, without its overhead:
    central differences halved inside, one-sided differences at the ends."""
    g = np.empty(len(x))
    g[1:-1] = (x[2:] - x[:-2]) / 2.0
    g[0] = x[1] - x[0]
    g[-1] = x[-1] - x[-2]
    return g


def median(x: FloatArray | list[float]) -> float:
    """The median of a 1-D sequence, as ``numpy.median`` gives it, without its overhead
    (called once a frame on short arrays, it dominated the per-frame cost)."""
    a = np.array(x, dtype=float)  # a copy: partitioned in place
    n = len(a)
    if n == 0:
        return float("nan")
    k = n // 2
    if n % 2:
        a.partition(k)
        return float(a[k])
    a.partition((k - 1, k))
    return float(0.5 * (a[k - 1] + a[k]))


class WindowMedian:
    """The median of the last ``size`` values added, as ``median`` gives it, from a list
    kept sorted (once a frame over a few dozen values: cheaper than sorting them again)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._order: deque[float] = deque()
        self._sorted: list[float] = []
        self._unordered = 0  # values that are not finite (not in ``_sorted``)

    def add(self, value: float) -> float:
        """Add ``value`` (dropping the oldest beyond ``size``); the median now."""
        self._order.append(value)
        if math.isfinite(value):
            bisect.insort(self._sorted, value)
        else:
            self._unordered += 1
        if len(self._order) > self.size:
            old = self._order.popleft()
            if math.isfinite(old):
                del self._sorted[bisect.bisect_left(self._sorted, old)]
            else:
                self._unordered -= 1
        if self._unordered:
            return median(list(self._order))
        s = self._sorted
        n = len(s)
        k = n // 2
        return s[k] if n % 2 else 0.5 * (s[k - 1] + s[k])
