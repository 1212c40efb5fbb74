"""Train: live trace with the target band, the cue and countdown, counters, warnings, scores."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from perineo.display.texts import Lang, tr
from perineo.display.tracebuf import TraceBuffer
from perineo.display.view import CueView, RepView, StatusView
from perineo.text_safety import visible
from perineo.tui.keys import KeySpec, bind_keys
from perineo.tui.widgets.coach import CueDisplay, RepCounter, RepResult, WarningBanner
from perineo.tui.widgets.size import SizeWarning
from perineo.tui.widgets.status import StatusLine
from perineo.tui.widgets.trace import PressureTrace


class TrainScreen(Screen[None]):
    KEYS: tuple[KeySpec, ...] = (
        ("space", "app.pause", "key.pause"),
        ("e", "app.end", "key.end"),
        ("q", "app.leave", "key.quit"),
    )

    cue: reactive[CueView] = reactive(CueView, init=False)
    rep: reactive[RepView | None] = reactive(None, init=False)
    status: reactive[StatusView] = reactive(StatusView, init=False)
    baseline: reactive[float | None] = reactive(None, init=False)
    calibration: reactive[str | None] = reactive(None, init=False)  # until the first rep

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
        yield SizeWarning(self.lang)
        # the widgets that draw a screen attribute as it is are bound to it
        with Horizontal(classes="topbar"):
            yield Static(visible(self.program_title), classes="heading", markup=False)
            yield RepCounter(self.lang, id="counter").data_bind(TrainScreen.cue)
        yield Static(tr(self.lang, "train.trace", seconds=20), classes="caption")
        yield PressureTrace(self.trace, fps=self.fps, id="trace").data_bind(TrainScreen.baseline)
        yield CueDisplay(id="cue").data_bind(TrainScreen.cue)
        yield WarningBanner(id="warning")
        yield RepResult(self.lang, id="rep").data_bind(TrainScreen.rep, TrainScreen.calibration)
        yield StatusLine(self.lang, id="status").data_bind(TrainScreen.status)
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True
        self.watch_cue(self.cue)

    def watch_cue(self, cue: CueView) -> None:
        """What the cue says to the widgets that draw a part of it."""
        if not self._ready:  # set before the screen was composed: on_mount applies it
            return
        banner = self.query_one("#warning", WarningBanner)
        banner.warning = cue.warning
        banner.note = cue.note
        self.query_one("#trace", PressureTrace).band = cue.band
