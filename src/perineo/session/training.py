"""Training on the live pipeline: calibration, then the coach, scoring every repetition.

:class:`Trainer` is a listener of the pipeline: it hears every block with its detector
events, runs the calibration and then the coach, tells a cue-following (simulated) person
what is asked, keeps the scores in the training journal, and publishes the calibration's
progress, the coach's cues and the scores through the pipeline's fan-out, so every other
listener (the screen, a stream outlet) hears them. :class:`LiveSession` puts a pipeline and
a trainer together: what ``perineo train`` runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from perineo.paths import ensure_private_dir
from perineo.program.calibration import Calibration, Calibrator, CalStep
from perineo.program.coach import Coach, Cue, Phase
from perineo.program.model import Program
from perineo.program.scoring import RepScore, Summary, summarize
from perineo.samples import Channel, SampleBlock
from perineo.session.journal import SessionJournal
from perineo.session.listener import CalibrationUpdate, Listener, PipelineEnd, Quiet
from perineo.session.pipeline import Pipeline
from perineo.signal.events import Event, EventKind, Repetition
from perineo.sources.base import SampleSource
from perineo.store.sessions import SessionStatus

LAST_REP_WAIT_S = 8.0  # stream time to wait, after the program is done, for the last score
# the coach's phases while a repetition is under way (its fall not yet over)
_UNDER_WAY = (Phase.RISING, Phase.HOLD, Phase.QUICK, Phase.LET_GO, Phase.RELEASING)


class Stage(StrEnum):
    CONNECTING = "connecting"
    CALIBRATING = "calibrating"
    TRAINING = "training"
    DONE = "done"


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


class Trainer(Quiet):
    """Calibration, then the program's coaching, over the blocks the pipeline hears."""

    def __init__(
        self,
        pipeline: Pipeline,
        program: Program,
        *,
        reps_per_set: int | None = None,
        sets: int | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.out = pipeline.fanout
        self.journal = pipeline.journal
        self.program = program
        self.reps_per_set = reps_per_set
        self.sets = sets
        source = pipeline.source
        self.follower = source if isinstance(source, CueFollower) else None
        self.stage = Stage.CONNECTING
        self.calibrator: Calibrator | None = None
        self.coach: Coach | None = None
        self.can_see_push_down = True
        self.result = SessionResult(program, recording=pipeline.recording)
        self._cal_start = 0.0
        self._reps: dict[int, Repetition] = {}
        self._open_reps: set[int] = set()  # onsets not yet final or cancelled
        # repetition index -> whether its onset was heard while training: the coach and the
        # scores take a squeeze alike, by when its onset was announced (the onset's own time
        # may be dated back before training began, the repetition's after)
        self._onsets: dict[int, bool] = {}
        self._train_start_s = 0.0
        self._done_at: float | None = None
        self._scored = 0
        self._last_onset: int | None = None  # the newest repetition's index
        self._tail_started = False
        self._unfinished: int | None = None  # the repetition under way when the session ended

    # -- the pipeline's calls ---------------------------------------------------------------

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        # with squeeze alone a lift cannot be told from bearing down (docs/design.md)
        self.can_see_push_down = bool({Channel.ABDOMINAL, Channel.TILT} & set(channels))
        self.stage = Stage.CALIBRATING

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        self._keep(events)
        now = float(block.t[-1])
        if self.stage is Stage.CALIBRATING:
            self._calibrate(now, events)
        elif self.stage is Stage.TRAINING:
            self._train(now, events)

    def events(self, events: Sequence[Event]) -> None:
        self._keep(events)
        # the final flush: the coach hears it at once. A gap the source reported is kept,
        # but not shown as a warning: the coach warns of the detector's own gaps only
        if self.pipeline.stopping:
            self._coach_tail(events)

    def finished(self, end: PipelineEnd) -> None:
        result = self.result
        result.samples = end.samples
        if self.coach is not None:
            result.scores = list(self.coach.scores)
            result.repetitions = [
                self._reps[s.index] for s in result.scores if s.index in self._reps
            ]
        if result.scores:
            result.summary = summarize(result.repetitions, result.scores, self.program)
        if self.journal is not None and end.started:
            status = SessionStatus.DONE if result.completed else SessionStatus.STOPPED
            result.session_id = self.journal.finish(result.summary, status)
        self.stage = Stage.DONE

    # -- asked by the user ------------------------------------------------------------------

    def toggle_pause(self) -> bool:
        """Pause or resume the coaching (the recording and the trace go on)."""
        if self.stage is Stage.TRAINING:
            self.pipeline.set_paused(not self.pipeline.paused)
        return self.pipeline.paused

    def use_calibration(self, calibration: Calibration, cal_id: int | None = None) -> None:
        """Train with ``calibration``: just measured, or a stored one (``cal_id``) reused."""
        self.result.calibration = calibration
        if self.journal is not None:
            self.result.session_id = self.journal.start(calibration, cal_id)
        self.coach = Coach(
            self.program,
            reps_per_set=self.reps_per_set,
            sets=self.sets,
            keep_level_cmH2O=calibration.keep_level_cmH2O(self.program),
        )
        self._train_start_s = self.pipeline.now_s or 0.0
        self.stage = Stage.TRAINING

    # -- calibration ------------------------------------------------------------------------

    def _keep(self, events: Iterable[Event]) -> None:
        for ev in events:
            if ev.kind is EventKind.ONSET:
                self._last_onset = ev.rep
                self._open_reps.add(ev.rep)
                # a squeeze begun while paused was asked for by nobody: it is not a
                # repetition (it was scored, often near 0, as the first after resuming)
                training = self.stage is Stage.TRAINING
                self._onsets[ev.rep] = training and not self.pipeline.paused
                if training and self.pipeline.paused and self.journal is not None:
                    self.journal.uncounted(ev.rep, ev.t)  # so recovery does not count it
            elif ev.kind is EventKind.ONSET_CANCELLED:
                self._open_reps.discard(ev.rep)
            elif ev.kind is EventKind.REPETITION and ev.repetition is not None:
                self._reps[ev.repetition.index] = ev.repetition
                self._open_reps.discard(ev.repetition.index)

    def _calibrate(self, now: float, events: Sequence[Event]) -> None:
        detector = self.pipeline.detector
        assert detector is not None
        if self.calibrator is None:
            self._cal_start = now
            chans = tuple(c.value for c in detector.channels)
            self.calibrator = Calibrator(start_s=now, channels=chans)
        step = self.calibrator.update(now, events, detector.baseline_cmH2O)
        if self.follower is not None:
            self.follower.follow(step, now)
        self.out.calibration(CalibrationUpdate(step, self.calibrator.s, now - self._cal_start))
        if step.result is not None:
            self.use_calibration(step.result)

    # -- training ---------------------------------------------------------------------------

    def _train(self, now: float, events: Sequence[Event]) -> None:
        coach = self.coach
        assert coach is not None
        # the coach hears every event, also while paused, so it never loses its place;
        # but not those of a squeeze that began before training did (calibration's last)
        # or while paused
        cue = coach.update(now, [e for e in events if self._in_training(e)])
        self._report_scores(coach.scores)
        if self.pipeline.paused:  # the paused cue stays up and nobody is asked to squeeze
            return
        if self.follower is not None:
            self.follower.follow(cue, now)
        self.out.cue(cue)
        if cue.phase is Phase.DONE:
            # the last repetition is final a moment after its fall: wait for its score
            self._done_at = now if self._done_at is None else self._done_at
            if not self._open_reps or now - self._done_at >= LAST_REP_WAIT_S:
                self.result.completed = True
                self.stage = Stage.DONE
                self.pipeline.stop()

    def _coach_tail(self, events: Sequence[Event]) -> None:
        if self.coach is None:
            return
        if not self._tail_started:
            # ended (by her, or the source) in the middle of a repetition: it is dropped, not
            # scored as a failure of what she never had the chance to finish
            self._tail_started = True
            if self.coach.phase in _UNDER_WAY:
                self._unfinished = self._last_onset
        kept = [e for e in events if self._in_training(e) and e.rep != self._unfinished]
        if not kept:
            return
        self.coach.update(self.pipeline.now_s or 0.0, kept)
        self._report_scores(self.coach.scores)

    def _in_training(self, ev: Event) -> bool:
        rep = ev.repetition
        heard = self._onsets.get(ev.rep if rep is None else rep.index)
        if heard is not None:
            return heard
        if ev.kind is EventKind.REPETITION and rep is not None:
            return rep.onset_s >= self._train_start_s
        return True

    def _report_scores(self, scores: list[RepScore]) -> None:
        # a score is final when the coach gives it: stored once, told once, the same
        while self._scored < len(scores):
            score = scores[self._scored]
            if self.journal is not None and score.index in self._reps:
                self.journal.scored(self._reps[score.index], score)
            self._scored += 1
            self.out.scored(score)


class LiveSession:
    """A training session: the pipeline with a :class:`Trainer` first among its listeners.

    With a ``journal`` the session, its events, calibration and scores go to the training
    record as they happen; with a ``recording_path`` the samples go to that file.
    """

    def __init__(
        self,
        source: SampleSource,
        program: Program,
        listeners: Iterable[Listener] = (),
        *,
        recording_path: Path | None = None,
        journal: SessionJournal | None = None,
        reps_per_set: int | None = None,
        sets: int | None = None,
    ) -> None:
        if recording_path is not None:
            ensure_private_dir(recording_path.parent)
        self.pipeline = Pipeline(source, recording=recording_path, journal=journal)
        self.trainer = Trainer(self.pipeline, program, reps_per_set=reps_per_set, sets=sets)
        self.pipeline.add(self.trainer)
        for listener in listeners:
            self.pipeline.add(listener)

    @property
    def stage(self) -> Stage:
        return self.trainer.stage

    @property
    def result(self) -> SessionResult:
        return self.trainer.result

    @property
    def paused(self) -> bool:
        return self.pipeline.paused

    @property
    def samples(self) -> int:
        return self.pipeline.samples

    async def run(self) -> SessionResult:
        await self.pipeline.run()
        return self.trainer.result

    def stop(self) -> None:
        self.pipeline.stop()

    def toggle_pause(self) -> bool:
        return self.trainer.toggle_pause()

    def use_calibration(self, calibration: Calibration, cal_id: int | None = None) -> None:
        self.trainer.use_calibration(calibration, cal_id)
