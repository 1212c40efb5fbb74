"""Hold longer and longer; quick lifts once a 6–8 s hold is reached."""

from __future__ import annotations

from datetime import date, timedelta

from perineo.program.coach import Coach
from perineo.program.loader import get_program
from perineo.program.model import Range
from perineo.program.plan import SessionProgress
from perineo.program.progression import personalize, targets
from perineo.program.scoring import Verdict, score_rep
from perineo.program.script import make_rep

INTENSIVE = get_program("intensive")


def history(holds: list[float], program: str = "intensive") -> list[SessionProgress]:
    day = date(2026, 2, 1)
    return [
        SessionProgress(day + timedelta(i), program, 30, 20, True, median_hold_s=h)
        for i, h in enumerate(holds)
    ]


def test_no_history_uses_the_program():
    t = targets(INTENSIVE, [])
    assert t.full and t.hold_s == Range(6, 8) and t.quick_lifts == Range(3, 4)
    assert personalize(INTENSIVE, t) is INTENSIVE


def test_short_holds_ask_one_second_more_without_quick_lifts():
    t = targets(INTENSIVE, history([3.2, 4.1, 4.4, 4.0, 4.3]))
    assert not t.full and t.reached_s == 4.1
    assert t.hold_s == Range(4, 6) and t.quick_lifts is None
    mine = personalize(INTENSIVE, t)
    coach = Coach(mine)
    assert coach.hold_target_s == 5 and coach.quick_target == 0
    s = score_rep(make_rep(hold=5.0, quick=0), mine, rest_s=4.0)
    assert s.verdict is Verdict.GOOD  # a good rep by today's target
    assert score_rep(make_rep(hold=5.0, quick=0), INTENSIVE).verdict is Verdict.FIX


def test_reaching_six_seconds_adds_the_quick_lifts():
    t = targets(INTENSIVE, history([4.0, 5.0, 6.0, 6.2, 6.5, 6.1]))
    assert t.full and t.quick_lifts == Range(3, 4)


def test_only_the_same_programs_sessions_count():
    t = targets(INTENSIVE, history([2.0, 2.0], program="learn"))
    assert t.full and t.reached_s is None
