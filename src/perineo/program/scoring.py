"""Score every repetition against its program: 0–100, a verdict and the reasons.

Start from 100 and take off for each reason, scaled by how far off the repetition was; a
repetition with no reason is ``good``, a push-down (or no hold at all where one was asked
for, or a score under 50) is ``redo``, anything else ``fix``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from perineo.program.model import Program, ProgramKind
from perineo.signal.events import Repetition, TechError


class Verdict(StrEnum):
    GOOD = "good"
    FIX = "fix"
    REDO = "redo"


class Reason(StrEnum):
    HOLD_SHORT = "hold_short"
    HOLD_LONG = "hold_long"
    LEVEL_DROPPED = "level_dropped"
    QUICK_LIFTS_MISSING = "quick_lifts_missing"
    QUICK_LIFTS_EXTRA = "quick_lifts_extra"
    REST_SHORT = "rest_short"
    PUSH_DOWN = TechError.PUSH_DOWN.value
    ABDOMINAL_BRACING = TechError.ABDOMINAL_BRACING.value
    BREATH_HOLD = TechError.BREATH_HOLD.value
    INCOMPLETE_RELEASE = TechError.INCOMPLETE_RELEASE.value


# Points off for a technique error; push-down can worsen leakage (the Norwegian training
# program says so), so it weighs most.
ERROR_PENALTY: dict[TechError, float] = {
    TechError.PUSH_DOWN: 60.0,
    TechError.ABDOMINAL_BRACING: 25.0,
    TechError.BREATH_HOLD: 20.0,
    TechError.INCOMPLETE_RELEASE: 20.0,
}
REDO_BELOW = 50.0
# Every reason costs at least this much, so a score of 90 or more always means `good`.
MIN_OFF = 12.0
# A new set starts after a pause this much longer than the program's rest.
SET_GAP_FACTOR = 4.0
SET_GAP_MIN_S = 20.0


@dataclass(frozen=True)
class RepScore:
    index: int
    score: int
    verdict: Verdict
    reasons: tuple[Reason, ...]
    hold_s: float | None
    quick_lifts: int
    # the rest she took before this repetition: the previous one's end of fall (same set) to
    # this onset; None for a set's first. Known when the repetition is, so a score is final
    # when it is given: a short rest is the fault of the squeeze that came early
    rest_s: float | None
    set_no: int = 1

    def to_json(self) -> dict[str, object]:
        return {
            "score": self.score,
            "verdict": self.verdict.value,
            "reasons": [r.value for r in self.reasons],
            "rest_s": None if self.rest_s is None else round(self.rest_s, 3),
            "set": self.set_no,
        }


@dataclass(frozen=True)
class SetSummary:
    set_no: int
    reps: int
    good: int
    mean_score: float
    dose_met: bool  # enough repetitions (not counting redos) for the program's set

    def to_json(self) -> dict[str, object]:
        return {
            "set": self.set_no,
            "reps": self.reps,
            "good": self.good,
            "mean_score": round(self.mean_score, 1),
            "dose_met": self.dose_met,
        }


@dataclass(frozen=True)
class Summary:
    """A session (or a whole recording) against its program."""

    program: str
    reps: int
    good: int
    fix: int
    redo: int
    mean_score: float
    sets: tuple[SetSummary, ...]
    sets_done: int  # sets with enough repetitions
    sets_target: int
    reasons: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    best_peak_cmH2O: float | None = None
    longest_hold_s: float | None = None
    median_hold_s: float | None = None  # the hold typically reached (progression)
    mean_quick_lifts: float | None = None

    @property
    def good_share(self) -> float:
        return self.good / self.reps if self.reps else 0.0

    @property
    def dose_met(self) -> bool:
        return self.sets_done >= self.sets_target

    def to_json(self) -> dict[str, object]:
        return {
            "program": self.program,
            "reps": self.reps,
            "good": self.good,
            "fix": self.fix,
            "redo": self.redo,
            "good_share": round(self.good_share, 3),
            "mean_score": round(self.mean_score, 1),
            "sets": [s.to_json() for s in self.sets],
            "sets_done": self.sets_done,
            "sets_target": self.sets_target,
            "dose_met": self.dose_met,
            "reasons": dict(self.reasons),
            "errors": dict(self.errors),
            "best_peak_cmH2O": _r(self.best_peak_cmH2O, 2),
            "longest_hold_s": _r(self.longest_hold_s, 3),
            "median_hold_s": _r(self.median_hold_s, 3),
            "mean_quick_lifts": _r(self.mean_quick_lifts, 2),
        }


def _r(x: float | None, nd: int) -> float | None:
    return None if x is None else round(x, nd)


def score_rep(
    rep: Repetition,
    program: Program,
    *,
    rest_s: float | None = None,
    keep_level_cmH2O: float | None = None,
    set_no: int = 1,
) -> RepScore:
    """Score one repetition; ``rest_s`` is the rest before it (None for a set's first).

    ``keep_level_cmH2O`` is the calibrated level a hold should keep (see calibration).
    """
    t = program.rep
    tol = t.tolerance_s
    off = 0.0
    reasons: list[Reason] = []
    hold = rep.hold_s
    shape = program.kind is not ProgramKind.ASSESSMENT  # an assessment judges technique only
    no_hold = shape and t.hold_s is not None and (hold is None or rep.hold_start_s is None)
    if shape and t.hold_s is not None:
        h = 0.0 if hold is None else hold
        if h < t.hold_s.low - tol:
            reasons.append(Reason.HOLD_SHORT)
            off += MIN_OFF + 28.0 * min(1.0, (t.hold_s.low - h) / t.hold_s.low)
        elif h > t.hold_s.high + tol:
            reasons.append(Reason.HOLD_LONG)
            off += MIN_OFF + 8.0 * min(1.0, (h - t.hold_s.high) / t.hold_s.high)
    drop = rep.hold_drop_fraction
    if shape and drop is not None and hold is not None:
        if drop > t.max_hold_drop:
            reasons.append(Reason.LEVEL_DROPPED)
            off += MIN_OFF + 18.0 * min(
                1.0, (drop - t.max_hold_drop) / max(1e-9, 1 - t.max_hold_drop)
            )
        else:  # a gentle fade costs a little, never the verdict
            off += 8.0 * max(0.0, drop) / max(1e-9, t.max_hold_drop)
    if (
        shape
        and keep_level_cmH2O is not None
        and rep.hold_level_cmH2O is not None
        and Reason.LEVEL_DROPPED not in reasons
        and rep.hold_level_cmH2O < keep_level_cmH2O
    ):
        reasons.append(Reason.LEVEL_DROPPED)
        off += MIN_OFF + 18.0 * min(1.0, 1 - rep.hold_level_cmH2O / keep_level_cmH2O)
    n_quick = len(rep.quick_lifts_s)
    if shape and t.quick_lifts is not None:
        if n_quick < t.quick_lifts.low:
            reasons.append(Reason.QUICK_LIFTS_MISSING)
            off += MIN_OFF + min(12.0, 4.0 * (t.quick_lifts.low - n_quick - 1))
        elif n_quick > t.quick_lifts.high:
            reasons.append(Reason.QUICK_LIFTS_EXTRA)
            off += MIN_OFF + min(6.0, 2.0 * (n_quick - t.quick_lifts.high - 1))
    for err in rep.errors:
        reasons.append(Reason(err.value))
        off += ERROR_PENALTY[err]
    score = round(max(0.0, min(100.0, 100.0 - off)))
    if TechError.PUSH_DOWN in rep.errors or no_hold or score < REDO_BELOW:
        verdict = Verdict.REDO
    elif reasons:
        verdict = Verdict.FIX
    else:
        verdict = Verdict.GOOD
    base = RepScore(rep.index, score, verdict, tuple(reasons), hold, n_quick, None, set_no)
    return base if rest_s is None else with_rest(base, rest_s, program)


def with_rest(score: RepScore, rest_s: float, program: Program) -> RepScore:
    """``score`` with the rest she took before it (``rest_short`` if she began too early)."""
    t = program.rep
    enough = rest_s >= t.rest_s.low - t.tolerance_s or program.kind is ProgramKind.ASSESSMENT
    if enough or Reason.REST_SHORT in score.reasons:
        return replace(score, rest_s=rest_s)
    off = MIN_OFF + 8.0 * min(1.0, (t.rest_s.low - rest_s) / max(1e-9, t.rest_s.low))
    new = round(max(0.0, score.score - off))
    verdict = Verdict.REDO if score.verdict is Verdict.REDO or new < REDO_BELOW else Verdict.FIX
    return replace(
        score,
        score=new,
        verdict=verdict,
        reasons=(*score.reasons, Reason.REST_SHORT),
        rest_s=rest_s,
    )


def set_numbers(reps: Sequence[Repetition], program: Program) -> list[int]:
    """Group repetitions into sets: a pause much longer than the rest starts a new set."""
    gap = max(SET_GAP_MIN_S, SET_GAP_FACTOR * program.rep.rest_s.high)
    out: list[int] = []
    set_no = 1
    for i, rep in enumerate(reps):
        if i > 0:
            prev_end = reps[i - 1].end_s
            if prev_end is not None and rep.onset_s - prev_end > gap:
                set_no += 1
        out.append(set_no)
    return out


def rests_before(reps: Sequence[Repetition], sets: Sequence[int]) -> list[float | None]:
    """The rest before each repetition within its set (None at a set's start)."""
    out: list[float | None] = []
    for i, rep in enumerate(reps):
        prev_end = reps[i - 1].end_s if i > 0 else None
        if i > 0 and sets[i - 1] == sets[i] and prev_end is not None:
            out.append(rep.onset_s - prev_end)
        else:
            out.append(None)
    return out


def score_analysis(
    reps: Sequence[Repetition],
    program: Program,
    *,
    keep_level_cmH2O: float | None = None,
    sets: Sequence[int] | None = None,
) -> tuple[list[RepScore], Summary]:
    """Score a whole recording's repetitions and summarise them; ``sets``: each one's set
    as the coach counted it (a stored session's), else found from the pauses."""
    sets = set_numbers(reps, program) if sets is None else list(sets)
    rests = rests_before(reps, sets)
    scores = [
        score_rep(r, program, rest_s=rest, keep_level_cmH2O=keep_level_cmH2O, set_no=s)
        for r, rest, s in zip(reps, rests, sets, strict=True)
    ]
    return scores, summarize(reps, scores, program)


def summarize(reps: Sequence[Repetition], scores: Sequence[RepScore], program: Program) -> Summary:
    verdicts = Counter(s.verdict for s in scores)
    reasons = Counter(r.value for s in scores for r in s.reasons)
    errors = Counter(e.value for r in reps for e in r.errors)
    set_list: list[SetSummary] = []
    for set_no in sorted({s.set_no for s in scores}):
        mine = [s for s in scores if s.set_no == set_no]
        set_list.append(
            SetSummary(
                set_no=set_no,
                reps=len(mine),
                good=sum(s.verdict is Verdict.GOOD for s in mine),
                mean_score=sum(s.score for s in mine) / len(mine),
                # a push-down (or another redo) is not a repetition of the dose
                dose_met=sum(s.verdict is not Verdict.REDO for s in mine) >= program.dose.reps.low,
            )
        )
    holds = [r.hold_s for r in reps if r.hold_s is not None]
    valid_peaks = [r.peak_cmH2O for r in reps if TechError.PUSH_DOWN not in r.errors]
    return Summary(
        program=program.name,
        reps=len(scores),
        good=verdicts[Verdict.GOOD],
        fix=verdicts[Verdict.FIX],
        redo=verdicts[Verdict.REDO],
        mean_score=sum(s.score for s in scores) / len(scores) if scores else 0.0,
        sets=tuple(set_list),
        sets_done=sum(s.dose_met for s in set_list),
        sets_target=program.dose.sets,
        reasons=dict(sorted(reasons.items())),
        errors=dict(sorted(errors.items())),
        best_peak_cmH2O=max(valid_peaks) if valid_peaks else None,
        longest_hold_s=max(holds) if holds else None,
        median_hold_s=statistics.median(holds) if holds else None,
        mean_quick_lifts=(
            sum(len(r.quick_lifts_s) for r in reps) / len(reps)
            if reps and program.rep.quick_lifts is not None
            else None
        ),
    )


def annotate_analysis_json(
    doc: dict[str, object],
    reps: Sequence[Repetition],
    program: Program,
    *,
    sets: Sequence[int] | None = None,
) -> dict[str, object]:
    """Add ``score``, ``verdict``, ``reasons``, ``set`` and ``rep_in_set`` (from 1) to each rep
    of an analysis JSON, and a summary (``sets``: as :func:`score_analysis`).

    Returns a new dict; ``doc`` is not changed.
    """
    scores, summary = score_analysis(reps, program, sets=sets)
    out = dict(doc)
    rep_docs = doc.get("reps", [])
    assert isinstance(rep_docs, list)
    in_set: Counter[int] = Counter()
    numbered = []
    for rd, s in zip(rep_docs, scores, strict=True):
        in_set[s.set_no] += 1  # the repetition within its set, from 1, as the coach counts
        numbered.append({**rd, **s.to_json(), "rep_in_set": in_set[s.set_no]})
    out["reps"] = numbered
    out["summary"] = summary.to_json()
    return out
