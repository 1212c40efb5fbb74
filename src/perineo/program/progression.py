"""Progression within a program: "hold longer and longer", then quick lifts.

Step 8 of the Norwegian training program: try to hold each contraction longer and longer;
once a 6–8 s hold is reached, add 3–4 quick lifts at the end of it. So until the typical
hold of recent sessions reaches the program's range, the coach asks for one second more than
was reached and no quick lifts, and scoring judges against that personal target.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from perineo.program.model import Program, Range
from perineo.program.plan import SessionProgress

RECENT_SESSIONS = 5
MIN_HOLD_S = 3.0


@dataclass(frozen=True)
class Targets:
    hold_s: Range | None
    quick_lifts: Range | None
    reached_s: float | None  # the typical hold of recent sessions
    full: bool  # the program's own targets apply

    def to_json(self) -> dict[str, object]:
        return {
            "hold_s": None if self.hold_s is None else [self.hold_s.low, self.hold_s.high],
            "quick_lifts": (
                None if self.quick_lifts is None else [self.quick_lifts.low, self.quick_lifts.high]
            ),
            "reached_s": None if self.reached_s is None else round(self.reached_s, 2),
            "full": self.full,
        }


def targets(program: Program, history: Sequence[SessionProgress]) -> Targets:
    """Today's targets for ``program`` from its recent sessions (oldest first)."""
    hold = program.rep.hold_s
    mine = [s for s in history if s.program == program.name and s.median_hold_s is not None]
    recent = [s.median_hold_s for s in mine[-RECENT_SESSIONS:] if s.median_hold_s is not None]
    reached = statistics.median(recent) if recent else None
    if hold is None or reached is None or reached >= hold.low:
        return Targets(hold, program.rep.quick_lifts, reached, True)
    target = max(MIN_HOLD_S, min(math.ceil(hold.mid), math.floor(reached) + 1.0))
    return Targets(Range(target - 1.0, target + 1.0), None, reached, False)


def personalize(program: Program, t: Targets) -> Program:
    """``program`` with today's targets: give the result to both the Coach and scoring."""
    if t.full:
        return program
    return replace(program, rep=replace(program.rep, hold_s=t.hold_s, quick_lifts=t.quick_lifts))
