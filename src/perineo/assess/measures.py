"""Per-contraction measurements from the samples: local rest, peak, time held.

Pure functions over arrays and the detector's repetitions; nothing is changed in place.
The detector says *where* each contraction is (one code path with training); these
functions measure it against a resting level that follows the balloon's warm-up drift.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.ndimage import gaussian_filter1d

from perineo.samples import FloatArray
from perineo.signal.events import Repetition, TechError

PEAK_SMOOTH_S = 0.02  # takes the sensor noise off a peak without flattening a 1-s contraction
HOLD_SMOOTH_S = 0.25  # breathing and noise must not end a hold early
HOLD_PEAK_SMOOTH_S = 0.1  # the peak a hold is measured against: noise off, overshoot kept
REST_HALF_WINDOW_S = 5.0  # the resting level is the median of rest samples within ±5 s
REST_GRID_S = 0.5
MARGIN_BEFORE_S = 0.3  # rest ends this long before an onset
MARGIN_AFTER_S = 0.8  # and starts again this long after the end of a fall


def rest_mask(t: FloatArray, reps: Sequence[Repetition]) -> np.ndarray:
    """True where the person rests: outside every repetition and its kept residual."""
    mask = np.ones(len(t), dtype=bool)
    for i, r in enumerate(reps):
        end = r.end_s if r.end_s is not None else float(t[-1])
        if TechError.INCOMPLETE_RELEASE in r.errors:
            end = reps[i + 1].onset_s if i + 1 < len(reps) else float(t[-1])
        mask &= ~((t > r.onset_s - MARGIN_BEFORE_S) & (t < end + MARGIN_AFTER_S))
    return mask


def rest_curve(t: FloatArray, x: FloatArray, mask: np.ndarray) -> FloatArray:
    """The resting level of ``x`` at every sample: a running median over rest samples only.

    Inside a contraction it is interpolated from the rest on both sides, so a drifting
    baseline (a balloon warming up) is followed rather than frozen at the onset.
    """
    if len(t) == 0:
        return np.zeros(0)
    if not mask.any():
        return np.full(len(t), float(np.median(x)))
    grid = np.arange(float(t[0]), float(t[-1]) + REST_GRID_S, REST_GRID_S)
    tr, xr = t[mask], x[mask]
    lo = np.searchsorted(tr, grid - REST_HALF_WINDOW_S)
    hi = np.searchsorted(tr, grid + REST_HALF_WINDOW_S)
    vals = np.full(len(grid), np.nan)
    for j, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if b - a >= 10:
            vals[j] = float(np.median(xr[a:b]))
    ok = ~np.isnan(vals)
    if not ok.any():
        return np.full(len(t), float(np.median(xr)))
    return np.interp(t, grid[ok], vals[ok])


def smooth(t: FloatArray, x: FloatArray, sigma_s: float) -> FloatArray:
    """Gaussian smoothing with a width in seconds (the sample rate is read from ``t``)."""
    if len(x) < 3:
        return np.asarray(x, dtype=float).copy()
    dt = float(np.median(np.diff(t)))
    return gaussian_filter1d(np.asarray(x, dtype=float), max(sigma_s / dt, 0.5), mode="nearest")


def window(t: FloatArray, start_s: float, end_s: float) -> slice:
    lo, hi = np.searchsorted(t, (start_s, end_s))
    return slice(int(lo), int(max(hi, lo + 1)))


def peak_above_rest(t: FloatArray, above: FloatArray, start_s: float, end_s: float) -> float:
    """Highest lightly smoothed level above rest between ``start_s`` and ``end_s``."""
    s = window(t, start_s, end_s)
    seg = above[s]
    return float(np.max(seg)) if len(seg) else 0.0


def held_seconds(
    t: FloatArray,
    above: FloatArray,
    hold_start_s: float,
    end_s: float,
    peak_cmH2O: float,
    fraction: float,
) -> float:
    """Seconds from ``hold_start_s`` the level stays above ``fraction`` of the peak
    (``above`` is the smoothed level above rest).

    Where a tiring hold hovers at the limit, breathing and noise cross it back and forth;
    the time spent above it, up to the last crossing, counts (each dip below is left out),
    which neither the first nor the last crossing alone would measure fairly.
    """
    s = window(t, hold_start_s, end_s)
    seg, ts = above[s], t[s]
    if len(seg) < 2:
        return 0.0
    up = seg >= fraction * peak_cmH2O
    if not up.any():
        return 0.0
    last = int(np.flatnonzero(up)[-1])
    dt = np.diff(ts[: last + 1])  # interval k runs from sample k to k + 1
    return float(np.sum(dt[up[:last]]))
