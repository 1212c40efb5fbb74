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
from perineo.signal import filters

KNEE_FRACTION = 0.12  # slope below this fraction of the steepest slope = flat
LEVEL_GUARD = 0.25  # do not stop while the level is more than this share of the step away
SLOW_RISE_S = 1.15  # a rise this long from knee to top may be slowly recruited,
SLOW_TRACED_S = 1.3  # and is, when traced back to its start it took this long to its top
EARLY_RISE = (0.02, 0.2)  # the early rise fitted: from just above rest to this share of it,
EARLY_LO_CMH2O = 0.3  # never from closer to rest than this,
EARLY_LO_SD = 3.0  # nor than this many SD of the level's wandering at rest
POWERS = np.arange(2.0, 4.01, 0.25)  # a smooth start: no jump in the rate of force
EARLY_SMOOTH_S = 0.12  # the start is placed on the early rise smoothed this much more (σ)
EARLY_SHIFT = 0.25  # and at most this share of the rise (knee to top) before the knee


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


def early_start(
    t: FloatArray,
    level: FloatArray,
    k_peak: int,
    floor: float,
    amp: float,
    noise: float,
    smooth_s: float = 0.0,
    powers: FloatArray = POWERS,
) -> float | None:
    """When a rise that accelerates smoothly from rest began, traced back from its early rise.

    The rise from just above rest (``EARLY_LO_SD`` SD of the level's wandering ``noise``, 2 %
    of the rise ``amp``) up to a fifth of it, smoothed ``smooth_s`` more (σ, seconds), is
    fitted with ``A·(t − t0)^p``: ``p`` free among ``powers``, ``t0`` on a 5 ms grid, least
    squares with ``A`` in closed form. ``None`` if too few samples lie in that part of the
    rise."""
    n = min(k_peak + 1, len(level))
    if n < 3:
        return None
    span = float(t[n - 1]) - float(t[0])
    if span <= 0:
        return None
    x = level[:n] - floor
    if smooth_s > 0:
        x = filters.smooth(x, smooth_s * (n - 1) / span)
    lo = max(EARLY_LO_CMH2O, EARLY_LO_SD * noise, EARLY_RISE[0] * amp)
    hi = EARLY_RISE[1] * amp
    under = np.flatnonzero(x < hi)  # (what stood above it before this rise is not it)
    if hi <= lo or len(under) == 0 or under[-1] >= n - 1:
        return None
    j_hi = int(under[-1]) + 1
    below = np.flatnonzero(x[:j_hi] <= lo)
    if len(below) == 0 or j_hi - int(below[-1]) < 4:
        return None
    j_lo = int(below[-1])
    tt, xx = t[j_lo : j_hi + 1], x[j_lo : j_hi + 1]
    t0s = np.arange(max(float(t[0]), float(tt[0]) - 1.5), float(tt[0]) + 1e-9, 0.005)
    d = np.maximum(tt[None, :] - t0s[:, None], 0.0)
    best, t_best = np.inf, None
    for p in powers:
        g = d**p
        res = float(xx @ xx) - (g @ xx) ** 2 / np.maximum(np.sum(g * g, axis=1), 1e-12)
        k = int(np.argmin(res))
        if res[k] < best:
            best, t_best = float(res[k]), float(t0s[k])
    return t_best


def slow_foot(
    t: FloatArray,
    level: FloatArray,
    k_peak: int,
    floor: float,
    amp: float,
    noise: float,
    knee: float,
    top: float,
) -> float:
    """The foot of a rise that took ``SLOW_RISE_S`` or more from its ``knee`` to its ``top``.

    Slow recruitment (motor units recruited in order of size, slowly in a weak or
    dysfunctional floor) starts smoothly and accelerates: its first part stays under the
    noise, and the knee (a share of the steepest slope) lies a few hundred ms after the
    drive began. Force that starts from rest with no jump in its rate of rise grows at
    least as the square of the time since the drive began, whatever the power: the early
    rise is traced back with a power of 2 to 4 (``early_start``). The rise is slowly
    recruited if it then took ``SLOW_TRACED_S`` or more to its top (an ordinary voluntary
    rise takes up to ~1.2 s); its foot is then placed on the early rise smoothed a little
    more (a slow rise has nothing faster in it), never after the knee nor more than
    ``EARLY_SHIFT`` of the rise before it. Any other rise keeps its knee."""
    fine = early_start(t, level, k_peak, floor, amp, noise)
    if fine is None or top - min(fine, knee) < SLOW_TRACED_S:
        return knee
    start = early_start(t, level, k_peak, floor, amp, noise, EARLY_SMOOTH_S)
    if start is None:
        return knee
    return max(min(knee, start), knee - EARLY_SHIFT * (top - knee))


def place_rise(
    t: FloatArray,
    level: FloatArray,
    slope: FloatArray,
    k_peak: int,
    floor: float,
    peak: float,
    noise: float = 0.0,
) -> tuple[float, float]:
    """Onset and hold start of a rise from ``floor`` to ``peak`` (at ``k_peak``): the knees
    either side of its steepest point up to the peak. A slowly recruited rise (a second or
    more from knee to knee) has its onset traced back from its early rise (``slow_foot``);
    ``noise`` is how far the level wanders at rest (SD)."""
    i_st = steepest(slope, 0, k_peak)
    amp = peak - floor
    onset = knee_back(t, level, slope, i_st, 0, floor, amp)
    top = knee_forward(t, level, slope, i_st, len(t) - 1, peak, amp)
    if top - onset >= SLOW_RISE_S:
        onset = slow_foot(t, level, k_peak, floor, amp, noise, onset, top)
    return onset, top


def stood_out(t: FloatArray, level: FloatArray, after_s: float, floor: float, thr: float) -> int:
    """Index of the first sample from ``after_s`` on where ``level`` is more than ``thr``
    above ``floor`` (the last sample if none is)."""
    j0 = int(np.searchsorted(t, after_s))
    up = np.flatnonzero(level[j0:] - floor > thr)
    return j0 + (int(up[0]) if len(up) else len(level) - 1 - j0)
