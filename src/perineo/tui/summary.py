"""Build the Summary and History views from a session result and the training record."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from perineo.program.scoring import summarize
from perineo.program.texts import Text, say
from perineo.tui.view import HistoryView, SetSummary, SummaryView

if TYPE_CHECKING:
    from perineo.tui.app import AppOptions
    from perineo.tui.live import SessionResult

WORK_ON_MAX = 2  # reasons named under "work on next"


def new_recording_path(folder: Path) -> Path:
    """A fresh file name for a session's samples (never an existing file)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"session-{stamp}.csv"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"session-{stamp}-{n}.csv"
    return path


def summary_view(result: SessionResult, options: AppOptions) -> SummaryView:
    program = options.program
    reps = result.repetitions
    scores = result.scores
    summary = summarize(reps[: len(scores)], scores, program) if scores else None
    sets = ()
    if summary is not None:
        sets = tuple(
            SetSummary(s.set_no, round(s.mean_score), s.reps, s.good) for s in summary.sets
        )
    reasons = Counter(r for s in scores for r in s.reasons)
    quick = program.rep.coach_quick_lifts
    work_on = tuple(
        say(Text(r.value), options.lang, m=quick) for r, _ in reasons.most_common(WORK_ON_MAX)
    )
    holds = [s.hold_s for s in scores if s.hold_s is not None]
    return SummaryView(
        sets=sets,
        session_score=None if summary is None else round(summary.mean_score),
        work_on=work_on,
        sets_today=0 if summary is None else summary.sets_done,
        sets_target=program.dose.sets,
        mvc_cmH2O=result.mvc_cmH2O,
        mean_hold_s=sum(holds) / len(holds) if holds else None,
        saved=result.session_id is not None,
    )


def history_view(options: AppOptions, today: date | None = None) -> HistoryView:
    return HistoryView()
