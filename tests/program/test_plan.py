"""The Norwegian training program's rules over months, from scripted sessions and symptom
checks; the plan's reasons are keys with values, said in words by the catalogue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from perineo.locale import Lang, say
from perineo.program.plan import (
    Advice,
    Leakage,
    SessionProgress,
    SymptomEntry,
    Trend,
    Why,
    advise,
    symptom_trend,
    weekly_progress,
)
from perineo.program.texts import Message

START = date(2026, 1, 5)  # a Monday


def train(
    program: str,
    days: int,
    start: date = START,
    good: int = 25,
    hold: float = 7.0,
    mvc0: float = 30.0,
    errors: dict[str, int] | None = None,
) -> list[SessionProgress]:
    return [
        SessionProgress(
            day=start + timedelta(days=d),
            program=program,
            reps=30,
            good=good,
            dose_met=True,
            longest_hold_s=hold,
            mean_quick_lifts=3.5,
            mvc_cmH2O=mvc0 + d * 0.05,
            errors=errors or {},
        )
        for d in range(days)
    ]


def checks(levels: list[Leakage], start: date = START) -> list[SymptomEntry]:
    return [SymptomEntry(start + timedelta(weeks=i), lv) for i, lv in enumerate(levels)]


def test_nothing_yet_starts_with_learning():
    plan = advise([], [], START)
    assert plan.advice is Advice.START and plan.symptom_check_due


def test_learn_moves_to_intensive_once_good_and_holding_six_seconds():
    assert (
        advise(train("learn", 14, hold=4.0), [], START + timedelta(14)).advice
        is Advice.CONTINUE_LEARN
    )
    plan = advise(train("learn", 14, hold=6.5), [], START + timedelta(14))
    assert plan.advice is Advice.MOVE_TO_INTENSIVE


def test_learn_with_mostly_push_downs_suggests_a_physiotherapist():
    s = train("learn", 14, good=3, errors={"push_down": 20})
    assert advise(s, [], START + timedelta(14)).advice is Advice.CONTACT_PROFESSIONAL


def test_intensive_under_six_months_continues_whatever_the_symptoms():
    s = train("intensive", 120)
    plan = advise(s, checks([Leakage.NONE] * 17), START + timedelta(120))
    assert plan.advice is Advice.CONTINUE_INTENSIVE
    assert plan.months_intensive == pytest.approx(120 / 30.44)
    months = Message.of(Why.MONTHS_INTENSIVE, months=round(120 / 30.44, 1), minimum=6)
    assert months in plan.reasons
    assert "(the Norwegian training program recommends at least 6)" in say(Lang.EN, months)
    assert "(det norske treningsprogrammet tilrår minst 6)" in say(Lang.NN, months)


SIX_MONTHS = 190


@pytest.mark.parametrize(
    ("levels", "advice", "trend"),
    [
        ([Leakage.DAILY] * 20 + [Leakage.NONE] * 7, Advice.SWITCH_TO_MAINTENANCE, Trend.IMPROVING),
        ([Leakage.DAILY] * 19 + [Leakage.WEEKLY] * 8, Advice.CONTINUE_INTENSIVE, Trend.IMPROVING),
        ([Leakage.DAILY] * 27, Advice.CONTACT_PROFESSIONAL, Trend.UNCHANGED),
        ([Leakage.WEEKLY] * 19 + [Leakage.DAILY] * 8, Advice.CONTACT_PROFESSIONAL, Trend.WORSE),
    ],
    ids=["symptom-free", "improving", "no improvement", "worse"],
)
def test_after_six_months_the_programs_rules(levels, advice, trend):
    today = START + timedelta(SIX_MONTHS)
    plan = advise(train("intensive", SIX_MONTHS), checks(levels), today)
    assert plan.trend is trend
    assert plan.advice is advice


def test_after_six_months_without_checks_asks_for_them():
    plan = advise(train("intensive", SIX_MONTHS), [], START + timedelta(SIX_MONTHS))
    assert plan.advice is Advice.CONTINUE_INTENSIVE and plan.symptom_check_due
    assert Message.of(Why.NO_CHECK) in plan.reasons


def test_maintenance_goes_back_to_intensive_when_leakage_returns():
    s = train("intensive", SIX_MONTHS) + train("maintenance", 1, START + timedelta(SIX_MONTHS))
    today = START + timedelta(SIX_MONTHS + 3)
    ok = advise(s, checks([Leakage.NONE]), today)
    assert ok.advice is Advice.CONTINUE_MAINTENANCE
    assert Message.of(Why.FEW_SESSIONS) not in ok.reasons
    later = advise(s, checks([Leakage.NONE]), today + timedelta(20))
    assert Message.of(Why.FEW_SESSIONS) in later.reasons  # no session for over two weeks
    back = advise(s, [*checks([Leakage.NONE]), SymptomEntry(today, Leakage.WEEKLY)], today)
    assert back.advice is Advice.BACK_TO_INTENSIVE
    (why,) = [m for m in back.reasons if m.key is Why.LEAKAGE_BACK]
    assert say(Lang.EN, why) == "Leakage is back (weekly): go back to intensive training."
    assert say(Lang.NN, why).startswith("Lekkasjen er komen att (kvar veke)")


def test_symptom_trend_needs_both_windows():
    assert symptom_trend(checks([Leakage.DAILY] * 3), START + timedelta(weeks=3)) is Trend.UNKNOWN


def test_weekly_progress_counts_days_dose_and_best_values():
    s = train("intensive", 10)
    s[2] = SessionProgress(
        day=s[2].day,
        program="intensive",
        reps=10,
        good=2,
        dose_met=False,
        longest_hold_s=8.5,
        mvc_cmH2O=45.0,
        errors={"push_down": 2},
    )
    weeks = weekly_progress(s, checks([Leakage.DAILY, Leakage.WEEKLY]))
    assert [w.week_start for w in weeks] == [START, START + timedelta(7)]
    w0 = weeks[0]
    assert w0.days_trained == 7 and w0.dose_days == 6 and w0.sessions == 7
    assert w0.longest_hold_s == 8.5 and w0.mvc_cmH2O == 45.0 and w0.errors == 2
    assert w0.good_share == pytest.approx((6 * 25 + 2) / (6 * 30 + 10))
    assert w0.leakage is Leakage.DAILY and weeks[1].leakage is Leakage.WEEKLY
    assert weeks[1].days_trained == 3
