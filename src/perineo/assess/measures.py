"""Per-contraction measurements from the samples: local rest, peak, time held.

Pure functions over arrays and the detector's repetitions; nothing is changed in place.
The detector says *where* each contraction is (one code path with training); these
functions measure it against a resting level that follows the balloon's warm-up drift.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.ndimage import gaussian_filter1d

from perineo.samples import FloatArray
from perineo.signal.events import Repetition, TechError

PEAK_SMOOTH_S = 0.02  # takes the sensor noise off a peak without flattening a 1-s contraction
HELD_MIN_S = 1.0  # a contraction held this long is measured without the breathing
BREATH_MAX_CMH2O = 10.0  # abdominal swings at rest beyond this are coughs, not breaths
BREATH_SMOOTH_S = 0.1
# the level breathing swings about: a median over several whole breaths (±5 s would sit
# on part of a breath beside a long hold)
BREATH_REST_HALF_WINDOW_S = 12.0
K_MAX = 1.2
HOLD_SMOOTH_S = 0.25  # breathing and noise must not end a hold early
HOLD_SMOOTH_BREATH_FREE_S = 0.1  # the breathing taken off (abdominal channel): noise only
HOLD_PEAK_SMOOTH_S = 0.1  # the peak a hold is measured against: noise off, overshoot kept
REST_HALF_WINDOW_S = 5.0  # the resting level is the median of rest samples within ±5 s
REST_GRID_S = 0.5
MARGIN_BEFORE_S = 0.3  # rest ends this long before an onset
MARGIN_AFTER_S = 0.8  # and starts again this long after the end of a fall
# The level a peak stands on: the squeeze just before the onset and just after the fall,
# joined by a straight line. Breathing moves the squeeze by up to a couple of cmH2O and a
# running median of the rest sits mid-breath; the neighbours follow the breath a short
# contraction sits on.
FOOT_BEFORE_S = (0.3, 0.05)  # from onset - 0.3 s to onset - 0.05 s
FOOT_AFTER_S = (0.1, 0.35)  # from end + 0.1 s to end + 0.35 s (before the next onset)
FOOT_SETTLED_FRAC = 0.2  # ... once the level is back within this share of the rise
FOOT_SEARCH_S = 2.0  # looked for this long after the end


def rest_mask(t: FloatArray, reps: Sequence[Repetition]) -> np.ndarray:
    """True where the person rests: outside every repetition and its kept residual."""
    mask = np.ones(len(t), dtype=bool)
    for i, r in enumerate(reps):
        end = r.end_s if r.end_s is not None else float(t[-1])
        if TechError.INCOMPLETE_RELEASE in r.errors:
            end = reps[i + 1].onset_s if i + 1 < len(reps) else float(t[-1])
        # the samples strictly inside (t increases): a slice, not a pass over every sample
        lo = np.searchsorted(t, r.onset_s - MARGIN_BEFORE_S, side="right")
        hi = np.searchsorted(t, end + MARGIN_AFTER_S, side="left")
        mask[lo:hi] = False
    return mask


def rest_curve(
    t: FloatArray, x: FloatArray, mask: np.ndarray, half_window_s: float = REST_HALF_WINDOW_S
) -> FloatArray:
    """The resting level of ``x`` at every sample: a running median over rest samples only.

    Inside a contraction it is interpolated from the rest on both sides, so a drifting
    baseline (a balloon warming up) is followed rather than frozen at the onset. The
    medians are taken on a grid every REST_GRID_S from the first sample, at the grid points
    within ``half_window_s`` of a sample (elsewhere a window holds none): memory and time
    follow the samples, not the time they span (a clock jump of 10^12 s is one gap).
    """
    if len(t) == 0:
        return np.zeros(0)
    if not mask.any():
        return np.full(len(t), float(np.median(x)))
    grid = _grid_near(t, half_window_s)
    tr, xr = t[mask], x[mask]
    lo = np.searchsorted(tr, grid - half_window_s)
    hi = np.searchsorted(tr, grid + half_window_s)
    vals = np.full(len(grid), np.nan)
    for j in np.flatnonzero(hi - lo >= 10):
        vals[j] = float(np.median(xr[lo[j] : hi[j]]))
    ok = ~np.isnan(vals)
    if not ok.any():
        return np.full(len(t), float(np.median(xr)))
    return np.interp(t, grid[ok], vals[ok])


def _grid_near(t: FloatArray, half_window_s: float) -> FloatArray:
    """The points of ``np.arange(t[0], t[-1] + REST_GRID_S, REST_GRID_S)`` (the same
    values) within ``half_window_s`` of a sample, in order, computed without that range:
    about ``2 * half_window_s / REST_GRID_S`` a sample at most, whatever the span. The
    points left out have no sample in their window (no median there either way)."""
    t0 = float(t[0])
    step = (t0 + REST_GRID_S) - t0  # np.arange's own step: its points are t0 + k * step
    if not step > 0:  # t0 so large that half a second is below its precision
        return np.array([t0])
    n_grid = np.ceil((float(t[-1]) + REST_GRID_S - t0) / REST_GRID_S)  # np.arange's length
    reach = math.floor(half_window_s / step) + 2  # grid points a sample's window meets, and one
    with np.errstate(over="ignore", invalid="ignore"):
        off = (t - t0) / step
    off = off[np.isfinite(off)]  # a span beyond a float's range: those samples have no grid
    # each sample's grid points (one more either side against rounding), merged where they
    # touch; float rounding far out cannot make a sample's range longer than 2 * reach
    first = np.clip(np.ceil(off - half_window_s / step) - 1, 0, n_grid - 1)
    last = np.clip(np.floor(off + half_window_s / step) + 1, first, first + 2 * reach)
    last = np.minimum(last, n_grid - 1)
    new = np.concatenate(([True], first[1:] > np.maximum.accumulate(last)[:-1] + 1))
    runs = np.flatnonzero(new)
    start = first[runs]
    sizes = (np.maximum.reduceat(last, runs) - start + 1).astype(np.int64)
    offsets = np.cumsum(sizes) - sizes
    k = np.repeat(start - offsets, sizes) + np.arange(int(sizes.sum()), dtype=np.float64)
    return np.asarray(t0 + k * step, dtype=np.float64)


def transmission(t: FloatArray, sq: FloatArray, abd: FloatArray, rest: np.ndarray) -> float:
    """k, the share of abdominal pressure the squeeze balloon sees, from the breathing at
    rest: the least-squares slope of squeeze on abdominal about their resting levels
    (coughs, beyond BREATH_MAX_CMH2O, left out; the twitch they bring would bias it)."""
    return _slope_at_rest(_about_rest(t, sq, rest), _about_rest(t, abd, rest), rest)


def _about_rest(t: FloatArray, x: FloatArray, rest: np.ndarray) -> FloatArray:
    """``x`` less the level it swings about at rest (over several whole breaths)."""
    return x - rest_curve(t, x, rest, BREATH_REST_HALF_WINDOW_S)


def _slope_at_rest(sq_dev: FloatArray, abd_dev: FloatArray, rest: np.ndarray) -> float:
    if rest.sum() < 50:
        return 0.0
    x, y = abd_dev[rest], sq_dev[rest]
    keep = np.abs(x) < BREATH_MAX_CMH2O
    x, y = x[keep], y[keep]
    sxx = float(np.dot(x, x))
    return 0.0 if sxx <= 0 else min(max(float(np.dot(x, y)) / sxx, 0.0), K_MAX)


def breath_free(
    t: FloatArray,
    sq: FloatArray,
    abd: FloatArray,
    reps: Sequence[Repetition],
    k: float | None = None,
) -> FloatArray:
    """The squeeze without the breathing the balloon picks up from the abdomen.

    Every abdominal swing about its resting level is breathing (or a cough), except that
    inside a contraction the abdomen also rises with the contraction itself (drawing in,
    bracing, straining). That part follows the squeeze, so the multiple of the squeeze's
    rise that best explains the abdominal rise there is taken out first; ``k`` times what
    is left (lightly smoothed) comes off the squeeze. The contraction's own abdominal part
    stays in: P is the squeeze pressure, whatever raised it. Without ``k`` it is learned
    from the rest, as :func:`transmission` does.
    """
    rest = rest_mask(t, reps)
    breath = _about_rest(t, abd, rest)
    above = _about_rest(t, sq, rest)
    if k is None:
        k = _slope_at_rest(above, breath, rest)
    for r in reps:
        end = r.end_s if r.end_s is not None else float(t[-1])
        s = window(t, r.onset_s - MARGIN_BEFORE_S, end + MARGIN_BEFORE_S)
        x = above[s]
        sxx = float(np.dot(x, x))
        if sxx > 0:
            breath[s] -= float(np.dot(x, breath[s])) / sxx * x
    return sq - k * smooth(t, breath, BREATH_SMOOTH_S)


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


def _mean_in(t: FloatArray, x: FloatArray, start_s: float, end_s: float) -> float | None:
    lo, hi = np.searchsorted(t, (start_s, end_s))
    return float(np.mean(x[lo:hi])) if hi > lo else None


def peak_on_foot(
    t: FloatArray,
    level: FloatArray,
    onset_s: float,
    end_s: float,
    next_onset_s: float | None,
    above: FloatArray,
) -> float:
    """Highest ``level`` between onset and end above the line joining the level just before
    the onset and just after the fall (see FOOT_BEFORE_S); where a side has no samples
    (a gap, the next contraction too close, the recording's end) the resting level
    ``level - above`` stands in for it. "After the fall" is after the level has come back
    within FOOT_SETTLED_FRAC of the rise (looked for up to FOOT_SEARCH_S after ``end_s``;
    if it never is before the next onset, rest stands in there too)."""
    s = window(t, onset_s, end_s)
    if s.stop <= s.start:
        return 0.0
    base = level - above
    limit = math.inf if next_onset_s is None else next_onset_s - FOOT_BEFORE_S[1]
    pre = _mean_in(t, level, onset_s - FOOT_BEFORE_S[0], onset_s - FOOT_BEFORE_S[1])
    # where the fall was closed early (a slow relaxation, a steep one the detector ended at
    # its top) the level just after it is still falling: the foot is where it has come down
    start = end_s + FOOT_AFTER_S[0]
    look = slice(*np.searchsorted(t, (end_s, min(limit, end_s + FOOT_SEARCH_S))))
    down = np.flatnonzero(above[look] <= FOOT_SETTLED_FRAC * float(np.max(above[s])))
    post = None  # never back down before the next onset: rest stands in
    if len(down):
        start = max(start, float(t[look.start + int(down[0])]))
        post = _mean_in(t, level, start, min(limit, start + FOOT_AFTER_S[1] - FOOT_AFTER_S[0]))
    i0, i1 = s.start, s.stop - 1
    y0 = float(base[i0]) if pre is None else pre
    y1 = float(base[i1]) if post is None else post
    ts = t[s]
    # the line runs to where the fall really ended (the post foot's own time less its lead)
    span = max(float(ts[-1] - ts[0]), start - FOOT_AFTER_S[0] - float(ts[0]), 1e-6)
    foot = y0 + (y1 - y0) * (ts - ts[0]) / span
    return float(np.max(level[s] - foot))


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


def breathing_swing(t: FloatArray, sq: FloatArray, rest: np.ndarray) -> float | None:
    """How far breathing moves the squeeze at rest, cmH2O: half the 5-95 % range of the
    lightly smoothed squeeze about the level it swings about (several whole breaths).
    What a peak can gain or lose from the breath it meets, where nothing takes it off."""
    if rest.sum() < 50:
        return None
    dev = _about_rest(t, smooth(t, sq, BREATH_SMOOTH_S), rest)[rest]
    lo, hi = np.percentile(dev, [5.0, 95.0])
    return float(hi - lo) / 2.0
