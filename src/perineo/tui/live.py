"""The data path of a live session: source → recording → detector → calibration/coach → store.

Nothing here imports Textual: the app runs :meth:`LiveSession.run` as an async worker and
hears about progress through a :class:`LiveListener` (which it implements by posting
messages). Every block the source delivers is written to the recording and pushed through
the detector before anything is shown, so the record never depends on the screen keeping up.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from perineo.program.calibration import Calibration, Calibrator, CalStep
from perineo.program.coach import Coach, Cue, Phase
from perineo.program.model import Program
from perineo.program.scoring import RepScore
from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.signal.detect import Detector
from perineo.signal.events import Event
from perineo.sources.base import SampleSource, SourceItem
from perineo.store.recording import RecordingWriter
from perineo.tui import present
from perineo.tui.texts import Lang
from perineo.tui.tracebuf import TraceBuffer
from perineo.tui.view import CalibrationView, Connection, CueView, RepView, StatusView


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
    """A source whose (simulated) person follows the coach's cues."""

    def follow(self, cue: Cue | CalStep, now_s: float) -> None: ...


@dataclass
class SessionResult:
    """What a finished (or stopped) session leaves behind."""

    program: Program
    scores: list[RepScore] = field(default_factory=list)
    repetitions: list = field(default_factory=list)
    calibration: Calibration | None = None
    rest_cmH2O: float | None = None
    mvc_cmH2O: float | None = None
    recording: Path | None = None
    samples: int = 0
    completed: bool = False
    session_id: int | None = None


