"""The training record by day and by week: sets, repetitions, scores, whether the dose was met.

The daily dose is 3 sets, together or spread over the day, so a day's sets add up across its
sessions; maintenance counts sessions a week (1–2) instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from perineo.program.model import Period, Program
from perineo.program.plan import SessionProgress, monday
from perineo.store.sessions import SessionInfo, TrainingRecord


@dataclass(frozen=True)
class DayTotals:
    day: date
    sessions: int
    programs: tuple[str, ...]
    sets_done: int
    sets_target: int
    reps: int
    good: int
    mean_score: float | None
    dose_met: bool

    @property
    def good_share(self) -> float:
        return self.good / self.reps if self.reps else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "sessions": self.sessions,
            "programs": list(self.programs),
            "sets_done": self.sets_done,
            "sets_target": self.sets_target,
            "reps": self.reps,
            "good": self.good,
            "good_share": round(self.good_share, 3),
            "mean_score": None if self.mean_score is None else round(self.mean_score, 1),
            "dose_met": self.dose_met,
        }


@dataclass(frozen=True)
class WeekTotals:
    week_start: date
    days_trained: int
    sessions: int
    reps: int
    good_share: float
    mean_score: float | None
    dose_met: bool  # daily programs: every trained day met; weekly: enough sessions

    def to_json(self) -> dict[str, object]:
        return {
            "week_start": self.week_start.isoformat(),
            "days_trained": self.days_trained,
            "sessions": self.sessions,
            "reps": self.reps,
            "good_share": round(self.good_share, 3),
            "mean_score": None if self.mean_score is None else round(self.mean_score, 1),
            "dose_met": self.dose_met,
        }


def _scored(sessions: Sequence[SessionInfo]) -> list[SessionInfo]:
    return [s for s in sessions if s.totals is not None and s.totals.reps]


def day_totals(sessions: Sequence[SessionInfo]) -> list[DayTotals]:
    """One row a day with scored sessions, oldest first."""
    by_day: dict[date, list[SessionInfo]] = defaultdict(list)
    for s in _scored(sessions):
        by_day[s.day].append(s)
    out = []
    for day in sorted(by_day):
        mine = by_day[day]
        sums = [s.totals for s in mine if s.totals is not None]
        reps = sum(m.reps for m in sums)
        total = sum(m.mean_score * m.reps for m in sums)
        sets_done = sum(m.sets_done for m in sums)
        target = max(m.sets_target for m in sums)
        out.append(
            DayTotals(
                day=day,
                sessions=len(mine),
                programs=tuple(sorted({s.program for s in mine})),
                sets_done=sets_done,
                sets_target=target,
                reps=reps,
                good=sum(m.good for m in sums),
                mean_score=total / reps if reps else None,
                dose_met=sets_done >= target,
            )
        )
    return out


def week_totals(sessions: Sequence[SessionInfo], programs: dict[str, Program]) -> list[WeekTotals]:
    """One row a week, oldest first; a weekly program's dose is its sessions a week."""
    days = day_totals(sessions)
    by_week: dict[date, list[DayTotals]] = defaultdict(list)
    for d in days:
        by_week[monday(d.day)].append(d)
    out = []
    for week in sorted(by_week):
        mine = by_week[week]
        n_sessions = sum(d.sessions for d in mine)
        reps = sum(d.reps for d in mine)
        weekly = [
            programs[p]
            for d in mine
            for p in d.programs
            if p in programs and programs[p].dose.period is Period.WEEK
        ]
        if weekly:
            met = n_sessions >= min(p.dose.sessions.low for p in weekly)
        else:
            met = all(d.dose_met for d in mine)
        scored = [d for d in mine if d.mean_score is not None]
        out.append(
            WeekTotals(
                week_start=week,
                days_trained=len(mine),
                sessions=n_sessions,
                reps=reps,
                good_share=sum(d.good for d in mine) / reps if reps else 0.0,
                mean_score=(
                    sum((d.mean_score or 0.0) * d.reps for d in scored) / reps if reps else None
                ),
                dose_met=met,
            )
        )
    return out


def session_progress(rec: TrainingRecord) -> list[SessionProgress]:
    """Every scored session as the plan needs it, with the MVC of its calibration."""
    mvc: dict[int, float] = {}
    out = []
    for s in _scored(rec.sessions()):
        if s.calibration_id is not None and s.calibration_id not in mvc:
            mvc[s.calibration_id] = rec.calibration(s.calibration_id).mvc_cmH2O
        cal = None if s.calibration_id is None else mvc[s.calibration_id]
        assert s.summary is not None
        out.append(SessionProgress.from_summary(s.day, s.summary, cal))
    return out
