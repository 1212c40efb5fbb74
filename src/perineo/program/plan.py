"""The plan over months: progress week by week and the training program's rules on what's next.

The Norwegian training program (step 10): train intensively for at least 6 months;
symptom-free → maintenance; still improving → continue; no improvement → contact your doctor
or physiotherapist. A short weekly symptom check (how often leakage happens) feeds these
rules. Pure functions: the caller gathers sessions and symptom checks from the training
record. The plan's reasons are keys with values (:class:`Why`), said in words where shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from perineo.json_fields import integer, integer_map, opt_number
from perineo.program.texts import Message

DAYS_PER_MONTH = 30.44
TREND_WEEKS = 8  # symptom trend: the last 8 weeks against the 8 before
CHECK_EVERY_DAYS = 7


class Leakage(StrEnum):
    """The weekly symptom check: how often leakage happened, least first."""

    NONE = "none"
    RARELY = "rarely"  # less than once a week
    WEEKLY = "weekly"  # about once a week or more
    DAILY = "daily"
    SEVERAL_DAILY = "several_daily"

    @property
    def rank(self) -> int:
        return list(Leakage).index(self)


@dataclass(frozen=True)
class SymptomEntry:
    day: date
    leakage: Leakage
    note: str = ""


@dataclass(frozen=True)
class SessionProgress:
    """What the plan needs of one training session."""

    day: date
    program: str
    reps: int
    good: int
    dose_met: bool
    longest_hold_s: float | None = None
    median_hold_s: float | None = None
    mean_quick_lifts: float | None = None
    best_peak_cmH2O: float | None = None
    mvc_cmH2O: float | None = None  # from the calibration in force
    errors: Mapping[str, int] = field(default_factory=dict)

    @staticmethod
    def from_summary(
        day: date, summary: Mapping[str, object], mvc_cmH2O: float | None = None
    ) -> SessionProgress:
        """From a session summary as stored (``Summary.to_json``); raises ``FieldError``."""
        return SessionProgress(
            day=day,
            program=str(summary["program"]),
            reps=integer(summary, "reps"),
            good=integer(summary, "good"),
            dose_met=bool(summary.get("dose_met", False)),
            longest_hold_s=opt_number(summary, "longest_hold_s"),
            median_hold_s=opt_number(summary, "median_hold_s"),
            mean_quick_lifts=opt_number(summary, "mean_quick_lifts"),
            best_peak_cmH2O=opt_number(summary, "best_peak_cmH2O"),
            mvc_cmH2O=mvc_cmH2O,
            errors=integer_map(summary, "errors"),
        )


@dataclass(frozen=True)
class WeekProgress:
    week_start: date  # Monday
    days_trained: int
    dose_days: int  # days on which the daily dose was met
    sessions: int
    reps: int
    good_share: float
    longest_hold_s: float | None
    mean_quick_lifts: float | None
    mvc_cmH2O: float | None
    errors: int
    leakage: Leakage | None  # the week's symptom check, if any

    def to_json(self) -> dict[str, object]:
        return {
            "week_start": self.week_start.isoformat(),
            "days_trained": self.days_trained,
            "dose_days": self.dose_days,
            "sessions": self.sessions,
            "reps": self.reps,
            "good_share": round(self.good_share, 3),
            "longest_hold_s": _r(self.longest_hold_s),
            "mean_quick_lifts": _r(self.mean_quick_lifts),
            "mvc_cmH2O": _r(self.mvc_cmH2O),
            "errors": self.errors,
            "leakage": None if self.leakage is None else self.leakage.value,
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _plain(values: Mapping[str, object]) -> dict[str, object]:
    return {k: v.value if isinstance(v, StrEnum) else v for k, v in values.items()}


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weekly_progress(
    sessions: Sequence[SessionProgress], symptoms: Sequence[SymptomEntry] = ()
) -> list[WeekProgress]:
    """Progress week by week, oldest first, for every week with training or a check."""
    by_week: dict[date, list[SessionProgress]] = defaultdict(list)
    for s in sessions:
        by_week[monday(s.day)].append(s)
    checks: dict[date, Leakage] = {}
    for e in sorted(symptoms, key=lambda e: e.day):
        checks[monday(e.day)] = e.leakage
    out = []
    for week in sorted(set(by_week) | set(checks)):
        mine = by_week.get(week, [])
        reps = sum(s.reps for s in mine)
        holds = [s.longest_hold_s for s in mine if s.longest_hold_s is not None]
        quick = [s.mean_quick_lifts for s in mine if s.mean_quick_lifts is not None]
        mvcs = [s.mvc_cmH2O for s in mine if s.mvc_cmH2O is not None]
        dose_days = {s.day for s in mine if s.dose_met}
        out.append(
            WeekProgress(
                week_start=week,
                days_trained=len({s.day for s in mine}),
                dose_days=len(dose_days),
                sessions=len(mine),
                reps=reps,
                good_share=sum(s.good for s in mine) / reps if reps else 0.0,
                longest_hold_s=max(holds) if holds else None,
                mean_quick_lifts=sum(quick) / len(quick) if quick else None,
                mvc_cmH2O=max(mvcs) if mvcs else None,
                errors=sum(sum(s.errors.values()) for s in mine),
                leakage=checks.get(week),
            )
        )
    return out


class Advice(StrEnum):
    START = "start"  # nothing recorded yet: find the muscles first
    CONTINUE_LEARN = "continue_learn"
    MOVE_TO_INTENSIVE = "move_to_intensive"
    CONTINUE_INTENSIVE = "continue_intensive"
    SWITCH_TO_MAINTENANCE = "switch_to_maintenance"
    CONTINUE_MAINTENANCE = "continue_maintenance"
    BACK_TO_INTENSIVE = "back_to_intensive"
    CONTACT_PROFESSIONAL = "contact_professional"


class Why(StrEnum):
    """Why the plan advises what it does (each with the values its words take)."""

    NOTHING_YET = "nothing_yet"
    TRAINED_DAYS = "trained_days"  # days: of the last 28
    GOOD_SHARE = "good_share"  # percent: of the last 4 weeks' repetitions
    READY_FOR_INTENSIVE = "ready_for_intensive"
    PUSHING_DOWN = "pushing_down"
    LEAKAGE_BACK = "leakage_back"  # leakage: the latest check's Leakage
    FEW_SESSIONS = "few_sessions"
    MONTHS_INTENSIVE = "months_intensive"  # months (float), minimum (int)
    NO_CHECK = "no_check"
    NO_LEAKAGE = "no_leakage"
    IMPROVING = "improving"
    TOO_FEW_CHECKS = "too_few_checks"
    NO_IMPROVEMENT = "no_improvement"


class Trend(StrEnum):
    IMPROVING = "improving"
    UNCHANGED = "unchanged"
    WORSE = "worse"
    UNKNOWN = "unknown"  # too few symptom checks to tell


@dataclass(frozen=True)
class Plan:
    advice: Advice
    program: str | None  # the program trained most recently
    months_intensive: float
    trend: Trend
    latest_leakage: Leakage | None
    symptom_check_due: bool
    reasons: tuple[Message, ...]  # why: keys (Why) and their values
    weeks: tuple[WeekProgress, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "advice": self.advice.value,
            "program": self.program,
            "months_intensive": round(self.months_intensive, 1),
            "trend": self.trend.value,
            "latest_leakage": None if self.latest_leakage is None else self.latest_leakage.value,
            "symptom_check_due": self.symptom_check_due,
            "reasons": [{"why": m.key.value, **_plain(m.values)} for m in self.reasons],
            "weeks": [w.to_json() for w in self.weeks],
        }


def symptom_trend(symptoms: Sequence[SymptomEntry], today: date) -> Trend:
    """Leakage over the last 8 weeks against the 8 weeks before them."""
    recent_from = today - timedelta(weeks=TREND_WEEKS)
    before_from = recent_from - timedelta(weeks=TREND_WEEKS)
    recent = [e.leakage.rank for e in symptoms if recent_from < e.day <= today]
    before = [e.leakage.rank for e in symptoms if before_from < e.day <= recent_from]
    if not recent or not before:
        return Trend.UNKNOWN
    a, b = sum(before) / len(before), sum(recent) / len(recent)
    if b < a - 0.25:
        return Trend.IMPROVING
    if b > a + 0.25:
        return Trend.WORSE
    return Trend.UNCHANGED


def advise(
    sessions: Sequence[SessionProgress],
    symptoms: Sequence[SymptomEntry],
    today: date,
    *,
    min_months: float = 6.0,
) -> Plan:
    """Where the user stands and what the Norwegian training program says comes next."""
    sessions = sorted(sessions, key=lambda s: s.day)
    symptoms = sorted(symptoms, key=lambda e: e.day)
    weeks = tuple(weekly_progress(sessions, symptoms))
    latest = symptoms[-1].leakage if symptoms else None
    due = not symptoms or (today - symptoms[-1].day).days >= CHECK_EVERY_DAYS
    trend = symptom_trend(symptoms, today)
    training = [s for s in sessions if s.program != "perfect"]
    intensive_days = [s.day for s in training if s.program == "intensive"]
    months = (today - intensive_days[0]).days / DAYS_PER_MONTH if intensive_days else 0.0
    current = training[-1].program if training else None
    why: list[Message] = []

    def plan(advice: Advice) -> Plan:
        return Plan(advice, current, months, trend, latest, due, tuple(why), weeks)

    def say(key: Why, **values: int | float | StrEnum) -> None:
        why.append(Message.of(key, **values))

    if not training:
        say(Why.NOTHING_YET)
        return plan(Advice.START)
    recent = [s for s in training if (today - s.day).days < 28]
    say(Why.TRAINED_DAYS, days=len({s.day for s in recent}))
    if current in ("learn", "basic"):
        reps = sum(s.reps for s in recent)
        good = sum(s.good for s in recent) / reps if reps else 0.0
        holds = [s.longest_hold_s for s in recent if s.longest_hold_s is not None]
        say(Why.GOOD_SHARE, percent=round(100 * good))
        if good >= 0.7 and holds and max(holds) >= 6.0:
            say(Why.READY_FOR_INTENSIVE)
            return plan(Advice.MOVE_TO_INTENSIVE)
        push = sum(s.errors.get("push_down", 0) for s in recent)
        if len(training) >= 10 and good < 0.3 and push:
            say(Why.PUSHING_DOWN)
            return plan(Advice.CONTACT_PROFESSIONAL)
        return plan(Advice.CONTINUE_LEARN)
    if current == "maintenance":
        if latest is not None and latest.rank >= Leakage.WEEKLY.rank:
            say(Why.LEAKAGE_BACK, leakage=latest)
            return plan(Advice.BACK_TO_INTENSIVE)
        sessions_2w = sum(1 for s in training if (today - s.day).days < 14)
        if sessions_2w < 2:
            say(Why.FEW_SESSIONS)
        return plan(Advice.CONTINUE_MAINTENANCE)
    # intensive (or a user's own program): the training program's six months
    say(Why.MONTHS_INTENSIVE, months=round(months, 1), minimum=round(min_months))
    if months < min_months:
        return plan(Advice.CONTINUE_INTENSIVE)
    if latest is None:
        say(Why.NO_CHECK)
        return plan(Advice.CONTINUE_INTENSIVE)
    if latest is Leakage.NONE:
        say(Why.NO_LEAKAGE)
        return plan(Advice.SWITCH_TO_MAINTENANCE)
    if trend is Trend.IMPROVING:
        say(Why.IMPROVING)
        return plan(Advice.CONTINUE_INTENSIVE)
    if trend is Trend.UNKNOWN:
        say(Why.TOO_FEW_CHECKS)
        return plan(Advice.CONTINUE_INTENSIVE)
    say(Why.NO_IMPROVEMENT)
    return plan(Advice.CONTACT_PROFESSIONAL)
