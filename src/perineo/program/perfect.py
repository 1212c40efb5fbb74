"""The PERFECT assessment (Laycock & Jerwood 2001) from a session's repetitions.

**P**ower: the strongest squeeze above rest (cmH2O; never compare across probes).
**E**ndurance: seconds (up to 10) a maximal contraction is held, the first hold.
**R**epetitions: how many such holds (up to 10) reach that endurance, with ~4 s rest.
**F**ast: how many 1-s maximal contractions (up to 10) follow after about a minute's rest.
**ECT**: every contraction timed — each repetition's hold is listed.

The endurance part and the fast part are told apart by the long rest between them; a
push-down attempt counts for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from perineo.program.model import PerfectSpec
from perineo.signal.events import Repetition, TechError

FAST_MAX_HOLD_S = 2.0  # a fast contraction: no hold, or a hold this short
ENDURANCE_SHARE = 0.8  # a repetition hold counts if it reaches this share of the endurance


@dataclass(frozen=True)
class PerfectResult:
    power_cmH2O: float | None
    endurance_s: float | None
    repetitions: int
    fast: int
    timed_holds_s: tuple[float | None, ...]  # ECT: every contraction's hold, in order
    excluded: int  # push-down attempts, not counted

    def to_json(self) -> dict[str, object]:
        return {
            "power_cmH2O": None if self.power_cmH2O is None else round(self.power_cmH2O, 2),
            "endurance_s": None if self.endurance_s is None else round(self.endurance_s, 2),
            "repetitions": self.repetitions,
            "fast": self.fast,
            "timed_holds_s": [None if h is None else round(h, 2) for h in self.timed_holds_s],
            "excluded": self.excluded,
        }


def _is_fast(rep: Repetition) -> bool:
    return rep.hold_s is None or rep.hold_s <= FAST_MAX_HOLD_S


def assess(reps: Sequence[Repetition], spec: PerfectSpec) -> PerfectResult:
    """PERFECT from a session's repetitions in time order."""
    valid = [r for r in reps if TechError.PUSH_DOWN not in r.errors]
    # the fast part: after the longest pause of at least half the asked-for rest
    split = len(valid)
    best_pause = spec.fast_rest_before_s / 2
    for i in range(1, len(valid)):
        prev_end = valid[i - 1].end_s
        if prev_end is None:
            continue
        pause = valid[i].onset_s - prev_end
        if pause >= best_pause and all(_is_fast(r) for r in valid[i:]):
            split, best_pause = i, pause
    holds, fast = valid[:split], valid[split:]
    first = next((r.hold_s for r in holds if r.hold_s is not None), None)
    endurance = None if first is None else min(first, spec.endurance_max_s)
    repetitions = 0
    if endurance is not None:
        for r in holds[: spec.repetitions_max]:
            if r.hold_s is None or r.hold_s < ENDURANCE_SHARE * endurance:
                break
            repetitions += 1
    return PerfectResult(
        power_cmH2O=max((r.peak_cmH2O for r in valid), default=None),
        endurance_s=endurance,
        repetitions=repetitions,
        fast=min(spec.fast_max, sum(_is_fast(r) for r in fast)),
        timed_holds_s=tuple(r.hold_s for r in reps),
        excluded=len(reps) - len(valid),
    )
