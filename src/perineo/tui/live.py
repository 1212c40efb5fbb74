"""The data path of a live session: source → recording → detector → calibration/coach → store.

Nothing here imports Textual: the app runs :meth:`LiveSession.run` as an async worker and
hears about progress through a :class:`LiveListener` (which it implements by posting
messages). Every block the source delivers is written to the recording and pushed through
the detector before anything is shown, so the record never depends on the screen keeping up.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from perineo.errors import PerineoError
from perineo.lab.hook import LabListener
from perineo.program.calibration import Calibration, Calibrator, CalStep
from perineo.program.coach import Coach, Cue, Phase
from perineo.program.model import Program
from perineo.program.scoring import RepScore, Summary, summarize
from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.signal.detect import Detector
from perineo.signal.events import Event, EventKind, Repetition
from perineo.sources.base import SampleSource, SourceItem
from perineo.store.paths import ensure_private_dir
from perineo.store.recording import RecordingWriter
from perineo.tui import present
from perineo.tui.journal import SessionJournal
from perineo.tui.texts import Lang, tr
from perineo.tui.tracebuf import TraceBuffer
from perineo.tui.view import CalibrationView, Connection, CueView, RepView, StatusView

LAST_REP_WAIT_S = 8.0  # stream time to wait, after the program is done, for the last score


class Stage(StrEnum):
    CONNECTING = "connecting"
    CALIBRATING = "calibrating"
    TRAINING = "training"
    DONE = "done"


class LiveListener(Protocol):
    """What the data path tells the UI; every call must return at once."""

    def samples(self, t_end: float, baseline_cmH2O: float | None) -> None: ...
    def status(self, status: StatusView) -> None: ...
    def calibration(self, calibration: CalibrationView) -> None: ...
    def cue(self, cue: CueView) -> None: ...
    def repetition(self, rep: RepView) -> None: ...
    def finished(self, result: SessionResult) -> None: ...


@runtime_checkable
class CueFollower(Protocol):
    """A source whose (simulated) person does what the coach or the calibration asks."""

    def follow(self, cue: Cue | CalStep, now_s: float) -> None: ...


@dataclass
class SessionResult:
    """What a finished (or stopped) session leaves behind."""

    program: Program
    scores: list[RepScore] = field(default_factory=list)
    repetitions: list[Repetition] = field(default_factory=list)
    summary: Summary | None = None
    calibration: Calibration | None = None
    recording: Path | None = None
    samples: int = 0
    completed: bool = False
    session_id: int | None = None


class LiveSession:
    """One session on one source, until the program is done, the source ends or ``stop()``.

    ``process`` handles one item synchronously (tests call it directly for a deterministic
    state); ``run`` feeds it from the source. With a ``journal`` the session, its events,
    calibration and scores go to the training record as they happen.
    """

    def __init__(
        self,
        source: SampleSource,
        program: Program,
        listener: LiveListener,
        *,
        lang: Lang = Lang.EN,
        recording_path: Path | None = None,
        journal: SessionJournal | None = None,
        reps_per_set: int | None = None,
        sets: int | None = None,
        trace_s: float = 30.0,
    ) -> None:
        self.source = source
        self.program = program
        self.listener = listener
        self.lang = lang
        self.recording_path = recording_path
        self.journal = journal
        self.reps_per_set = reps_per_set
        self.sets = sets
        self.trace = TraceBuffer(keep_s=trace_s)
        self.stage = Stage.CONNECTING
        self.paused = False
        self.samples = 0
        self.detector: Detector | None = None
        self.calibrator: Calibrator | None = None
        self.coach: Coach | None = None
        self.result = SessionResult(program, recording=recording_path)
        self._recorder: RecordingWriter | None = None
        self._status = StatusView(source_name=source.name, connection=Connection.CONNECTING)
        self._cue: CueView | None = None
        self._cal_view: CalibrationView | None = None
        self._cal_start = 0.0
        self._reps: dict[int, Repetition] = {}
        self._open_reps: set[int] = set()  # onsets not yet final or cancelled
        self._onsets: dict[int, float] = {}  # repetition index -> onset time
        self._train_start_s = 0.0
        self._done_at: float | None = None
        self._scored = 0
        self._stopped = False
        self._finished = False
        self._can_see_push_down = True
        self.lab: LabListener | None = None  # --lsl (perineo.lab)

    # -- driving ----------------------------------------------------------------------------

    async def run(self) -> SessionResult:
        self.listener.status(self._status)
        try:
            async for item in self.source.stream():
                self.process(item)
                if self.stage is Stage.DONE or self._stopped:
                    break
        finally:
            with contextlib.suppress(Exception):
                await self.source.close()
            self.finish()
        return self.result

    def process(self, item: SourceItem) -> None:
        if isinstance(item, SampleBlock):
            self._on_block(item)
        else:
            self._on_status(item)

    def stop(self) -> None:
        """Ask ``run`` to end after the current item (the session is kept as far as it got)."""
        self._stopped = True

    def toggle_pause(self) -> bool:
        """Pause or resume the coaching (the recording and the trace go on)."""
        if self.stage is not Stage.TRAINING:
            return self.paused
        self.paused = not self.paused
        self._set_status(paused=self.paused)
        if self.paused and self._cue is not None:
            self._cue = replace(self._cue, text=tr(self.lang, "train.paused"), countdown=None)
            self.listener.cue(self._cue)
        return self.paused

    # -- samples ----------------------------------------------------------------------------

    def _on_block(self, block: SampleBlock) -> None:
        if len(block) == 0 or self._finished:
            return
        if self.detector is None:
            self._start(block.channels)
        assert self.detector is not None
        if self._recorder is not None:
            self._write(block)
        self.samples += len(block)
        if self.lab is not None:
            self.lab.samples(block)
        events = self.detector.push(block)
        now = float(block.t[-1])
        self.trace.append(block.t, block.data[Channel.SQUEEZE])
        self._keep(events)
        if self.stage is Stage.CALIBRATING:
            self._calibrate(now, events)
        elif self.stage is Stage.TRAINING:
            self._train(now, events)
        self.listener.samples(now, self.detector.baseline_cmH2O)

    def _write(self, block: SampleBlock) -> None:
        """Keep the samples; if the disk refuses, keep what was written and coach on."""
        assert self._recorder is not None
        try:
            self._recorder.write(block)
        except PerineoError:
            recorder, self._recorder = self._recorder, None
            with contextlib.suppress(PerineoError, OSError):
                recorder.close()
            self._set_status(recording_stopped=True)

    def _start(self, channels: tuple[Channel, ...]) -> None:
        self.detector = Detector(channels)
        # with squeeze alone a lift cannot be told from bearing down (docs/design.md)
        self._can_see_push_down = bool({Channel.ABDOMINAL, Channel.TILT} & set(channels))
        if self.recording_path is not None:
            ensure_private_dir(self.recording_path.parent)
            self._recorder = RecordingWriter(self.recording_path, channels)
        if self.journal is not None:
            self.journal.channels = tuple(c.value for c in channels)
        self.stage = Stage.CALIBRATING
        self._set_status(connection=Connection.CONNECTED)

    def _keep(self, events: list[Event]) -> None:
        for ev in events:
            if ev.kind is EventKind.ONSET:
                self._open_reps.add(ev.rep)
                self._onsets[ev.rep] = ev.t
            elif ev.kind is EventKind.ONSET_CANCELLED:
                self._open_reps.discard(ev.rep)
            elif ev.kind is EventKind.REPETITION and ev.repetition is not None:
                self._reps[ev.repetition.index] = ev.repetition
                self._open_reps.discard(ev.repetition.index)
        if self.journal is not None:
            self.journal.events(events)
        if self.lab is not None:
            self.lab.events(events)

    # -- status -----------------------------------------------------------------------------

    def _on_status(self, status: SourceStatus) -> None:
        kind = status.kind
        if kind is StatusKind.CONNECTED:
            self._set_status(connection=Connection.CONNECTED)
        elif kind is StatusKind.DISCONNECTED:
            self._set_status(connection=Connection.LOST)
        elif kind is StatusKind.ENDED:
            self._set_status(connection=Connection.ENDED)
        elif kind is StatusKind.BATTERY:
            self._set_status(battery=status.value)
        elif kind is StatusKind.QUALITY and status.value is not None:
            # a probe fault carries no link quality: keep the last one shown
            self._set_status(quality=status.value)
        elif kind is StatusKind.GAP and status.end_s is not None:
            if self.detector is not None:
                self._keep(self.detector.mark_gap(status.t, status.end_s))
            self._set_status(gap_s=status.end_s - status.t)

    def _set_status(self, **changes: object) -> None:
        self._status = replace(self._status, **changes)  # type: ignore[arg-type]
        self.listener.status(self._status)

    # -- calibration ------------------------------------------------------------------------

    def _calibrate(self, now: float, events: list[Event]) -> None:
        assert self.detector is not None
        if self.calibrator is None:
            self._cal_start = now
            chans = tuple(c.value for c in self.detector.channels)
            self.calibrator = Calibrator(self.lang, start_s=now, channels=chans)
        step = self.calibrator.update(now, events, self.detector.baseline_cmH2O)
        if isinstance(self.source, CueFollower):
            self.source.follow(step, now)
        view = present.calibration_view(step, self.calibrator.s, now - self._cal_start)
        if view != self._cal_view:
            self._cal_view = view
            self.listener.calibration(view)
        if step.result is not None:
            self.use_calibration(step.result)

    def use_calibration(self, calibration: Calibration, cal_id: int | None = None) -> None:
        """Train with ``calibration``: just measured, or a stored one (``cal_id``) reused."""
        self.result.calibration = calibration
        if self.journal is not None:
            self.result.session_id = self.journal.start(calibration, cal_id)
        self.coach = Coach(
            self.program,
            self.lang,
            reps_per_set=self.reps_per_set,
            sets=self.sets,
            keep_level_cmH2O=calibration.keep_level_cmH2O(self.program),
        )
        self._train_start_s = self.trace.t_last or 0.0
        self.stage = Stage.TRAINING

    # -- training ---------------------------------------------------------------------------

    def _train(self, now: float, events: list[Event]) -> None:
        coach = self.coach
        assert coach is not None and self.detector is not None
        # the coach hears every event, also while paused, so it never loses its place;
        # but not those of a squeeze that began before training did (calibration's last)
        cue = coach.update(now, [e for e in events if self._in_training(e)])
        self._report_scores(coach.scores)
        if self.paused:  # the paused cue stays up and nobody is asked to squeeze
            return
        if isinstance(self.source, CueFollower):
            self.source.follow(cue, now)
        cal = self.result.calibration
        mvc = None if cal is None else cal.mvc_cmH2O
        view = present.cue_view(cue, self.program, self.detector.baseline_cmH2O, mvc)
        if not self._can_see_push_down:
            view = replace(view, note=tr(self.lang, "error.unverifiable"))
        if view != self._cue:
            self._cue = view
            self.listener.cue(view)
        if self.lab is not None:
            self.lab.cue(cue, now)
        if cue.phase is Phase.DONE:
            # the last repetition is final a moment after its fall: wait for its score
            self._done_at = now if self._done_at is None else self._done_at
            if not self._open_reps or now - self._done_at >= LAST_REP_WAIT_S:
                self.result.completed = True
                self.stage = Stage.DONE

    def _in_training(self, ev: Event) -> bool:
        if ev.kind is EventKind.REPETITION and ev.repetition is not None:
            return ev.repetition.onset_s >= self._train_start_s
        onset = self._onsets.get(ev.rep)
        return onset is None or onset >= self._train_start_s

    def _report_scores(self, scores: list[RepScore]) -> None:
        quick = self.program.rep.coach_quick_lifts
        while self._scored < len(scores):
            if self.journal is not None:
                # the previous score may have gained its rest now: store both again
                for s in scores[max(0, self._scored - 1) : self._scored + 1]:
                    if s.index in self._reps:
                        self.journal.scored(self._reps[s.index], s)
            self._scored += 1
            if self.lab is not None:
                self.lab.score(scores[self._scored - 1], self.trace.t_last or 0.0)
            view = present.rep_view(scores[self._scored - 1], self._scored, self.lang, quick)
            self.listener.repetition(view)

    # -- the end ----------------------------------------------------------------------------

    def finish(self) -> SessionResult:
        """Close the recording, flush the detector, keep the session and report (once)."""
        if self._finished:
            return self.result
        self._finished = True
        if self._recorder is not None:  # first: the samples are safe whatever follows
            self._recorder.close()
            self._recorder = None
        if self.detector is not None:
            tail = self.detector.finish()
            self._keep(tail)
            if self.coach is not None and tail:
                self.coach.update(
                    self.trace.t_last or 0.0, [e for e in tail if self._in_training(e)]
                )
                self._report_scores(self.coach.scores)
        result = self.result
        result.samples = self.samples
        if self.coach is not None:
            result.scores = list(self.coach.scores)
            result.repetitions = [
                self._reps[s.index] for s in result.scores if s.index in self._reps
            ]
        if result.scores:
            result.summary = summarize(result.repetitions, result.scores, self.program)
        if self.journal is not None and self.detector is not None:
            result.session_id = self.journal.finish(result.summary, result.completed)
        self.stage = Stage.DONE
        self.listener.finished(result)
        return result
