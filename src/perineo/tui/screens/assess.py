"""Assess: the guided PERFECT assessment for the clinician.

The trace, the step and its instruction, the cue, and a table in which every contraction
appears at its onset and is classified (lift / push-down / not verifiable, errors, peak,
hold) when it ends. Keys: ``r`` redo the step, ``n`` next step, ``e`` end, ``q`` close;
``e`` and ``q`` ask first (the training's modal, :class:`ConfirmEnd`, in the assessment's
words) while the assessment is going.
The data path (:class:`perineo.assess.live.AssessSession`) runs in a worker and posts
messages; the screen only sets widgets from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from perineo.assess.guide import Prompt, PromptKind
from perineo.assess.live import AssessOutcome, AssessSession, CueFollower, LiveContraction
from perineo.assess.texts import GuideText, Noted
from perineo.display.tracebuf import TraceBuffer
from perineo.locale import Lang, say
from perineo.samples import Channel, SampleBlock
from perineo.sources.base import SampleSource
from perineo.tui.keys import KeySpec, bind_keys
from perineo.tui.screens.confirm import ConfirmEnd
from perineo.tui.widgets.size import SizeWarning
from perineo.tui.widgets.trace import PressureTrace


@dataclass
class PromptShown(Message):
    prompt: Prompt


@dataclass
class ContractionSeen(Message):
    contraction: LiveContraction


@dataclass
class SamplesSeen(Message):
    t_end: float
    baseline_cmH2O: float


@dataclass
class AssessmentDone(Message):
    outcome: AssessOutcome


class _Poster:
    """The session's listener: keeps the trace buffer, posts everything else as messages."""

    def __init__(self, app: App[Any], trace: TraceBuffer) -> None:
        self.app = app
        self.trace = trace

    def prompt(self, prompt: Prompt) -> None:
        self.app.post_message(PromptShown(prompt))

    def contraction(self, c: LiveContraction) -> None:
        self.app.post_message(ContractionSeen(c))

    def samples(self, block: SampleBlock, baseline_cmH2O: float) -> None:
        self.trace.append(block.t, block.data[Channel.SQUEEZE])
        self.app.post_message(SamplesSeen(float(block.t[-1]), baseline_cmH2O))

    def finished(self, outcome: AssessOutcome) -> None:
        self.app.post_message(AssessmentDone(outcome))


def contraction_row(c: LiveContraction, lang: Lang | str = Lang.EN) -> tuple[str, ...]:
    """One table row: number, step, onset, peak, hold, classification, errors."""

    def tr(key: str) -> str:
        return say(lang, f"assess.screen.{key}")

    step = tr("redone") if c.step is None else say(lang, f"report.step.{c.step.value}")
    if c.cancelled:
        return (str(c.number), step, f"{c.onset_s:.1f}", "–", "–", tr("spike"), "")
    if not c.final:
        return (str(c.number), step, f"{c.onset_s:.1f}", "…", "…", tr("contracting"), "")
    return (
        str(c.number),
        step,
        f"{c.onset_s:.1f}",
        "–" if c.peak_cmH2O is None else f"{c.peak_cmH2O:.0f}",
        "–" if c.hold_s is None else f"{c.hold_s:.1f}",
        "–" if c.movement is None else tr(f"movement.{c.movement.value}"),
        ", ".join(say(lang, Noted(e)) for e in c.errors),
    )


def squeeze_cue(p: Prompt, lang: Lang | str = Lang.EN) -> str:
    """The cue line: ``SQUEEZE — 1 · hold up to 10 s``; a repetition of the first hold,
    ``SQUEEZE — 2 · hold 8 s — as long as the first``; a fast one just ``SQUEEZE — 3``."""
    if p.repeat:
        return say(lang, "assess.screen.cue_repeat", n=p.number, hold=p.hold_s)
    if p.hold_s >= 2:
        return say(lang, "assess.screen.cue_hold", n=p.number, hold=p.hold_s)
    return say(lang, "assess.screen.cue", n=p.number)


