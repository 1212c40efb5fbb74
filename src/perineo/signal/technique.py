"""Technique judgements as pure functions over a repetition's samples.

docs/design.md's errors: ``push_down`` (the abdomen carries the squeeze, or the probe tilts
down), ``abdominal_bracing`` (abdominal rise of half the pelvic-floor rise or more; a tenth
is the allowed transverse draw-in) and ``breath_hold`` (breathing stops during a hold).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from perineo.samples import Channel, FloatArray
from perineo.signal import filters
from perineo.signal.condition import breath_swing, detrend
from perineo.signal.config import DetectorConfig
from perineo.signal.events import TechError


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
    coupling: Callable[[], float | None] | None = None,
) -> Findings:
    """Push-down and bracing from the hold (all arrays above their resting levels).

    ``pelvic`` is ``squeeze − k·abdominal``; ``abd`` and ``tilt`` are ``None`` when the
    probe lacks the channel. ``coupling`` gives how the abdominal pressure moved with the
    pelvic floor over the whole contraction (``co_rise``); when given, bracing also needs it
    (it is asked only when everything else says bracing: it costs more than the rest).
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
        # the rise must also stand out from breathing, which moves the abdominal median of a
        # short or weak contraction by as much as a weak contraction's bracing
        clear = abd_rise > max(cfg.bracing_min_cmH2O, cfg.bracing_sigmas * abd_sd)
        bracing = (
            not push_abd
            and not push_tilt
            and a_med > 0
            and clear
            and abd_rise >= cfg.bracing_ratio * a_med
            and _coupled(coupling, cfg.bracing_coupling)
        )
    return Findings(push_abd or push_tilt, bracing, abd_rise, tilt_change, carried, push_tilt)


def nothing_to_find(
    sq: FloatArray,
    pelvic: FloatArray,
    abd: FloatArray | None,
    tilt: FloatArray | None,
    *,
    cfg: DetectorConfig,
    abd_sd: float,
    tilt_sd: float,
    push: bool = True,
    bracing: bool = True,
) -> bool:
    """``judge`` given the same arrays certainly finds no push-down (if ``push``) and no
    bracing (if ``bracing``). Told without the medians (a hold is judged every frame, and
    nearly always there is nothing to find): the tilt's median is not below its limit and
    the abdominal median not above a limit when at most half the samples are beyond it;
    else the abdomen carries nothing when the pelvic floor's lowest is a large enough
    share of the squeeze's highest, and rose too little for bracing when its highest is
    well under the pelvic floor's lowest (the medians lie between these)."""
    n = len(pelvic)
    half = (n - 1) // 2  # at most this many beyond a limit: the median is not
    if push and tilt is not None:
        lim = max(cfg.tilt_min_deg, cfg.tilt_sigmas * tilt_sd)
        if np.count_nonzero(tilt < -lim) > half:
            return False
    if abd is None or not (push or bracing):
        return True
    big = max(cfg.push_abdominal_min, 3.0 * abd_sd)  # (as judge's)
    clear = max(cfg.bracing_min_cmH2O, cfg.bracing_sigmas * abd_sd)
    limit = big if not bracing else clear if not push else min(big, clear)
    if n - np.count_nonzero(abd <= limit) <= half:  # (not finite counts as beyond)
        return True
    if n == 0:
        return False
    low = float(pelvic.min())
    may_carry = not low >= cfg.push_pelvic_ratio * max(float(sq.max()), 1e-6)
    if push and may_carry and n - np.count_nonzero(abd <= big) > half:
        return False
    may_brace = not float(abd.max()) < cfg.bracing_ratio * low
    return not (bracing and may_brace and n - np.count_nonzero(abd <= clear) > half)


def _coupled(coupling: Callable[[], float | None] | None, at_least: float) -> bool:
    """No coupling asked for, none measurable, or at least ``at_least``."""
    if coupling is None:
        return True
    beta = coupling()
    return beta is None or beta >= at_least


