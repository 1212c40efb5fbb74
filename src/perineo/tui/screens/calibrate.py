"""Calibrate: settle, resting level, three maximal squeezes, with progress and the trace."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from perineo.display.texts import Lang, tr
from perineo.display.tracebuf import TraceBuffer
from perineo.display.view import CalibrationView, StatusView
from perineo.tui.keys import KeySpec, bind_keys
from perineo.tui.widgets.coach import WarningBanner
from perineo.tui.widgets.size import SizeWarning
from perineo.tui.widgets.status import StatusLine
from perineo.tui.widgets.trace import PressureTrace


class CalibrateScreen(Screen[None]):
    KEYS: tuple[KeySpec, ...] = (("q", "app.leave", "key.quit"),)

    calibration: reactive[CalibrationView] = reactive(CalibrationView, init=False)
    status: reactive[StatusView] = reactive(StatusView, init=False)

    def __init__(
        self, lang: Lang, trace: TraceBuffer, *, fps: float = 25.0, can_reuse: bool = False
    ) -> None:
        super().__init__()
        self._ready = False
        self.lang = lang
        self.trace = trace
        self.fps = fps
        keys = self.KEYS
        if can_reuse:
            keys = (("u", "app.reuse_calibration", "key.skip"), *keys)
        bind_keys(self, lang, keys)

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield SizeWarning(self.lang)
        with Horizontal(classes="topbar"):
            yield Static(tr(lang, "cal.heading"), classes="heading")
            yield Static("", id="cal-step")
            yield ProgressBar(total=1.0, show_eta=False, id="cal-progress")
        yield PressureTrace(self.trace, fps=self.fps, id="trace")
        yield Static("", id="cal-text", classes="cue")
        yield WarningBanner(id="warning")
        yield Static("", id="cal-values")
        yield StatusLine(lang, id="status").data_bind(CalibrateScreen.status)
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True
        self.watch_calibration(self.calibration)

    def watch_calibration(self, cal: CalibrationView) -> None:
        if not self._ready:  # set before the screen was composed: on_mount applies it
            return
        lang = self.lang
        self.query_one("#cal-step", Static).update(
            tr(lang, "cal.step", n=cal.step, total=cal.steps)
        )
        self.query_one("#cal-progress", ProgressBar).update(progress=cal.progress)
        text = cal.text if cal.countdown is None else f"{cal.text}  ({cal.countdown} s)"
        self.query_one("#cal-text", Static).update(text)
        self.query_one("#warning", WarningBanner).warning = cal.warning
        values = []
        if cal.rest_cmH2O is not None:
            values.append(tr(lang, "cal.rest_level", value=cal.rest_cmH2O))
        if cal.mvc_cmH2O is not None:
            values.append(tr(lang, "cal.mvc_value", value=cal.mvc_cmH2O))
        self.query_one("#cal-values", Static).update("   ".join(values))
        trace = self.query_one("#trace", PressureTrace)
        trace.baseline = cal.rest_cmH2O