class LiveSession:
    """One session on one source: runs until the program is done, the source ends or stop().

    ``process`` handles one item synchronously (tests and the snapshot fixtures call it
    directly for a deterministic state); ``run`` feeds it from the source.
    """

    def __init__(
        self,
        source: SampleSource,
        program: Program,
        listener: LiveListener,
        *,
        lang: Lang = Lang.EN,
        recording_path: Path | None = None,
        reps_per_set: int | None = None,
        sets: int | None = None,
        trace_s: float = 30.0,
    ) -> None:
        self.source = source
        self.program = program
        self.listener = listener
        self.lang = lang
        self.recording_path = recording_path
        self.reps_per_set = reps_per_set
        self.sets = sets
        self.trace = TraceBuffer(keep_s=trace_s)
        self.stage = Stage.CONNECTING
        self.paused = False
        self.samples = 0
        self.detector: Detector | None = None
        self.coach: Coach | None = None
        self.result = SessionResult(program, recording=recording_path)
        self._recorder: RecordingWriter | None = None
        self._status = StatusView(source_name=source.name, connection=Connection.CONNECTING)
        self._cue: CueView | None = None
        self._last_cue: Cue | None = None
        self.calibrator: Calibrator | None = None
        self._cal_view: CalibrationView | None = None
        self._cal_start = 0.0
        self._scored = 0
        self._stopped = False
        self._finished = False

    # -- driving ----------------------------------------------------------------------------

    async def run(self) -> SessionResult:
        self.listener.status(self._status)
        try:
            async for item in self.source.stream():
                self.process(item)
                if self.stage is Stage.DONE or self._stopped:
                    break
        finally:
            self.finish()
            with contextlib.suppress(Exception):
                await self.source.close()
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
        self.paused = not self.paused
        self._set_status(paused=self.paused)
        return self.paused

    # -- samples ----------------------------------------------------------------------------

    def _on_block(self, block: SampleBlock) -> None:
        if len(block) == 0:
            return
        if self.detector is None:
            self._start(block.channels)
        if self._recorder is not None:
            self._recorder.write(block)
        self.samples += len(block)
        assert self.detector is not None
        events = self.detector.push(block)
        now = float(block.t[-1])
        self.trace.append(block.t, block.data[Channel.SQUEEZE])
        if self.stage is Stage.CALIBRATING:
            self._calibrate(now, events)
        elif self.stage is Stage.TRAINING:
            self._train(now, events)
        self.listener.samples(now, self.detector.baseline_cmH2O)

    def _start(self, channels: tuple[Channel, ...]) -> None:
        self.detector = Detector(channels)
        if self.recording_path is not None:
            self.recording_path.parent.mkdir(parents=True, exist_ok=True)
            self._recorder = RecordingWriter(self.recording_path, channels)
        self.stage = Stage.CALIBRATING
        self._set_status(connection=Connection.CONNECTED)

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
        elif kind is StatusKind.QUALITY:
            self._set_status(quality=status.value)
        elif kind is StatusKind.GAP and status.end_s is not None:
            if self.detector is not None:
                self.detector.mark_gap(status.t, status.end_s)
            self._set_status(gap_s=status.end_s - status.t)

    def _set_status(self, **changes: object) -> None:
        from dataclasses import replace

        self._status = replace(self._status, **changes)  # type: ignore[arg-type]
        self.listener.status(self._status)

    # -- calibration ------------------------------------------------------------------------

    def _calibrate(self, now: float, events: list[Event]) -> None:
        assert self.detector is not None
        if self.calibrator is None:
            self._cal_start = now
            self.calibrator = Calibrator(
                self.lang, start_s=now, channels=tuple(c.value for c in self.detector.channels)
            )
        baseline = self.detector.baseline_cmH2O
        step = self.calibrator.update(now, events, baseline if baseline is not None else 0.0)
        if isinstance(self.source, CueFollower):
            self.source.follow(step, now)
        view = present.calibration_view(step, self.calibrator.s, now - self._cal_start)
        if view != self._cal_view:
            self._cal_view = view
            self.listener.calibration(view)
        if step.result is not None:
            self.use_calibration(step.result)

    def use_calibration(self, calibration: Calibration) -> None:
        """Train with ``calibration`` (just measured, or a stored one reused)."""
        self.result.calibration = calibration
        self.result.rest_cmH2O = calibration.rest_cmH2O
        self.result.mvc_cmH2O = calibration.mvc_cmH2O
        self._begin_training()

    # -- training ---------------------------------------------------------------------------

    def _begin_training(self) -> None:
        self.coach = Coach(
            self.program,
            self.lang,
            reps_per_set=self.reps_per_set,
            sets=self.sets,
            keep_level_cmH2O=self._keep_level(),
        )
        self.stage = Stage.TRAINING

    def _keep_level(self) -> float | None:
        cal = self.result.calibration
        return None if cal is None else cal.keep_level_cmH2O(self.program)

    def _train(self, now: float, events: list[Event]) -> None:
        coach = self.coach
        assert coach is not None
        if self.paused:
            return
        cue = coach.update(now, events)
        self._last_cue = cue
        if isinstance(self.source, CueFollower):
            self.source.follow(cue, now)
        quick = self.program.rep.coach_quick_lifts
        while self._scored < len(coach.scores):
            self._scored += 1
            self.listener.repetition(
                present.rep_view(coach.scores[self._scored - 1], self._scored, self.lang, quick)
            )
        rest = self.result.rest_cmH2O
        if self.detector is not None and self.detector.baseline_cmH2O is not None:
            rest = self.detector.baseline_cmH2O
        view = present.cue_view(cue, self.program, rest, self.result.mvc_cmH2O)
        if view != self._cue:
            self._cue = view
            self.listener.cue(view)
        if cue.phase is Phase.DONE:
            self.stage = Stage.DONE
            self.result.completed = True

    # -- the end ----------------------------------------------------------------------------

    def finish(self) -> SessionResult:
        """Close the recording, flush the detector and report the result (once)."""
        if self._finished:
            return self.result
        self._finished = True
        if self.detector is not None:
            tail = self.detector.finish()
            if self.coach is not None and tail:
                self.coach.update(self.trace.t_last or 0.0, tail)
            self.result.repetitions = list(self.detector.repetitions)
        if self._recorder is not None:
            self._recorder.close()
            self._recorder = None
        if self.coach is not None:
            self.result.scores = list(self.coach.scores)
        self.result.samples = self.samples
        self.stage = Stage.DONE
        self.listener.finished(self.result)
        return self.result
