"""Technique judgements as pure functions over a repetition's samples.

DESIGN.md's errors: ``push_down`` (the abdomen carries the squeeze, or the probe tilts
down), ``abdominal_bracing`` (abdominal rise of half the pelvic-floor rise or more; a tenth
is the allowed transverse draw-in) and ``breath_hold`` (breathing stops during a hold).
"""

from __future__ import annotations

from dataclasses import dataclass

from perineo.samples import FloatArray
from perineo.signal import filters
from perineo.signal.condition import breathing_size
from perineo.signal.config import DetectorConfig


@dataclass(frozen=True)
class Findings:
    """What the channels say about one repetition so far (cmH2O above rest, degrees)."""

    push_down: bool
    bracing: bool
    abdominal_rise: float | None
    tilt_change: float | None
    carried: bool = False  # the abdomen alone carries the squeeze rise
    tilt_down: bool = False


def judge(
    sq: FloatArray,
    pelvic: FloatArray,
    abd: FloatArray | None,
    tilt: FloatArray | None,
    *,
    cfg: DetectorConfig,
    abd_sd: float,
    tilt_sd: float,
) -> Findings:
    """Push-down and bracing from the hold (all arrays above their resting levels).

    ``pelvic`` is ``squeeze − k·abdominal``; ``abd`` and ``tilt`` are ``None`` when the
    probe lacks the channel.
    """
    sq_med = filters.median(sq)
    a_med = filters.median(pelvic)
    tilt_change = None
    push_tilt = lift_tilt = False
    if tilt is not None:
        tilt_change = filters.median(tilt)
        lim = max(cfg.tilt_min_deg, cfg.tilt_sigmas * tilt_sd)
        push_tilt = tilt_change < -lim
        lift_tilt = tilt_change > lim
    abd_rise = None
    carried = push_abd = bracing = False
    if abd is not None:
        abd_rise = filters.median(abd)
        big = abd_rise > max(cfg.push_abdominal_min, 3.0 * abd_sd)
        carried = big and a_med < cfg.push_pelvic_ratio * max(sq_med, 1e-6)
        push_abd = carried and not lift_tilt
        bracing = (
            not push_abd and not push_tilt and a_med > 0 and abd_rise >= cfg.bracing_ratio * a_med
        )
    return Findings(push_abd or push_tilt, bracing, abd_rise, tilt_change, carried, push_tilt)


def breath_held(abd: FloatArray, fs: float, rest_size: float, cfg: DetectorConfig) -> bool:
    """Breathing has stopped over ``abd`` (a stretch of a hold) compared with rest."""
    return breathing_size(abd, fs) < cfg.breath_ratio * rest_size
