"""The shape of a rise, measured on plain arrays: how fast it rose, how long it stayed up.

These are the measurements the artifact rules (``artifacts``) decide on. Crossings of a
level are interpolated between grid samples: at 50 Hz a 20 ms step would otherwise decide
between a cough and a fast contraction.
"""

from __future__ import annotations

import numpy as np

from perineo.samples import FloatArray
from perineo.signal.config import DetectorConfig


def crossing(a: float, b: float, level: float) -> float:
    """Where between two samples ``a`` and ``b`` the straight line crosses ``level`` (0-1)."""
    return 0.0 if b == a else min(max((level - a) / (b - a), 0.0), 1.0)


def ballistic(x: FloatArray, floor: float, amp: float, dt: float, limit_s: float) -> bool:
    """``x`` (ending at its peak) rose from 10 % to 90 % of ``amp`` faster than ``limit_s``:
    a cough or a knock, not a voluntary contraction. Crossings are interpolated between
    samples, so the grid's 20 ms steps do not decide it."""
    lo_level, hi_level = floor + 0.1 * amp, floor + 0.9 * amp
    hi = np.flatnonzero(x >= hi_level)
    if not len(hi) or hi[0] == 0:
        return False
    k_hi = int(hi[0])
    below = np.flatnonzero(x[:k_hi] <= lo_level)
    if not len(below):
        return False
    k_lo = int(below[-1])
    t_lo = k_lo + crossing(x[k_lo], x[k_lo + 1], lo_level)
    t_hi = k_hi - 1 + crossing(x[k_hi - 1], x[k_hi], hi_level)
    return (t_hi - t_lo) * dt < limit_s


def dwelt_at_top(x: FloatArray, floor: float, amp: float, dt: float, cfg: DetectorConfig) -> bool:
    """``x`` (from the trigger to now) stayed above 90 % of ``amp`` for ``spike_top_dwell_s``.

    A quick rise held there is a fast contraction or a quick strain; a cough's or a knock's
    pressure falls away from its peak at once.
    """
    return bool(np.count_nonzero(x >= floor + 0.9 * amp) * dt >= cfg.spike_top_dwell_s)


def width_above(x: FloatArray, level: float, dt: float) -> float:
    """Seconds ``x`` spends above ``level``, from its first to its last sample at or above it.

    A dip below in between counts: this is the width of one rise at that level, as the
    width at half height of a cough or a contraction is measured.
    """
    above = np.flatnonzero(x >= level)
    if len(above) == 0:
        return 0.0
    # crossings interpolated between grid samples (20 ms steps would decide otherwise)
    first, last = int(above[0]), int(above[-1])
    start = first - (crossing(x[first - 1], x[first], level) if first > 0 else 0.0)
    end = last + (1.0 - crossing(x[last], x[last + 1], level) if last + 1 < len(x) else 0.0)
    return (end - start) * dt
