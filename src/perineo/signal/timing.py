"""Retrospective timing of a rise or fall, on the buffered past (pure functions).

The causal detector decides *that* something happened; these functions then say *when*,
using the zero-phase smoothed history up to the decision. A rise's foot is where its slope
has fallen to a small fraction of its steepest slope, walking back from the steepest point
and not stopping while the level is still well above the floor (so a slope wiggle halfway up
is not taken for the foot). The same rule, mirrored, finds the end of a rise, the start of a
fall and the end of a fall.
"""

from __future__ import annotations

import numpy as np

from perineo.samples import FloatArray

KNEE_FRACTION = 0.12  # slope below this fraction of the steepest slope = flat
LEVEL_GUARD = 0.25  # do not stop while the level is more than this share of the step away


def _crossing(t: FloatArray, y: FloatArray, j0: int, j1: int, thr: float) -> float:
    """Time between samples j0 and j1 where y crosses thr (linear interpolation)."""
    y0, y1 = float(y[j0]), float(y[j1])
    if y1 == y0:
        return float(t[j1])
    f = min(max((thr - y0) / (y1 - y0), 0.0), 1.0)
    return float(t[j0] + f * (t[j1] - t[j0]))


def knee_back(
    t: FloatArray,
    level: FloatArray,
    slope: FloatArray,
    i_steep: int,
    i_lo: int,
    floor: float,
    step: float,
    frac: float = KNEE_FRACTION,
) -> float:
    """Walk back from the steepest point ``i_steep`` of a rise to its foot.

    ``slope`` is signed so that the movement is positive (pass ``-slope`` and ``-level`` for a
    fall); ``floor`` is the level the movement starts from, ``step`` its size.
    """
    smax = float(slope[i_steep])
    if smax <= 0 or i_steep <= i_lo:
        return float(t[max(i_lo, min(i_steep, len(t) - 1))])
    seg_s = slope[i_lo : i_steep + 1]
    seg_l = level[i_lo : i_steep + 1]
    moving = (seg_s > frac * smax) | (seg_l - floor > LEVEL_GUARD * step)
    still = np.flatnonzero(~moving)
    if len(still) == 0:
        return float(t[i_lo])
    j = i_lo + int(still[-1])
    if j + 1 > i_steep:
        return float(t[j])
    return _crossing(t, slope, j, j + 1, frac * smax)


def knee_forward(
    t: FloatArray,
    level: FloatArray,
    slope: FloatArray,
    i_steep: int,
    i_hi: int,
    top: float,
    step: float,
    frac: float = KNEE_FRACTION,
) -> float:
    """Walk forward from the steepest point of a rise to where it levels off at ``top``."""
    smax = float(slope[i_steep])
    i_hi = min(i_hi, len(t) - 1)
    if smax <= 0 or i_steep >= i_hi:
        return float(t[min(i_steep, i_hi)])
    seg_s = slope[i_steep : i_hi + 1]
    seg_l = level[i_steep : i_hi + 1]
    moving = (seg_s > frac * smax) | (top - seg_l > LEVEL_GUARD * step)
    still = np.flatnonzero(~moving)
    if len(still) == 0:
        return float(t[i_hi])
    j = i_steep + int(still[0])
    if j == i_steep:
        return float(t[j])
    return _crossing(t, slope, j - 1, j, frac * smax)


def steepest(slope: FloatArray, i0: int, i1: int) -> int:
    """Index of the largest slope in ``[i0, i1]``."""
    i1 = max(i0, min(i1, len(slope) - 1))
    return i0 + int(np.argmax(slope[i0 : i1 + 1]))


def place_rise(
    t: FloatArray, level: FloatArray, slope: FloatArray, k_peak: int, floor: float, peak: float
) -> tuple[float, float]:
    """Onset and hold start of a rise from ``floor`` to ``peak`` (at ``k_peak``): the knees
    either side of its steepest point up to the peak."""
    i_st = steepest(slope, 0, k_peak)
    amp = peak - floor
    onset = knee_back(t, level, slope, i_st, 0, floor, amp)
    return onset, knee_forward(t, level, slope, i_st, len(t) - 1, peak, amp)


def stood_out(t: FloatArray, level: FloatArray, after_s: float, floor: float, thr: float) -> int:
    """Index of the first sample from ``after_s`` on where ``level`` is more than ``thr``
    above ``floor`` (the last sample if none is)."""
    j0 = int(np.searchsorted(t, after_s))
    up = np.flatnonzero(level[j0:] - floor > thr)
    return j0 + (int(up[0]) if len(up) else len(level) - 1 - j0)
