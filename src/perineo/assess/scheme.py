"""PERFECT from a recording: the detector's repetitions measured on the samples.

``perfect(block, reps, steps)`` is a pure function. Steps come from the guided assessment
(the cues the clinician gave); for a plain recording :func:`~perineo.assess.steps.infer_steps`
finds them from the contractions (the fast ones by their shape).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from perineo.assess import measures as m
from perineo.assess.bands import band_for
from perineo.assess.model import (
    ENDURANCE_FRACTION,
    ENDURANCE_MAX_S,
    FAST_MAX,
    POWER_BREATH_FACTOR,
    REPETITION_TOLERANCE_S,
    REPETITIONS_MAX,
    Contraction,
    Movement,
    Perfect,
    Step,
    StepSpan,
    breath_named,
)
from perineo.assess.steps import BRIEF_S, MAXIMAL_FRACTION, brief, infer_steps, step_at
from perineo.assess.technique import checks, findings, movement, summary_sentence
from perineo.assess.texts import Finding, Note, note
from perineo.program.texts import Message
from perineo.samples import Channel, FloatArray, SampleBlock
from perineo.signal.detect import unverifiable_errors
from perineo.signal.events import Repetition, TechError

REST_LEVEL_S = 15.0  # the resting level: the last 15 s of the rest step
# A contraction tilting the probe up this many times more per cmH2O than her own do (and
# by at least MOVED_MIN_DEG) is a movement of the probe: a knock tilts it 1-8 degrees
# whatever the squeeze; her lifts tilt it by a steady 0.05-0.25 degrees per cmH2O.
MOVED_RATIO = 2.5
MOVED_MIN_DEG = 2.0
MOVED_MIN_LIFTS = 5
# A hold whose time is this close to E - 1 s could have counted either way: holds are
# timed to about 0.13-0.16 s (sd, docs/clinician.md), so R is given with the range it spans.
BORDERLINE_S = 0.3


def probe_moved(cs: Sequence[Contraction]) -> list[Contraction]:
    """Contractions whose upward tilt is out of all proportion to their squeeze: the probe
    was moved (a knock, shifting position), not lifted by the pelvic floor.

    A lift tilts the probe in proportion to its squeeze, by a ratio her own contractions
    show (degrees per cmH2O, their median). One that tilts MOVED_RATIO times that and at
    least MOVED_MIN_DEG is taken for a movement. Needs the tilt channel and at least
    MOVED_MIN_LIFTS lifts to learn her ratio from; a downward tilt is left to the
    push-down check.
    """
    lifts = [
        c
        for c in cs
        if c.movement is Movement.LIFT
        and c.tilt_change_deg is not None
        and c.tilt_change_deg > 0
        and c.peak_cmH2O > 0
    ]
    if len(lifts) < MOVED_MIN_LIFTS:
        return []
    ratio = float(np.median([(c.tilt_change_deg or 0.0) / c.peak_cmH2O for c in lifts]))
    return [
        c
        for c in lifts
        if (c.tilt_change_deg or 0.0) >= max(MOVED_MIN_DEG, MOVED_RATIO * ratio * c.peak_cmH2O)
    ]


def counted(c: Contraction) -> bool:
    """Does this contraction count for PERFECT? Not in the rests, not a brief one among
    the holds."""
    if c.step in (Step.REST, Step.RECOVERY):
        return False
    return not (c.step is Step.ENDURANCE and brief(c.onset_s, c.end_s))


def resting_level(block: SampleBlock, rest: np.ndarray, steps: Sequence[StepSpan]) -> float | None:
    """Median squeeze (absolute cmH2O) over the last seconds of the rest step."""
    t, sq = block.t, block.data[Channel.SQUEEZE]
    span = next((s for s in steps if s.step is Step.REST), None)
    sel = rest.copy()
    if span is not None and span.end_s - span.start_s >= 2.0:
        sel &= (t >= max(span.start_s, span.end_s - REST_LEVEL_S)) & (t < span.end_s)
    if not sel.any():
        sel = rest
    return float(np.median(sq[sel])) if sel.any() else None


@dataclass(frozen=True)
class _HoldLevels:
    """What a hold is timed on: the squeeze (without the breathing where the abdominal
    channel shows it), its resting level, and the level above rest smoothed two ways."""

    steady: FloatArray
    base: FloatArray
    heavy: FloatArray  # breathing and noise must not end a hold early
    mid: FloatArray  # the hold's own peak: noise smoothed off, an overshoot at its top kept


def _hold_levels(block: SampleBlock, reps: Sequence[Repetition], rest: np.ndarray) -> _HoldLevels:
    t, sq = block.t, block.data[Channel.SQUEEZE]
    # a brief contraction stands on the breath it falls in (the line between its feet
    # follows it); under a hold the breath keeps moving, so holds are measured on the
    # squeeze without it where the abdominal channel shows the breathing
    steady, hold_smooth = sq, m.HOLD_SMOOTH_S
    if Channel.ABDOMINAL in block.data:
        steady = m.breath_free(t, sq, block.data[Channel.ABDOMINAL], reps)
        hold_smooth = m.HOLD_SMOOTH_BREATH_FREE_S
    base = m.rest_curve(t, steady, rest)
    heavy = m.smooth(t, steady, hold_smooth) - base
    mid = m.smooth(t, steady, m.HOLD_PEAK_SMOOTH_S) - base
    return _HoldLevels(steady, base, heavy, mid)


def _held(t: FloatArray, lv: _HoldLevels, r: Repetition) -> float | None:
    """Seconds from the hold's start above ENDURANCE_FRACTION of its own peak (E's measure)."""
    if r.hold_start_s is None:
        return None
    end = r.end_s if r.end_s is not None else float(t[-1])
    top = m.peak_above_rest(t, lv.mid, r.onset_s, end)
    return m.held_seconds(t, lv.heavy, r.hold_start_s, end, top, ENDURANCE_FRACTION)


def measured_so_far(
    block: SampleBlock, reps: Sequence[Repetition], rep: Repetition
) -> Contraction | None:
    """``rep`` measured as the report measures it (its peak on its feet, E's time held),
    from the samples and repetitions seen so far: what the live table shows and the
    repetitions' cue is made from. The report measures on the whole recording (the resting
    level after it, the breathing learned from every rest, the next onset), so it may differ
    by a few tenths of a cmH2O or hundredths of a second."""
    if len(block.t) == 0:
        return None
    seen = [r for r in reps if r.onset_s < rep.onset_s]
    anywhere = (StepSpan(Step.REST, -math.inf, math.inf),)
    measured = contractions(block, [*seen, rep], anywhere)
    return measured[-1] if measured else None


def contractions(
    block: SampleBlock, reps: Sequence[Repetition], steps: Sequence[StepSpan]
) -> tuple[Contraction, ...]:
    """Every repetition measured on the samples, with its step and classification."""
    t, sq = block.t, block.data[Channel.SQUEEZE]
    if len(t) == 0:
        return ()
    rest = m.rest_mask(t, reps)
    lv = _hold_levels(block, reps, rest)
    brief_level = m.smooth(t, sq, m.PEAK_SMOOTH_S)
    brief_base = m.rest_curve(t, brief_level, rest)
    held_level = brief_level if lv.steady is sq else m.smooth(t, lv.steady, m.PEAK_SMOOTH_S)
    # above rest, once for every contraction (not a whole-recording array for each)
    held_above, brief_above = held_level - lv.base, brief_level - brief_base
    out = []
    for i, r in enumerate(reps):
        step = step_at(steps, r.onset_s)
        if step is None:
            continue
        end = r.end_s if r.end_s is not None else float(t[-1])
        nxt = reps[i + 1].onset_s if i + 1 < len(reps) else None
        held_long = (
            r.hold_start_s is not None
            and r.release_s is not None
            and r.release_s - r.hold_start_s >= m.HELD_MIN_S
        )
        if held_long:
            lev, above = held_level, held_above
        else:
            lev, above = brief_level, brief_above
        if r.end_s is None or TechError.INCOMPLETE_RELEASE in r.errors:
            peak = m.peak_above_rest(t, above, r.onset_s, end)
        else:
            peak = m.peak_on_foot(t, lev, r.onset_s, end, nxt, above)
        held = _held(t, lv, r)
        relaxed = None
        if TechError.INCOMPLETE_RELEASE in r.errors:
            relaxed = False
        elif r.residual_cmH2O is not None or r.end_s is not None:
            relaxed = True
        out.append(
            Contraction(
                index=i,
                step=step,
                onset_s=r.onset_s,
                hold_start_s=r.hold_start_s,
                release_s=r.release_s,
                end_s=r.end_s,
                peak_cmH2O=peak,
                held_s=held,
                rise_time_s=r.rise_time_s,
                relax_time_s=r.fall_time_s,
                movement=movement(r),
                errors=tuple(e.value for e in r.errors),
                relaxed=relaxed,
                residual_cmH2O=r.residual_cmH2O,
                tilt_change_deg=r.tilt_change_deg,
            )
        )
    return tuple(out)


def perfect(
    block: SampleBlock,
    reps: Sequence[Repetition],
    steps: Sequence[StepSpan] | None = None,
) -> Perfect:
    """The PERFECT numbers of a recording and its detected repetitions."""
    t = block.t
    t0, t1 = (float(t[0]), float(t[-1])) if len(t) else (0.0, 0.0)
    spans = tuple(steps) if steps else infer_steps(reps, t0, t1)
    cs = contractions(block, reps, spans)
    moved = probe_moved(cs)
    moved_ix = {c.index for c in moved}
    attempts = [c for c in cs if counted(c) and c.index not in moved_ix]
    valid = [c for c in attempts if c.movement is not Movement.PUSH_DOWN]
    power = max((c.peak_cmH2O for c in valid), default=None)
    holds = [c for c in attempts if c.step is Step.ENDURANCE][:REPETITIONS_MAX]
    first = next(
        (c for c in holds if c.movement is not Movement.PUSH_DOWN and c.held_s is not None), None
    )
    endurance = None
    if first is not None and first.held_s is not None:
        endurance = min(first.held_s, ENDURANCE_MAX_S)
    reps_ok, close, r_low, r_high = _repetitions(holds, first, endurance)
    fast = [
        c
        for c in valid
        if c.step is Step.FAST and c.peak_cmH2O >= MAXIMAL_FRACTION * (power or 0.0)
    ]
    channels = tuple(c.value for c in block.channels)
    unverifiable = tuple(e.value for e in unverifiable_errors(block.channels))
    rest = m.rest_mask(t, reps)
    swing = None  # the breathing left in P, where no abdominal channel takes it off
    if Channel.ABDOMINAL not in block.data and len(t):
        swing = m.breathing_swing(t, block.data[Channel.SQUEEZE], rest)
    p_could = None if swing is None else POWER_BREATH_FACTOR * swing
    qualifying = (
        _not_counted(cs)
        + _moved(moved)
        + _borderline(close, r_low, r_high)
        + _breathing_in_p(power, p_could, swing)
    )
    return Perfect(
        power_cmH2O=power,
        band=band_for(power),
        endurance_s=endurance,
        repetitions=min(reps_ok, REPETITIONS_MAX),
        fast=min(len(fast), FAST_MAX),
        resting_cmH2O=resting_level(block, rest, spans) if len(t) else None,
        contractions=cs,
        steps=spans,
        channels=channels,
        summary=summary_sentence(cs, unverifiable),
        repetitions_range=(min(r_low, REPETITIONS_MAX), min(r_high, REPETITIONS_MAX)),
        power_uncertainty_cmH2O=p_could,
        findings=findings(cs) + qualifying,
        qualifiers=qualifying,
        checks=checks(cs, block.channels),
        extra={
            "unverifiable": list(unverifiable),
            "fast_times": [
                {
                    "onset_s": round(c.onset_s, 3),
                    "rise_time_s": _r(c.rise_time_s),
                    "relax_time_s": _r(c.relax_time_s),
                }
                for c in fast[:FAST_MAX]
            ],
        },
    )


def _repetitions(
    holds: Sequence[Contraction], first: Contraction | None, endurance: float | None
) -> tuple[int, list[Contraction], int, int]:
    """R, the holds too near the E − 1 s line to be sure of, and the range R spans."""
    if endurance is None:
        return 0, [], 0, 0
    need = endurance - REPETITION_TOLERANCE_S
    timed = [
        (c, c.held_s)
        for c in holds
        if c.movement is not Movement.PUSH_DOWN and c.held_s is not None
    ]
    r = sum(h >= need for _, h in timed)
    close = [(c, h) for c, h in timed if c is not first and abs(h - need) < BORDERLINE_S]
    low = r - sum(h >= need for _, h in close)
    high = r + sum(h < need for _, h in close)
    return r, [c for c, _ in close], low, high


def _borderline(close: Sequence[Contraction], low: int, high: int) -> tuple[Note, ...]:
    """A finding naming the holds that ended too near the E − 1 s line to be sure of R."""
    if not close:
        return ()
    which = tuple(Message.of(Finding.HELD_ITEM, n=c.index + 1, held=c.held_s or 0.0) for c in close)
    return (note(Finding.R_COULD, which, low=low, high=high, within=BORDERLINE_S),)


def _breathing_in_p(
    power: float | None, could: float | None, swing: float | None
) -> tuple[Note, ...]:
    """A finding when the breathing left in P (no abdominal channel) could move it by
    POWER_BREATH_NOTE_CMH2O or more."""
    if swing is None or could is None or not breath_named(power, could):
        return ()
    return (note(Finding.P_COULD, could=could, swing=swing),)


def _moved(moved: Sequence[Contraction]) -> tuple[Note, ...]:
    """A finding naming the contractions taken for a movement of the probe."""
    if not moved:
        return ()
    at = tuple(
        Message.of(
            Finding.MOVED_ITEM,
            n=c.index + 1,
            t=c.onset_s,
            tilt=c.tilt_change_deg or 0.0,
            peak=c.peak_cmH2O,
        )
        for c in moved
    )
    return (note(Finding.MOVED, at),)


def _not_counted(cs: Sequence[Contraction]) -> tuple[Note, ...]:
    """A finding naming the brief contractions among the holds that were left out."""
    left_out = [c for c in cs if c.step is Step.ENDURANCE and not counted(c)]
    if not left_out:
        return ()
    at = tuple(Message.of(Finding.ONSET_ITEM, n=c.index + 1, t=c.onset_s) for c in left_out)
    return (note(Finding.NOT_COUNTED, at, brief=BRIEF_S),)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)