class AssessScreen(Screen[None]):
    KEYS: tuple[KeySpec, ...] = (
        ("r", "redo", "assess.screen.key.redo"),
        ("n", "next", "assess.screen.key.next"),
        ("e", "end", "assess.screen.key.end"),
        ("q", "app.quit", "assess.screen.key.close"),
    )

    baseline: reactive[float | None] = reactive(None, init=False)

    def __init__(
        self, patient: str, trace: TraceBuffer, *, fps: float = 25.0, lang: Lang | str = Lang.EN
    ) -> None:
        super().__init__()
        self.lang = Lang(lang)
        bind_keys(self, self.lang, self.KEYS)
        self.patient = patient
        self.trace = trace
        self.fps = fps
        self._rows: dict[int, object] = {}

    def compose(self) -> ComposeResult:
        yield SizeWarning(self.lang)
        with Horizontal(classes="topbar"):
            heading = say(self.lang, "assess.screen.heading", patient=self.patient)
            yield Static(heading, classes="heading")
            yield Static("", id="assess-step")
        yield PressureTrace(self.trace, fps=self.fps, id="trace").data_bind(AssessScreen.baseline)
        yield Static("", id="assess-instruction")
        yield Static("", id="assess-cue")
        yield DataTable(id="assess-table", cursor_type="none", zebra_stripes=True)
        yield Static("", id="assess-result")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#assess-table", DataTable)
        cols = ("step", "onset", "peak", "hold", "movement", "errors")
        table.add_columns("#", *(say(self.lang, f"assess.screen.col.{c}") for c in cols))

    def show_prompt(self, p: Prompt) -> None:
        cue = self.query_one("#assess-cue", Static)
        said = "" if p.message is None else say(self.lang, p.message)
        if p.kind is PromptKind.STEP:
            step = "" if p.step is None else say(self.lang, f"report.step.{p.step.value}")
            self.query_one("#assess-step", Static).update(step)
            self.query_one("#assess-instruction", Static).update(said)
            cue.update("")
        elif p.kind is PromptKind.SQUEEZE:
            cue.update(squeeze_cue(p, self.lang))
        elif p.kind is PromptKind.LET_GO:
            cue.update(say(self.lang, GuideText.LET_GO))
        else:
            cue.update(said)

    def show_contraction(self, c: LiveContraction) -> None:
        table = self.query_one("#assess-table", DataTable)
        row = contraction_row(c, self.lang)
        key = self._rows.get(c.number)
        if key is None:
            self._rows[c.number] = table.add_row(*row, key=str(c.number))
        else:
            for col, value in zip(table.ordered_columns, row, strict=True):
                table.update_cell(str(c.number), col.key, value)
        table.scroll_end(animate=False)

    def show_outcome(self, outcome: AssessOutcome) -> None:
        res, lang = outcome.result, self.lang
        if res is None:
            text = say(lang, "assess.screen.no_samples")
        else:
            text = f"{res.line()}\n" + "; ".join(say(lang, n) for n in res.summary)
            # what qualifies the numbers themselves: left out, or R near its line
            text += "".join(f"\n· {say(lang, f)}" for f in res.qualifiers)
        if not outcome.complete:
            text += "\n" + say(lang, "assess.screen.ended_early")
        close = say(lang, "assess.screen.close")
        self.query_one("#assess-result", Static).update(f"{text}\n{close}")
        self.query_one("#assess-cue", Static).update("")

    def action_redo(self) -> None:
        self.app.post_message(_Ask("redo"))

    def action_next(self) -> None:
        self.app.post_message(_Ask("skip"))

    def action_end(self) -> None:
        self.app.post_message(_Ask("end"))


@dataclass
class _Ask(Message):
    what: str


QUIT_WAIT_S = 5.0  # closing waits this long at most for an ended assessment's result


class AssessApp(App[AssessOutcome | None]):
    """The assessment on its own: ``perineo assess`` runs it, tests drive it with Pilot."""

    CSS_PATH = "../perineo.tcss"
    TITLE = "perineo assess"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        source: SampleSource,
        patient: str,
        *,
        follower: CueFollower | None = None,
        fps: float = 25.0,
        exit_when_done: bool = False,
        lang: Lang | str = Lang.EN,
    ) -> None:
        super().__init__()
        self.trace = TraceBuffer(keep_s=30.0)
        self.session = AssessSession(source, _Poster(self, self.trace), follower=follower)
        self.patient = patient
        self.fps = fps
        self.exit_when_done = exit_when_done
        self._quitting = False  # closing once the ended assessment's result is in
        self.outcome: AssessOutcome | None = None
        self.lang = Lang(lang)
        self.screen_view = AssessScreen(patient, self.trace, fps=fps, lang=lang)

    def on_mount(self) -> None:
        self.push_screen(self.screen_view)
        self.run_worker(self.session.run(), name="assessment", group="live", exclusive=True)

    def on_resize(self, event: events.Resize) -> None:
        for warning in self.screen_view.query(SizeWarning):
            warning.check(event.size)

    def on_prompt_shown(self, message: PromptShown) -> None:
        self.screen_view.show_prompt(message.prompt)

    def on_contraction_seen(self, message: ContractionSeen) -> None:
        self.screen_view.show_contraction(message.contraction)

    def on_samples_seen(self, message: SamplesSeen) -> None:
        self.screen_view.baseline = message.baseline_cmH2O

    def on_assessment_done(self, message: AssessmentDone) -> None:
        self.outcome = message.outcome
        if self.screen_view in self.screen_stack:  # not while the app is closing
            self.screen_view.show_outcome(message.outcome)
        if self.exit_when_done or self._quitting:
            self.exit(message.outcome)

    def on__ask(self, message: _Ask) -> None:
        if message.what == "redo":
            self.session.redo()
        elif message.what == "skip":
            self.session.skip()
        else:
            self._ask("end", self.session.stop)

    def _going(self) -> bool:
        """The assessment is still measuring (not ended, not being closed)."""
        return self.outcome is None and not self._quitting and not self.session.stopping

    def _ask(self, what: str, then: Callable[[], None]) -> None:
        """Ask (``what``: "end" or "quit") with the training's modal, then ``then`` on yes;
        no keeps the assessment going as it was (it measures on while the question shows)."""
        if isinstance(self.screen, ConfirmEnd) or not self._going():
            return

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        key = "e" if what == "end" else "q"
        self.push_screen(ConfirmEnd(self.lang, what, key, subject="assess"), answered)

    # textual runs a plain action as well as App's async one
    def action_quit(self) -> None:  # type: ignore[override]  # App.action_quit is async
        """Close: asked first while the assessment is going; then it is ended, and what it
        measured is returned (and stored) as when it is ended with ``e``; the app closes
        once its result is in, or after ``QUIT_WAIT_S`` if none comes."""
        if isinstance(self.screen, ConfirmEnd):
            return
        if self._going():
            self._ask("quit", self._close)
        elif self.outcome is not None:
            self.exit(self.outcome)

    def _close(self) -> None:
        if self.outcome is not None:  # it ended by itself while the question showed
            self.exit(self.outcome)
            return
        self._quitting = True
        self.session.stop()
        self.set_timer(QUIT_WAIT_S, lambda: self.exit(self.outcome))
