"""The end of a repetition: where its release began, where its fall ended, and whether
the level came back to rest (an incomplete release leaves a residual contraction).

Pure functions over the smoothed, buffered past (``t``, ``level``, ``slope`` from the same
window; indices are into that window), as in ``timing``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perineo.samples import FloatArray
from perineo.signal import filters
from perineo.signal.config import DetectorConfig
from perineo.signal.timing import knee_back, knee_forward, steepest


def released(r: float, floor: float, hold_ref: float, cfg: DetectorConfig) -> bool:
    """``r`` is below the share of the hold (over its floor) that still counts as holding."""
    return r < release_level(floor, hold_ref, cfg)


def release_level(floor: float, hold_ref: float, cfg: DetectorConfig) -> float:
    """The level below which a hold over ``floor`` at ``hold_ref`` counts as let go."""
    return floor + cfg.release_fraction * (hold_ref - floor)


def place_release(
    t: FloatArray,
    level: FloatArray,
    slope: FloatArray,
    k_now: int,
    k_last_lift: int | None,
    floor: float,
    hold_start_s: float | None,
    fs: float,
) -> float:
    """When the release began: the knee before the steepest fall of the last 1.5 s.

    The fall of the last quick lift (ending at ``k_last_lift``) is not the release: look
    back no further than it. The release does not come before the hold began.
    """
    neg = -slope
    k_floor = max(0, k_now - round(2.5 * fs))
    if k_last_lift is not None:
        k_floor = max(k_floor, k_last_lift)
    i_st = steepest(neg, max(k_floor, k_now - round(1.5 * fs)), k_now)
    top = float(np.max(level[k_floor : i_st + 1]))
    step = top - floor
    rel = knee_back(t, -level, neg, i_st, k_floor, -top, step)
    return max(rel, hold_start_s or rel)


def fall_ended(
    slope: float, min_slope: float, n_falling: int, slope_thr: float, cfg: DetectorConfig
) -> bool:
    """The fall has levelled off: ``n_falling`` samples in, the slope back to a small share
    of the steepest fall (``min_slope``) and small against the onset slope threshold."""
    return (
        n_falling >= 3
        and slope > -cfg.fall_end_fraction * abs(min_slope)
        and abs(slope) < slope_thr * 2
    )


def place_fall_end(
    t: FloatArray,
    level: FloatArray,
    slope: FloatArray,
    k_peak: int,
    hold_ref: float,
    release_s: float | None,
) -> tuple[float, float]:
    """When the fall ended, and the bottom it reached.

    The steepest of the fall is looked for from the peak up to now: a fast contraction may
    fall hardest after its release was seen, and a knee taken at its top closes it there.
    """
    neg = -slope
    i_st = steepest(neg, max(0, k_peak), len(t) - 1)
    bottom = float(np.min(level[i_st:]))
    step = max(hold_ref - bottom, 1e-6)
    end = knee_forward(t, -level, neg, i_st, len(t) - 1, -bottom, step)
    return max(end, release_s or end), bottom


@dataclass(frozen=True)
class Residual:
    level: float  # median pelvic-floor level after the fall, cmH2O above rest
    incomplete: bool  # clearly above rest: an incomplete release
    limit: float = 0.0  # how far above rest is clearly above


def residual(
    after: FloatArray, hold_amp: float, noise_sd: float, cfg: DetectorConfig
) -> Residual | None:
    """Does the level stay clearly above rest after the fall?

    ``after`` is the pelvic-floor signal from ``residual_delay_s`` after the fall to now;
    under 0.4 s of it decides nothing (``None``). The limit grows with the hold (``hold_amp``
    above rest) and the noise.
    """
    if len(after) < round(0.4 * cfg.fs):
        return None
    level = filters.median(after)
    limit = max(cfg.residual_min, cfg.residual_fraction * hold_amp, cfg.residual_sigmas * noise_sd)
    return Residual(level, level > limit, limit)
