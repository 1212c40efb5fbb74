"""Build the Summary and History views from a session result and the training record."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from perineo.display.texts import Lang, tr
from perineo.display.view import HistoryRow, HistoryView, SetSummary, SummaryView
from perineo.json_fields import integer, integer_map, number, objects, opt_integer, opt_number
from perineo.locale import say
from perineo.program.model import Program
from perineo.program.plan import SessionProgress, WeekProgress, advise, monday
from perineo.program.scoring import Reason
from perineo.store.sessions import SessionInfo, SessionKind, TrainingRecord

WORK_ON_MAX = 2  # reasons named under "work on next"
HISTORY_ROWS = 60


def new_recording_path(folder: Path) -> Path:
    """A fresh file name for a session's samples, never another session's.

    The name carries the time and this process's id: two sessions started in the same
    second, in two windows, get two files (the file itself is created, exclusively, at the
    session's first block); within one process a number is added.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"session-{stamp}-{os.getpid()}"
    path = folder / f"{base}.csv"
    n = 1
    while path.exists() or path in _HANDED_OUT:
        n += 1
        path = folder / f"{base}-{n}.csv"
    _HANDED_OUT.add(path)
    return path


_HANDED_OUT: set[Path] = set()  # names given in this process, maybe not created yet


def _trainings(record: TrainingRecord | None) -> list[SessionInfo]:
    if record is None:
        return []
    return [s for s in record.sessions() if s.kind is SessionKind.TRAIN and s.summary]


def _num(summary: dict[str, object] | None, key: str) -> float | None:
    return None if summary is None else opt_number(summary, key)


def summary_view(
    result_summary: dict[str, object] | None,
    *,
    program: Program,
    lang: Lang,
    reason_counts: Counter[Reason],
    mvc_cmH2O: float | None,
    mean_hold_s: float | None,
    session_id: int | None,
    record: TrainingRecord | None,
    today: date,
) -> SummaryView:
    """The Summary screen's values; ``today`` decides "today's dose" and "last week".

    Every number is this session's own: the strongest squeeze is the best of its
    repetitions (``mvc_cmH2O``, the calibration in force, may be an earlier session's and is
    not shown as today's); "work on next" names what went wrong, or, when nothing did and
    the typical hold is short of the program's longest, to hold longer.
    """
    del mvc_cmH2O  # the calibration in force: maybe reused from an earlier session
    sets: tuple[SetSummary, ...] = ()
    score = None
    done_now = 0
    if result_summary is not None:
        sets = tuple(
            SetSummary(
                integer(s, "set"),
                round(number(s, "mean_score")),
                integer(s, "reps"),
                integer(s, "good"),
            )
            for s in objects(result_summary, "sets")
        )
        score = round(number(result_summary, "mean_score"))
        done_now = opt_integer(result_summary, "sets_done", 0)
    quick = program.rep.coach_quick_lifts
    work_on = tuple(say(lang, r, m=quick) for r, _ in reason_counts.most_common(WORK_ON_MAX))
    hold = program.rep.hold_s
    typical = _num(result_summary, "median_hold_s")
    if not work_on and hold is not None and typical is not None and typical < hold.high:
        # every hold met its target, and the program asks for longer ones: progression
        work_on = (say(lang, "sum.hold_longer", high=hold.high),)
    sessions = _trainings(record)
    others = [s for s in sessions if s.id != session_id and s.program == program.name]
    today_done = sum(int(_num(s.summary, "sets_done") or 0) for s in others if s.day == today)
    week0 = monday(today) - timedelta(days=7)
    last_week = [s for s in others if week0 <= s.day < monday(today)]
    lw_scores = [_num(s.summary, "mean_score") for s in last_week]
    lw = [x for x in lw_scores if x is not None]
    return SummaryView(
        sets=sets,
        session_score=score,
        work_on=work_on,
        sets_today=today_done + done_now,
        sets_target=program.dose.sets,
        last_week_score=round(sum(lw) / len(lw)) if lw else None,
        last_week_sessions=len(last_week),
        # this session's own best (push-downs left out), never a reused calibration's
        mvc_cmH2O=_num(result_summary, "best_peak_cmH2O"),
        mean_hold_s=mean_hold_s,
        saved=session_id is not None,
    )


def history_view(record: TrainingRecord | None, lang: Lang, today: date) -> HistoryView:
    """Days trained, one row a session (newest first), and the plan with its reasons."""
    sessions = _trainings(record)
    mvcs: dict[int, float] = {}
    rows: list[HistoryRow] = []
    progress: list[SessionProgress] = []
    for s in sessions:
        mvc = None
        if record is not None and s.calibration_id is not None:
            if s.calibration_id not in mvcs:
                mvcs[s.calibration_id] = record.calibration(s.calibration_id).mvc_cmH2O
            mvc = mvcs[s.calibration_id]
        summ = s.summary or {}
        errors = integer_map(summ, "errors")
        rows.append(
            HistoryRow(
                date=s.day.isoformat(),
                program=s.program,
                sets=int(_num(summ, "sets_done") or 0),
                score=None
                if _num(summ, "mean_score") is None
                else round(_num(summ, "mean_score") or 0),
                mvc_cmH2O=mvc,
                hold_s=_num(summ, "longest_hold_s"),
                good_share=_num(summ, "good_share"),
                errors=sum(errors.values()),
            )
        )
        progress.append(SessionProgress.from_summary(s.day, summ, mvc))
    symptoms = [] if record is None else record.symptoms()
    plan = advise(progress, symptoms, today)
    days = {s.day for s in sessions}
    recent = {d for d in days if (today - d).days < 28}
    return HistoryView(
        trend=_trend(plan.weeks, lang),
        rows=tuple(reversed(rows))[:HISTORY_ROWS],
        days_trained=len(days),
        days_recent=len(recent),
        phase=say(lang, plan.advice),
        phase_reasons=tuple(say(lang, why) for why in plan.reasons),
    )


def _trend(weeks: Sequence[WeekProgress], lang: Lang) -> str:
    """MVC, longest hold, good share and errors: the first week trained against the latest."""
    trained = [w for w in weeks if w.sessions]
    if len(trained) < 2:
        return ""
    a, b = trained[0], trained[-1]

    def pair(x: float | None, y: float | None, fmt: str) -> str:
        return f"{'—' if x is None else fmt.format(x)}→{'—' if y is None else fmt.format(y)}"

    return tr(
        lang,
        "hist.trend",
        weeks=len(trained),
        mvc=pair(a.mvc_cmH2O, b.mvc_cmH2O, "{:.1f}"),
        hold=pair(a.longest_hold_s, b.longest_hold_s, "{:.1f}"),
        good=pair(100 * a.good_share, 100 * b.good_share, "{:.0f}"),
        errors=pair(a.errors, b.errors, "{:d}"),
    )
