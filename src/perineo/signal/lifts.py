"""Quick lifts: a brief extra rise on top of a hold that falls back promptly.

They are followed on ``q``, a smoother copy of the pelvic-floor signal (a noise excursion
is not a lift), one grid sample at a time: ``follow_lift`` takes the tracker's small state
(the current trough and, once the rise is big enough, the peak) and returns the next one,
with the lift when one is confirmed. Confirmed lifts are then timed on the unlagged signal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from perineo.samples import FloatArray
from perineo.signal.config import DetectorConfig
from perineo.signal.timing import knee_back, steepest


@dataclass(frozen=True, slots=True)
class LiftTrack:
    """The quick-lift follower's state within a hold (``q`` in cmH2O, grid indices)."""

    trough: float = 0.0
    trough_i: int = 0
    peak: float | None = None  # set once the rise from the trough is big and quick enough
    peak_i: int = 0


@dataclass(frozen=True, slots=True)
class Lift:
    """A confirmed quick lift, as seen on ``q``."""

    trough: float
    trough_i: int
    peak: float

    @property
    def height(self) -> float:
        return self.peak - self.trough


def lift_threshold(hold_amp: float, noise_sd: float, slow_sd: float, cfg: DetectorConfig) -> float:
    """The smallest quick lift on a hold ``hold_amp`` above its floor: clear of the noise,
    of the breathing ripple a squeeze-only probe sees, and a share of the hold itself."""
    lift_min = max(cfg.lift_min, cfg.lift_sigmas * noise_sd, cfg.lift_slow_sigmas * slow_sd)
    return max(lift_min, cfg.lift_fraction * hold_amp)


def tremor_rise(
    q_hold: FloatArray, fs: float, cfg: DetectorConfig, hold_amp: float | None = None
) -> float | None:
    """The largest rise the hold's own tremor made within ``lift_max_rise_s`` (cmH2O):
    over ``q_hold`` (the hold before a lift), the most any sample stood above the lowest
    of the ``lift_max_rise_s`` before it. A lift is measured the same way (trough to peak
    within that time), so the two compare like for like, whatever the tremor's spectrum.
    With ``hold_amp`` (the hold's level above its floor), a rise as big as a quick lift
    (``lift_hold_fraction`` of it) is no tremor but a lift too small for the follower to
    have taken (on a squeeze-only probe the breathing raises its threshold), and is left
    out. ``None`` when less than ``tremor_min_s`` of hold was seen."""
    if len(q_hold) < round(cfg.tremor_min_s * fs):
        return None
    x = np.asarray(q_hold, dtype=float)
    w = max(1, round(cfg.lift_max_rise_s * fs))
    padded = np.concatenate((np.full(w, x[0]), x))
    trailing_min = sliding_window_view(padded, w + 1).min(axis=1)
    rises = x - trailing_min
    if hold_amp is not None:
        rises = rises[rises < cfg.lift_hold_fraction * hold_amp]
        if len(rises) == 0:
            return 0.0
    return float(np.max(rises))


def stands_out(height: float, hold_amp: float, tremor: float | None, cfg: DetectorConfig) -> bool:
    """A rise of ``height`` on a hold ``hold_amp`` above its floor is a deliberate lift, not
    the hold's tremor (``tremor``: its largest quick rise; ``None``: not yet measured, so no
    lift), nor a new contraction begun on a level that only looked like a hold (a rise
    bigger than the hold itself)."""
    if tremor is None or height > hold_amp:
        return False
    return height >= max(cfg.lift_hold_fraction * hold_amp, cfg.lift_over_tremor * tremor)


def follow_lift(
    track: LiftTrack,
    q: FloatArray,
    i: int,
    trough_t: float,
    hold_start_s: float,
    lift_min: float,
    dt: float,
    cfg: DetectorConfig,
) -> tuple[LiftTrack, Lift | None]:
    """One grid sample ``i`` of the follower; return the next state and a confirmed lift.

    ``q`` is the hold's trace ending at ``i`` (``q[-1]`` is now), at least
    ``lift_max_rise_s`` long once the trough is that old; ``trough_t`` is the time of the
    current trough. A lift is confirmed when ``q`` has fallen back by half of its rise, the
    rise having come quickly (``lift_max_rise_s``), at least ``lift_after_hold_s`` into the
    hold, and the fall promptly (``lift_max_fall_s``).
    """
    now = float(q[-1])
    if track.peak is None:
        if now < track.trough:
            return LiftTrack(now, i), None
        if now - track.trough >= lift_min and (i - track.trough_i) * dt <= cfg.lift_max_rise_s:
            return LiftTrack(track.trough, track.trough_i, now, i), None
        if (i - track.trough_i) * dt > cfg.lift_max_rise_s:
            # slow drift up is not a lift: move the trough along
            n = round(cfg.lift_max_rise_s * cfg.fs)
            seg = q[max(0, len(q) - 1 - n) :]
            k = int(np.argmin(seg))
            return LiftTrack(float(seg[k]), i - n + k), None
        return track, None
    if now > track.peak:
        track = LiftTrack(track.trough, track.trough_i, now, i)
    assert track.peak is not None
    prom = track.peak - track.trough
    if now <= track.peak - 0.5 * prom:
        if trough_t - hold_start_s >= cfg.lift_after_hold_s:
            return LiftTrack(now, i), Lift(track.trough, track.trough_i, track.peak)
        # an overshoot as the hold begins is not a lift on top of the hold
        return LiftTrack(now, i), None
    if (i - track.peak_i) * dt > cfg.lift_max_fall_s:
        # a slow sag after a rise (fatigue) is not a quick lift falling back
        return LiftTrack(now, i), None
    return track, None


def lift_peak(level: FloatArray, k_trough: int) -> int:
    """Index of a lift's top on the unlagged, smoothed ``level`` (after its trough)."""
    return int(np.argmax(level[k_trough:])) + k_trough


def lift_foot(
    t: FloatArray,
    level: FloatArray,
    k_trough: int,
    k_peak: int,
    trough: float,
    height: float,
    dt: float,
) -> float:
    """Where the first lift leaves the hold: the hold ends there.

    ``level`` is smoothed and unlagged (``dt`` its grid step); ``trough`` and ``height`` are
    the lift's on ``q``.
    """
    sl = np.gradient(level) / dt
    i_st = steepest(sl, k_trough, k_peak)
    return knee_back(t, level, sl, i_st, 0, trough, height)
