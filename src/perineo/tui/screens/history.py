"""History and plan: days trained, trends, the plan phase and the training program's rules."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from perineo.display.texts import Lang, tr
from perineo.display.view import HistoryView
from perineo.text_safety import visible
from perineo.tui.keys import KeySpec, bind_keys
from perineo.tui.widgets.size import SizeWarning

_COLUMNS = ("date", "program", "sets", "score", "mvc", "hold", "good", "errors")


def _cell(x: float | int | None, fmt: str = "{:.0f}") -> str:
    return "—" if x is None else fmt.format(x)


class HistoryScreen(Screen[None]):
    KEYS: tuple[KeySpec, ...] = (
        ("escape", "app.pop_screen", "key.back"),
        ("q", "app.quit", "key.quit"),
    )

    def __init__(self, lang: Lang, history: HistoryView) -> None:
        super().__init__()
        self.lang = lang
        self.history = history
        bind_keys(self, lang, self.KEYS)

    def compose(self) -> ComposeResult:
        lang, h = self.lang, self.history
        yield SizeWarning(self.lang)
        yield Static(tr(lang, "hist.heading"), classes="heading")
        days = tr(lang, "hist.days", days=h.days_trained, recent=h.days_recent)
        yield Static(days + (f"\n{h.trend}" if h.trend else ""), id="hist-days")
        if h.rows:
            yield DataTable(id="hist-table", cursor_type="row", zebra_stripes=True)
        else:
            yield Static(tr(lang, "hist.empty"), id="hist-empty")
        phase = tr(lang, "hist.plan", phase=h.phase or tr(lang, "unknown"))
        reasons = "".join(f"\n  {r}" for r in h.phase_reasons)
        yield Static(phase + reasons, id="hist-plan", markup=False)
        yield Static(tr(lang, "hist.rules"), id="hist-rules")
        yield Footer()

    def on_mount(self) -> None:
        if not self.history.rows:
            return
        table = self.query_one("#hist-table", DataTable)
        table.add_columns(*(tr(self.lang, f"hist.col.{c}") for c in _COLUMNS))
        for r in self.history.rows:
            good = None if r.good_share is None else 100 * r.good_share
            table.add_row(
                r.date,
                Text(visible(r.program)),  # a user program's name: text, not markup
                str(r.sets),
                _cell(r.score),
                _cell(r.mvc_cmH2O, "{:.1f}"),
                _cell(r.hold_s, "{:.1f}"),
                _cell(good),
                str(r.errors),
            )
        table.focus()
