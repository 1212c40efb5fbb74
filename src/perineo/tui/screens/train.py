"""Train: live trace with the target band, the cue and countdown, counters, warnings, scores."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from perineo.text_safety import visible
from perineo.tui.keys import KeySpec, bind_keys
from perineo.tui.texts import Lang, tr
from perineo.tui.tracebuf import TraceBuffer
from perineo.tui.view import CueView, RepView, StatusView
from perineo.tui.widgets.coach import CueDisplay, RepCounter, RepResult, WarningBanner
from perineo.tui.widgets.status import StatusLine
from perineo.tui.widgets.trace import PressureTrace


class TrainScreen(Screen[None]):
    KEYS: tuple[KeySpec, ...] = (
        ("space", "app.pause", "key.pause"),
        ("e", "app.end", "key.end"),
        ("q", "app.quit", "key.quit"),
    )

    cue: reactive[CueView] = reactive(CueView, init=False)
    rep: reactive[RepView | None] = reactive(None, init=False)
    status: reactive[StatusView] = reactive(StatusView, init=False)
    baseline: reactive[float | None] = reactive(None, init=False)

    def __init__(
        self, lang: Lang, trace: TraceBuffer, program_title: str, *, fps: float = 25.0
    ) -> None:
        super().__init__()
        self._ready = False
        self.lang = lang
        self.trace = trace
        self.program_title = program_title
        self.fps = fps
        bind_keys(self, lang, self.KEYS)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="topbar"):
            yield Static(visible(self.program_title), classes="heading", markup=False)
            yield RepCounter(self.lang, id="counter")
        yield Static(tr(self.lang, "train.trace", seconds=20), classes="caption")
        yield PressureTrace(self.trace, fps=self.fps, id="trace")
        yield CueDisplay(id="cue")
        yield WarningBanner(id="warning")
        yield RepResult(self.lang, id="rep")
        yield StatusLine(self.lang, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True
        self.watch_cue(self.cue)
        self.watch_rep(self.rep)
        self.watch_status(self.status)
        self.watch_baseline(self.baseline)

    def watch_cue(self, cue: CueView) -> None:
        if not self._ready:  # set before the screen was composed: on_mount applies it
            return
        self.query_one("#cue", CueDisplay).cue = cue
        self.query_one("#counter", RepCounter).cue = cue
        banner = self.query_one("#warning", WarningBanner)
        banner.warning = cue.warning
        banner.note = cue.note
        self.query_one("#trace", PressureTrace).band = cue.band

    def watch_rep(self, rep: RepView | None) -> None:
        if not self._ready:
            return
        self.query_one("#rep", RepResult).rep = rep

    def watch_status(self, status: StatusView) -> None:
        if not self._ready:
            return
        self.query_one("#status", StatusLine).status = status

    def watch_baseline(self, baseline: float | None) -> None:
        if not self._ready:
            return
        self.query_one("#trace", PressureTrace).baseline = baseline
