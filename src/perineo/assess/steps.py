"""The steps of a PERFECT recording made without cues, found from the contractions.

Pure functions over the detector's repetitions. The fast step is found by its shape: a
series of quick contractions (a rise and a release within about a second) at the end of
the recording, whatever rest was taken before it. A recording with holds and no such
series is no PERFECT assessment (:func:`is_assessment`): its numbers are not invented.
"""

from __future__ import annotations

from collections.abc import Sequence

from perineo.assess.model import Step, StepSpan
from perineo.assess.texts import Finding
from perineo.signal.events import Repetition, TechError

RECOVERY_MIN_S = 30.0  # after a rest this long, even one or two quick contractions are F's
MAXIMAL_FRACTION = 0.3  # a fast contraction counts if it reaches 30 % of the best peak
# A fast contraction: over (onset to the end of its fall) within FAST_SPAN_S. Simulated
# fast contractions take 0.5-1.2 s, the shortest hold the endurance step sees 2.2 s.
FAST_SPAN_S = 1.6
SERIES_GAP_S = 3.0  # the next of a series begins within this of the last one's end
SERIES_MIN = 3  # a series this long at the end is the fast step, after any rest
# In the endurance step, a contraction over (onset to end of fall) in less than this is no
# hold attempt: a knock on the probe or a twitch between holds. It is listed, not counted.
BRIEF_S = 1.0
STRAY_S = 10.0  # a brief contraction this far from any other is a spike in a rest

# what a recording without is no PERFECT assessment (is_assessment): said where a
# recording is refused, as the catalogue's words for this key
NO_ASSESSMENT = Finding.NO_ASSESSMENT


def brief(onset_s: float, end_s: float | None) -> bool:
    """Over (onset to end of fall) in less than BRIEF_S: among the holds, no hold attempt.
    One whose fall has not ended is not brief."""
    return end_s is not None and end_s - onset_s < BRIEF_S


def fast_shaped(rep: Repetition) -> bool:
    """A quick rise and release: over, onset to the end of its fall, within FAST_SPAN_S."""
    return rep.end_s is not None and rep.end_s - rep.onset_s <= FAST_SPAN_S


def fast_series(reps: Sequence[Repetition]) -> int | None:
    """Where the series of fast contractions that ends the recording begins (an index into
    ``reps``), None if the last contraction is no fast one."""
    i = len(reps)
    while i > 0 and fast_shaped(reps[i - 1]):
        if i < len(reps) and reps[i].onset_s - _end(reps[i - 1]) > SERIES_GAP_S:
            break
        i -= 1
    return None if i == len(reps) else i


def step_at(steps: Sequence[StepSpan], t: float) -> Step | None:
    """The step running at ``t``; None outside every step (a redone attempt)."""
    for s in steps:
        if s.contains(t):
            return s.step
    return None


def is_assessment(steps: Sequence[StepSpan]) -> bool:
    """Has the recording PERFECT's holds and fast contractions (a training session has not)?"""
    return {Step.ENDURANCE, Step.FAST} <= {s.step for s in steps}


def infer_steps(reps: Sequence[Repetition], start_s: float, end_s: float) -> tuple[StepSpan, ...]:
    """Steps of a recording made without cues: rest, holds, then the fast contractions.

    The fast step is the series of fast contractions that ends the recording: at least
    SERIES_MIN of them, or any number after a rest of RECOVERY_MIN_S; or, after the last
    such rest, everything if most of it is fast. Without it the whole recording after the
    first contraction is holds (and :func:`is_assessment` says no)."""
    if not reps:
        return (StepSpan(Step.REST, start_s, end_s),)
    reps = _maximal(reps)
    first = reps[0].onset_s
    end_s += 1.0  # the last step runs past the last sample
    spans = [StepSpan(Step.REST, start_s, first)]
    split = fast_series(reps)
    if split is not None and split > 0:
        pause = reps[split].onset_s - _end(reps[split - 1])
        if len(reps) - split < SERIES_MIN and pause < RECOVERY_MIN_S:
            split = None
    # after the minute's rest, a fast contraction the detector merged with the next or
    # held a little long does not cut the series: most of what follows is fast
    rested = _after_long_rest(reps)
    if rested is not None and (split is None or rested < split):
        after = reps[rested:]
        if 2 * sum(fast_shaped(r) for r in after) > len(after):
            split = rested
    if not split:  # none, or nothing but fast contractions: no holds before them
        spans.append(StepSpan(Step.ENDURANCE, first, end_s))
        return tuple(spans)
    last_hold, fast = _end(reps[split - 1]), reps[split].onset_s
    mid = (last_hold + fast) / 2
    pause_start, fast_start = min(last_hold + 1.0, mid), max(fast - 1.0, mid)
    spans += [
        StepSpan(Step.ENDURANCE, first, pause_start),
        StepSpan(Step.RECOVERY, pause_start, fast_start),
        StepSpan(Step.FAST, fast_start, end_s),
    ]
    return tuple(spans)


def _maximal(reps: Sequence[Repetition]) -> list[Repetition]:
    """The contractions the steps are found from: a twitch or a knock during the minute's
    rest does not end the rest, nor does a sneeze the detector took for a push-down: weak
    (under MAXIMAL_FRACTION of her best lift), or brief and far from anything else."""
    lifts = [r for r in reps if TechError.PUSH_DOWN not in r.errors] or list(reps)
    top = max(r.peak_cmH2O for r in lifts)
    return [
        r
        for i, r in enumerate(reps)
        if (r.peak_cmH2O >= MAXIMAL_FRACTION * top or TechError.PUSH_DOWN in r.errors)
        and not _stray(reps, i)
    ] or list(reps)


def _after_long_rest(reps: Sequence[Repetition]) -> int | None:
    """The first contraction after the last rest of at least RECOVERY_MIN_S."""
    rested = [
        i for i in range(1, len(reps)) if reps[i].onset_s - _end(reps[i - 1]) >= RECOVERY_MIN_S
    ]
    return rested[-1] if rested else None


def _end(r: Repetition) -> float:
    return r.end_s if r.end_s is not None else r.onset_s


def _stray(reps: Sequence[Repetition], i: int) -> bool:
    """Brief (over in under BRIEF_S) with no other contraction within STRAY_S on either
    side, and not the last: a spike in a rest, not the start of a step."""
    r = reps[i]
    end = _end(r)
    if not brief(r.onset_s, end) or i + 1 >= len(reps):
        return False
    if i > 0 and r.onset_s - _end(reps[i - 1]) < STRAY_S:
        return False
    return reps[i + 1].onset_s - end >= STRAY_S