def co_rise(abd: FloatArray, pelvic: FloatArray, lag: int = 1) -> float | None:
    """How many cmH2O the abdomen rose per cmH2O of pelvic-floor rise, breathing aside.

    Bracing rises and falls with the contraction; a breath keeps its own time. The changes
    over ``lag`` samples are compared: the abdomen's as ``β·`` the pelvic floor's, plus a
    breathing slope that itself changes steadily over a stretch this short (``a + b·t``).
    A contraction's rise is steep where a breath is smooth, so β is the abdomen's share
    whatever the breath was doing. ``None`` when the pelvic floor barely moved.
    """
    n = len(abd) - lag
    if lag < 1 or n < 4 or len(pelvic) != len(abd):
        return None
    da = abd[lag:] - abd[:-lag]
    dp = pelvic[lag:] - pelvic[:-lag]
    # least squares of ``da`` on ``dp``, a constant and a ramp, in closed form: β is ``da``
    # regressed on what of ``dp`` the constant and the ramp do not explain (Frisch–Waugh)
    resid = detrend(dp)
    if float(resid.max()) - float(resid.min()) < 1e-6:
        return None
    return float(np.dot(resid, da)) / float(np.dot(resid, resid))


_PINNED_CMH2O = 1e-3  # a swing under this is no sensor's noise: the channel is pinned


def breath_held(
    abd: FloatArray, pelvic: FloatArray, fs: float, rest_swing: float, cfg: DetectorConfig
) -> bool:
    """Breathing has stopped over ``abd`` (a stretch of a hold): its swing, less what the
    contraction (``pelvic``) explains, is under ``breath_ratio`` of a breath's at rest.
    Shallow, slow or irregular breathing still swings: it is breathing."""
    return breath_stillness(abd, pelvic, fs, rest_swing) < cfg.breath_ratio


def breath_stillness(abd: FloatArray, pelvic: FloatArray, fs: float, rest_swing: float) -> float:
    """The swing of ``abd`` (a stretch of a hold) the contraction does not explain, as a
    fraction of a breath's at rest; infinite (nothing can be told) when the channel did not
    move at all: a sensor pinned at the end of its range shows no noise, a still body does."""
    swing = breath_swing(abd, fs, pelvic)
    if rest_swing <= 0 or swing < _PINNED_CMH2O:
        return math.inf
    return swing / rest_swing


def judged_span(
    trig_i: int, hold_i: int | None, release_i: int | None, i: int, final: bool
) -> tuple[int, int]:
    """The grid samples ``[j0, i1]`` push-down and bracing are judged over, at ``i``.

    The hold (from its confirmation, or the trigger before it) up to now or the release;
    a final judgement reaches back to the release if it came before the hold was seen. Under
    3 samples is too short to judge: the last 10 before ``i1`` (not before the trigger) then.
    """
    j0 = hold_i if hold_i is not None else trig_i
    j0 = min(j0, i)
    if final and release_i is not None:
        j0 = min(j0, release_i)
    i1 = release_i if release_i is not None else i
    if i1 - j0 < 3:
        j0 = max(trig_i, i1 - 10)
    return j0, i1


def breath_span(trig_i: int, i: int, cfg: DetectorConfig) -> tuple[int, int] | None:
    """The grid samples ``[i0, i1)`` a breath hold is judged over at ``i``: the last stretch
    as long as a breath hold must be (``breath_hold_s``), or ``None`` while the contraction
    triggered at ``trig_i`` has not lasted that long 0.5 s after its trigger."""
    w = round(cfg.breath_hold_s * cfg.fs)
    if i - (trig_i + round(0.5 * cfg.fs)) < w:
        return None
    return i - w, i


def unverifiable_errors(channels: tuple[Channel, ...]) -> tuple[TechError, ...]:
    """Technique errors a channel set cannot tell (docs/design.md: needs column)."""
    out = []
    if Channel.ABDOMINAL not in channels and Channel.TILT not in channels:
        out.append(TechError.PUSH_DOWN)
    if Channel.ABDOMINAL not in channels:
        out += [TechError.ABDOMINAL_BRACING, TechError.BREATH_HOLD]
    return tuple(out)
