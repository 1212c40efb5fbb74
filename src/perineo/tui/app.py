"""The perineo Textual app, built by :func:`create_app` from a source (or a way to get one).

Messages travel up (data path → app, screens → app); the app sets attributes down on the
screen that is showing, and the screens bind their widgets to them. The data path is the live
pipeline (:mod:`perineo.session`) in an async worker; its listener here, :class:`_Poster`,
turns what it hears into views and messages. The trace redraws itself on a timer from the
shared buffer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from textual import events
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from perineo.display import home, present
from perineo.display import summary as summarise
from perineo.display.texts import Lang, tr
from perineo.display.tracebuf import TraceBuffer
from perineo.display.view import CalibrationView, CueView, StatusView, SummaryView
from perineo.lab.bridge import LabBridge, LabListener
from perineo.program.calibration import Calibration
from perineo.program.coach import Cue
from perineo.program.loader import get_program, load_programs
from perineo.program.model import Program
from perineo.program.plan import Leakage, SymptomEntry
from perineo.program.scoring import RepScore
from perineo.samples import Channel, SampleBlock
from perineo.session.choices import SourceChoices
from perineo.session.journal import SessionJournal
from perineo.session.listener import CalibrationUpdate, PipelineEnd, Quiet, Trouble, TroubleKind
from perineo.session.training import LiveSession, SessionResult, Stage
from perineo.signal.events import Event, EventKind
from perineo.sources.base import SampleSource, Scanner
from perineo.store.sessions import TrainingRecord
from perineo.tui.messages import (
    CalibrationChanged,
    CheckAnswered,
    CueChanged,
    DataPathFailed,
    LanguageChosen,
    RepetitionScored,
    SamplesArrived,
    SessionFinished,
    SourceChosen,
    StatusChanged,
)
from perineo.tui.screens.calibrate import CalibrateScreen
from perineo.tui.screens.confirm import ConfirmEnd
from perineo.tui.screens.history import HistoryScreen
from perineo.tui.screens.home import HomeChoices, HomeScreen
from perineo.tui.screens.summary import SummaryScreen
from perineo.tui.screens.train import TrainScreen
from perineo.tui.widgets.coach import calibration_text
from perineo.tui.widgets.size import SizeWarning

GAP_SHOWN_S = 5.0  # seconds of stream a gap stays in the status line after it happened
GAP_MIN_S = 0.05  # shorter is no gap worth telling (never "gap 0.0 s")
TRACE_KEEP_S = 30.0  # seconds of squeeze the trace buffer keeps (it shows 20)
SourceFactory = Callable[[str | None], SampleSource]  # None: the simulator, else an address


@dataclass(frozen=True)
class AppOptions:
    program: Program
    lang: Lang = Lang.EN
    reps_per_set: int | None = None
    sets: int | None = None
    fps: float = 25.0
    record_dir: Path | None = None  # None: do not write a recording (tests of the UI only)
    today: date | None = None  # fixed "today" for deterministic summaries and history
    chosen: bool = False  # the program was chosen (on the command line or home), not advised

    def day(self) -> date:
        return self.today or date.today()


class _Poster(Quiet):
    """The app's listener on the live pipeline: keeps the trace buffer the screens draw,
    turns the program's values into views (:mod:`perineo.display.present`) and posts them."""

    def __init__(self, app: PerineoApp, session: LiveSession, trace: TraceBuffer) -> None:
        self.app = app
        self.lang = app.lang
        self.program = app.options.program
        self.pipeline = session.pipeline
        self.trainer = session.trainer
        self.trace = trace
        self._cal: CalibrationView | None = None
        self._cue: CueView | None = None
        self._paused = False
        self._scored = 0
        self._status = StatusView()  # the pipeline's, as it told it
        self._gap: tuple[float, float] | None = None  # (length, shown until stream time)

        self._in_set: Counter[int] = Counter()  # scored repetitions a set

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        self.trace.append(block.t, block.data[Channel.SQUEEZE])
        now = float(block.t[-1])
        self.app.post_message(SamplesArrived(now, self.pipeline.baseline_cmH2O))
        self.events(events)
        if self._gap is not None and now > self._gap[1]:
            self._gap = None
            self._post_status()

    def events(self, events: Sequence[Event]) -> None:
        """A gap in the data shows in the status line for a few seconds after it happened."""
        for ev in events:
            if ev.kind is EventKind.GAP and ev.value is not None and ev.value - ev.t >= GAP_MIN_S:
                now = max(ev.detected_s, self.pipeline.now_s or 0.0)
                self._gap = (ev.value - ev.t, now + GAP_SHOWN_S)
                self._post_status()

    def _post_status(self) -> None:
        gap = None if self._gap is None else self._gap[0]
        self.app.post_message(StatusChanged(replace(self._status, gap_s=gap)))

    def status(self, status: StatusView) -> None:
        self._status = status
        self._post_status()
        if status.paused and not self._paused and self._cue is not None:
            self._cue = replace(self._cue, text=tr(self.lang, "train.paused"), countdown=None)
            self.app.post_message(CueChanged(self._cue))
        self._paused = status.paused

    def trouble(self, trouble: Trouble) -> None:
        if trouble.kind is TroubleKind.JOURNAL:  # the recording's shows in the status line
            self.app.post_message(DataPathFailed(str(trouble.error)))

    def calibration(self, update: CalibrationUpdate) -> None:
        view = present.calibration_view(update.step, update.settings, update.elapsed_s, self.lang)
        if view != self._cal:
            self._cal = view
            self.app.post_message(CalibrationChanged(view))

    def cue(self, cue: Cue) -> None:
        cal = self.trainer.result.calibration
        mvc = None if cal is None else cal.mvc_cmH2O
        view = present.cue_view(cue, self.program, self.pipeline.baseline_cmH2O, mvc, self.lang)
        if not self.trainer.can_see_push_down:
            view = replace(view, note=tr(self.lang, "error.unverifiable"))
        if view != self._cue:
            self._cue = view
            self.app.post_message(CueChanged(view))

    def scored(self, score: RepScore) -> None:
        # numbered within its set, as the coach counts and the exports label it
        self._in_set[score.set_no] += 1
        quick = self.program.rep.coach_quick_lifts
        view = present.rep_view(score, self._in_set[score.set_no], self.lang, quick)
        self.app.post_message(RepetitionScored(view))

    def finished(self, end: PipelineEnd) -> None:
        result = self.trainer.result
        self.app.result = result
        self.app.post_message(SessionFinished(self.app.summary_of(result)))


