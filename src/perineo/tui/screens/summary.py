"""Summary: set and session scores, what to work on, today's dose, last week."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from perineo.display.texts import Lang, tr
from perineo.display.view import SummaryView
from perineo.tui.keys import KeySpec, bind_keys
from perineo.tui.widgets.size import SizeWarning


def summary_lines(lang: Lang, s: SummaryView) -> list[str]:
    """The summary as lines of text (also what the screen tests read)."""
    lines: list[str] = []
    if s.session_score is not None:
        lines.append(tr(lang, "sum.session", score=s.session_score))
    for st in s.sets:
        lines.append(tr(lang, "sum.set", n=st.number, score=st.score, good=st.good, reps=st.reps))
    met = s.sets_today >= s.sets_target  # the daily dose met, or how far it is
    dose = "sum.dose_met" if met else "sum.dose"
    if s.sets_target == 1:  # one set, not "1 sets"
        dose += "_one"
    lines.append(tr(lang, dose, done=s.sets_today, target=s.sets_target))
    if s.mvc_cmH2O is not None:
        lines.append(tr(lang, "sum.mvc", value=s.mvc_cmH2O))
    if s.mean_hold_s is not None:
        lines.append(tr(lang, "sum.hold", value=s.mean_hold_s))
    what = "; ".join(s.work_on) if s.work_on else tr(lang, "sum.nothing")
    lines.append(tr(lang, "sum.next", what=what))
    if s.last_week_score is not None:
        lines.append(
            tr(lang, "sum.last_week", score=s.last_week_score, sessions=s.last_week_sessions)
        )
    else:
        lines.append(tr(lang, "sum.no_last_week"))
    if s.saved:
        lines.append(tr(lang, "sum.saved"))
    return lines


class SummaryScreen(Screen[None]):
    KEYS: tuple[KeySpec, ...] = (
        ("h", "app.history", "key.history"),
        ("n", "app.again", "key.again"),
        ("q", "app.quit", "key.quit"),
    )

    def __init__(self, lang: Lang, summary: SummaryView) -> None:
        super().__init__()
        self.lang = lang
        self.summary = summary
        bind_keys(self, lang, self.KEYS)

    def compose(self) -> ComposeResult:
        yield SizeWarning(self.lang)
        yield Static(tr(self.lang, "sum.heading"), classes="heading")
        with VerticalScroll(id="summary-body"):
            for i, line in enumerate(summary_lines(self.lang, self.summary)):
                yield Static(line, classes="summary-line", id=f"sum-{i}", markup=False)
        yield Footer()
