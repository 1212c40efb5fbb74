"""What the screens show, as plain values: the data path fills them, widgets draw them.

These frozen dataclasses are the attributes that travel down from the app to the widgets;
they hold display-ready numbers and already translated texts, and nothing of Textual. The
status line draws the live pipeline's own status (:class:`StatusView` is
:class:`perineo.session.status.LiveStatus`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from perineo.session.status import Connection
from perineo.session.status import LiveStatus as StatusView

__all__ = [
    "CalibrationView",
    "Connection",
    "CueView",
    "HistoryRow",
    "HistoryView",
    "RepView",
    "SetSummary",
    "StatusView",
    "SummaryView",
    "Verdict",
]


class Verdict(StrEnum):
    GOOD = "good"
    FIX = "fix"
    REDO = "redo"


@dataclass(frozen=True)
class CueView:
    """The coach's current instruction and the counters around it."""

    text: str = ""
    countdown: int | None = None
    set_no: int = 1
    sets: int = 3
    rep_no: int = 0
    reps: int = 10
    quick_done: int = 0
    quick_target: int = 0
    band: tuple[float, float] | None = None  # absolute cmH2O for the trace
    warning: str | None = None
    note: str | None = None  # shown where the warning goes while there is none


@dataclass(frozen=True)
class RepView:
    index: int
    score: int
    verdict: Verdict
    reasons: tuple[str, ...] = ()  # translated, plain words
    hold_s: float | None = None
    quick_lifts: int = 0


@dataclass(frozen=True)
class CalibrationView:
    step: int = 1
    steps: int = 5
    text: str = ""
    progress: float = 0.0  # 0..1 over the whole calibration
    rest_cmH2O: float | None = None
    mvc_cmH2O: float | None = None
    countdown: int | None = None
    warning: str | None = None
    done: bool = False


@dataclass(frozen=True)
class SetSummary:
    number: int
    score: int
    reps: int
    good: int


@dataclass(frozen=True)
class SummaryView:
    sets: tuple[SetSummary, ...] = ()
    session_score: int | None = None
    work_on: tuple[str, ...] = ()
    sets_today: int = 0
    sets_target: int = 3
    last_week_score: int | None = None
    last_week_sessions: int = 0
    mvc_cmH2O: float | None = None
    mean_hold_s: float | None = None
    saved: bool = False


@dataclass(frozen=True)
class HistoryRow:
    date: str
    program: str
    sets: int
    score: int | None
    mvc_cmH2O: float | None
    hold_s: float | None
    good_share: float | None
    errors: int


@dataclass(frozen=True)
class HistoryView:
    rows: tuple[HistoryRow, ...] = ()
    days_trained: int = 0
    days_recent: int = 0
    phase: str = ""
    phase_reasons: tuple[str, ...] = field(default_factory=tuple)
    trend: str = ""  # first week against the latest, already in words