class _Reuse(Quiet):
    """Trains with the stored calibration from the first block (chosen on the home screen)."""

    def __init__(self, session: LiveSession, cal_id: int, calibration: Calibration) -> None:
        self.session, self.cal_id, self.stored = session, cal_id, calibration

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        self.session.use_calibration(self.stored, self.cal_id)


class PerineoApp(App[SessionResult | None]):
    CSS_PATH = "perineo.tcss"
    TITLE = "perineo"
    ENABLE_COMMAND_PALETTE = False
    lab: LabListener | None = None  # --lsl: given to every LiveSession

    def __init__(
        self,
        options: AppOptions,
        *,
        source: SampleSource | None = None,
        source_factory: SourceFactory | None = None,
        scanner: Scanner | None = None,
        record: TrainingRecord | None = None,
    ) -> None:
        super().__init__()
        self.record = record
        self.options = options
        self.lang = options.lang
        self.initial_source = source
        self.source_factory = source_factory
        self.scanner = scanner
        self.session: LiveSession | None = None
        self.trace = TraceBuffer(keep_s=TRACE_KEEP_S)
        self.result: SessionResult | None = None
        self._status = StatusView()

    # -- start ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.title = tr(self.lang, "app.title")
        if self.initial_source is not None:
            self.start_session(self.initial_source)
        else:
            self.push_screen(self.home_screen())

    def home_screen(self) -> HomeScreen:
        o = self.options
        programs = self.programs()
        view = home.home_view(self.record, programs, self.lang, o.day())
        chosen = o.program.name if o.chosen or view.advice == "" else view.advised
        if chosen not in dict(view.programs):
            chosen = view.advised

        def targets(name: str) -> str:
            program = home.todays_program(programs[name], self.record)
            return home.targets_words(program, self.lang, sets=o.sets, reps=o.reps_per_set)

        choices = HomeChoices(
            view.programs, chosen, view.advice, view.check_due, view.calibration, targets
        )
        return HomeScreen(self.lang, choices, self.scanner)

    def programs(self) -> dict[str, Program]:
        """The training programs to choose from (the one given at start among them)."""
        found = home.training_programs(load_programs(on_error=lambda problem: None))
        found[self.options.program.name] = self.options.program
        return found

    def _program_title(self) -> str:
        p = self.options.program
        return p.title_nn if self.lang is Lang.NN else p.title

    def on_source_chosen(self, message: SourceChosen) -> None:
        if self.source_factory is None:
            self.notify(tr(self.lang, "home.no_ble"), severity="warning")
            return
        factory = self.source_factory
        screen = self.screen
        reuse = False
        if isinstance(screen, HomeScreen):
            reuse = screen.reuse_calibration
            program = self.programs().get(screen.program, self.options.program)
            program = home.todays_program(program, self.record)
            self.options = replace(self.options, program=program, chosen=True)
            owner = getattr(factory, "__self__", None)
            if isinstance(owner, SourceChoices):  # the simulated person trains it too
                factory = replace(owner, program=program).open
        self.start_session(factory(message.address), reuse=reuse)

    def on_language_chosen(self, message: LanguageChosen) -> None:
        screen = self.screen
        if isinstance(screen, HomeScreen):  # keep the program she chose
            self.options = replace(
                self.options,
                program=self.programs().get(screen.program, self.options.program),
                chosen=True,
            )
        self.lang = Lang(message.lang)
        self.options = replace(self.options, lang=self.lang)
        self.title = tr(self.lang, "app.title")
        self.switch_screen(self.home_screen())

    def on_check_answered(self, message: CheckAnswered) -> None:
        if self.record is None:
            return
        self.record.add_symptom(SymptomEntry(self.options.day(), Leakage(message.leakage)))
        self.notify(tr(self.lang, "home.check_done"))
        if isinstance(self.screen, HomeScreen):  # the advice may change with the answer
            self.switch_screen(self.home_screen())

    def start_session(self, source: SampleSource, *, reuse: bool = False) -> None:
        o = self.options
        recording = None
        if o.record_dir is not None:
            recording = summarise.new_recording_path(o.record_dir)
        journal = None
        if self.record is not None:
            journal = SessionJournal(self.record, o.program, source.name, recording)
        self.session = LiveSession(
            source,
            o.program,
            recording_path=recording,
            journal=journal,
            reps_per_set=o.reps_per_set,
            sets=o.sets,
        )
        self.trace = TraceBuffer(keep_s=TRACE_KEEP_S)
        self.session.pipeline.add(_Poster(self, self.session, self.trace))
        if self.lab is not None:  # --lsl
            self.session.pipeline.add(LabBridge(self.lab))
        stored = None if journal is None else journal.latest_calibration()
        if reuse and stored is not None:  # chosen on the home screen: no calibrating
            self.session.pipeline.add(_Reuse(self.session, *stored))
        self._show(CalibrateScreen(self.lang, self.trace, fps=o.fps, can_reuse=stored is not None))
        self.run_worker(
            self.session.run(), name="data path", group="live", exclusive=True, exit_on_error=False
        )

    def _show(self, screen: Screen[None]) -> None:
        if not self.screen_stack:
            return  # the app is closing (a cue still on its way): nothing to show it on
        while isinstance(self.screen, ModalScreen):  # a question over a screen that is done
            self.pop_screen()
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    # -- data path → screens ----------------------------------------------------------------

    def _current(self) -> Screen[object] | None:
        """The screen the data path draws on: the top one, under a question asked over it."""
        stack = [s for s in self.screen_stack[1:] if not isinstance(s, ModalScreen)]
        return stack[-1] if stack else None

    def on_samples_arrived(self, message: SamplesArrived) -> None:
        screen = self._current()
        if isinstance(screen, TrainScreen):
            screen.baseline = message.baseline_cmH2O

    def on_status_changed(self, message: StatusChanged) -> None:
        self._status = message.status
        screen = self._current()
        if isinstance(screen, CalibrateScreen | TrainScreen | HomeScreen):
            screen.status = message.status

    def on_calibration_changed(self, message: CalibrationChanged) -> None:
        screen = self._current()
        if isinstance(screen, CalibrateScreen):
            screen.calibration = message.calibration

    def on_cue_changed(self, message: CueChanged) -> None:
        current = self._current()
        if isinstance(current, TrainScreen):
            screen = current
        else:
            if self.session is None:
                return
            screen = TrainScreen(self.lang, self.trace, self._program_title(), fps=self.options.fps)
            self._show(screen)
            screen.status = self._status
            trainer = self.session.trainer
            cal = trainer.result.calibration
            if cal is not None:
                reused = trainer.calibrator is None or trainer.calibrator.result is not cal
                screen.calibration = calibration_text(cal, self.lang, reused=reused)
        screen.cue = message.cue

    def on_repetition_scored(self, message: RepetitionScored) -> None:
        screen = self._current()
        if isinstance(screen, TrainScreen):
            screen.rep = message.rep

    def on_session_finished(self, message: SessionFinished) -> None:
        self._show(SummaryScreen(self.lang, message.summary))

    def on_data_path_failed(self, message: DataPathFailed) -> None:
        self.notify(message.text, severity="error", timeout=30)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "live" and event.state is WorkerState.ERROR:
            self.post_message(DataPathFailed(str(event.worker.error)))

    def on_resize(self, event: events.Resize) -> None:
        for screen in self.screen_stack:
            for warning in screen.query(SizeWarning):
                warning.check(event.size)

    # -- keys -------------------------------------------------------------------------------

    def action_pause(self) -> None:
        if self.session is not None:
            self.session.toggle_pause()

    def _live(self) -> LiveSession | None:
        """The session being trained, if it is still going."""
        s = self.session
        if s is None or s.stage not in (Stage.CALIBRATING, Stage.TRAINING):
            return None
        return None if s.pipeline.stopping else s

    def action_end(self) -> None:
        """``e``: ask, then end the session (what was done is kept; a repetition under way
        is dropped)."""
        session = self._live()
        if session is None or isinstance(self.screen, ConfirmEnd):
            return

        def answered(end: bool | None) -> None:
            if end and session is self.session:
                session.stop()

        self.push_screen(ConfirmEnd(self.lang, "end", "e"), answered)

    def action_leave(self) -> None:
        """``q``: close perineo; asked first while a session is going."""
        if isinstance(self.screen, ConfirmEnd):
            return
        if self._live() is None:
            self.exit(self.result)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit(self.result)

        self.push_screen(ConfirmEnd(self.lang, "quit", "q"), answered)

    def action_reuse_calibration(self) -> None:
        """Skip calibrating: train with the calibration in force (the newest stored)."""
        session = self.session
        if session is None or self.record is None or session.stage is not Stage.CALIBRATING:
            return
        stored = self.record.latest_calibration()
        if stored is not None:
            cal_id, calibration = stored
            session.use_calibration(calibration, cal_id)

    def action_history(self) -> None:
        view = summarise.history_view(self.record, self.lang, self.options.day())
        self.push_screen(HistoryScreen(self.lang, view))

    def summary_of(self, result: SessionResult) -> SummaryView:
        reasons = Counter(r for s in result.scores for r in s.reasons)
        holds = [s.hold_s for s in result.scores if s.hold_s is not None]
        cal = result.calibration
        return summarise.summary_view(
            None if result.summary is None else result.summary.to_json(),
            program=self.options.program,
            lang=self.lang,
            reason_counts=reasons,
            mvc_cmH2O=None if cal is None else cal.mvc_cmH2O,
            mean_hold_s=sum(holds) / len(holds) if holds else None,
            session_id=result.session_id,
            record=self.record,
            today=self.options.day(),
        )

    def action_again(self) -> None:
        self.session = None
        self.switch_screen(self.home_screen())


def create_app(
    source: SampleSource | None = None,
    *,
    program: str | Program = "intensive",
    lang: Lang | str = Lang.EN,
    source_factory: SourceFactory | None = None,
    scanner: Scanner | None = None,
    reps_per_set: int | None = None,
    sets: int | None = None,
    fps: float = 25.0,
    record_dir: Path | None = None,
    record: TrainingRecord | None = None,
    today: date | None = None,
    program_chosen: bool = True,
) -> PerineoApp:
    """Build the app around ``source`` (start at once) or let the user choose on Home.

    ``program_chosen=False``: ``program`` is only the plan's advice; the home screen offers
    the advice from the record it reads itself (and today's targets with it)."""
    prog = get_program(program) if isinstance(program, str) else program
    options = AppOptions(
        prog, Lang(lang), reps_per_set, sets, fps, record_dir, today, chosen=program_chosen
    )
    return PerineoApp(
        options, source=source, source_factory=source_factory, scanner=scanner, record=record
    )
