"""The data path of a guided assessment: source → detector → guide → listener.

No Textual here: the screen implements :class:`AssessListener` by posting messages. Each
contraction is announced when its onset is seen and classified when it is final, while the
assessment runs; the PERFECT numbers are computed from the whole recording at the end.
When the first hold of the endurance step is final, the guide is told how long she held it
(from her cue to her release): the repetitions after it are cued that long.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from perineo.assess.guide import GuideRunner, Prompt, PromptKind
from perineo.assess.model import Movement, Perfect, Step, StepSpan
from perineo.assess.scheme import brief, perfect, step_at
from perineo.assess.technique import movement
from perineo.errors import PerineoError
from perineo.lab.hook import LabListener
from perineo.samples import SampleBlock, SourceStatus, StatusKind
from perineo.signal.detect import Detector
from perineo.signal.events import Event, EventKind, Repetition
from perineo.sources.base import SampleSource
from perineo.store.recording import RecordingWriter


@dataclass(frozen=True)
class LiveContraction:
    """A contraction as the clinician sees it: announced at onset, classified when final."""

    number: int  # 1-based, over the whole assessment
    step: Step | None  # None: in a redone attempt (not counted)
    onset_s: float
    final: bool
    peak_cmH2O: float | None = None
    hold_s: float | None = None
    movement: Movement | None = None
    errors: tuple[str, ...] = ()
    cancelled: bool = False  # the rise was a cough or a knock: not a contraction


@dataclass(frozen=True)
class AssessOutcome:
    block: SampleBlock | None
    steps: tuple[StepSpan, ...]
    result: Perfect | None
    complete: bool  # every step ran (False: stopped early)


class AssessListener(Protocol):
    def prompt(self, prompt: Prompt) -> None: ...
    def contraction(self, c: LiveContraction) -> None: ...
    def samples(self, block: SampleBlock, baseline_cmH2O: float) -> None: ...
    def finished(self, outcome: AssessOutcome) -> None: ...


class CueFollower(Protocol):
    """A simulated patient: told every prompt at the stream time it falls due."""

    def follow(self, prompt: Prompt) -> None: ...


TAIL_S = 3.0  # keep listening after the last cue: the last contraction's fall and rest
ANTICIPATE_S = 1.0  # a squeeze begun this long before a cue (she saw it coming) answers it


class AssessSession:
    """Runs one assessment over ``source``; ``redo``/``skip``/``stop`` come from the keys."""

    def __init__(
        self,
        source: SampleSource,
        listener: AssessListener,
        *,
        runner: GuideRunner | None = None,
        follower: CueFollower | None = None,
        steps_from_cues: bool = True,
        recording_path: Path | None = None,
    ) -> None:
        self.source = source
        # samples go to disk as they arrive: a crash loses at most the last second
        self.recording_path = recording_path
        self._recorder: RecordingWriter | None = None
        self.recording_failed = False
        self.steps_from_cues = steps_from_cues  # False: a scripted recording, steps inferred
        self.listener = listener
        self.runner = runner or GuideRunner()
        self.follower = follower
        self.detector = Detector(source.channels)
        self.blocks: list[SampleBlock] = []
        self.now_s: float | None = None
        self._stop = False
        self._done_s: float | None = None
        self._asks: list[str] = []
        self._hold_cues: list[float] = []  # the endurance step's squeeze cues (this run)
        self.lab: LabListener | None = None  # --lsl (perineo.lab)

    def redo(self) -> None:
        self._asks.append("redo")

    def skip(self) -> None:
        self._asks.append("skip")

    def stop(self) -> None:
        self._stop = True

    def _emit(self, prompts: Sequence[Prompt]) -> None:
        for p in prompts:
            if p.kind is PromptKind.STEP:
                self._hold_cues = []  # a step (or its redo) begins
            elif p.kind is PromptKind.SQUEEZE and p.step is Step.ENDURANCE:
                self._hold_cues.append(p.at_s)
            if self.follower is not None:
                self.follower.follow(p)
            if self.lab is not None:
                self.lab.prompt(p)
            self.listener.prompt(p)

    async def run(self) -> AssessOutcome:
        stream = self.source.stream()
        try:
            async for item in stream:
                if isinstance(item, SourceStatus):
                    # gaps are seen in the timestamps, as in `perineo report` on the same
                    # recording: the live numbers and the report's come from one code path
                    if item.kind is StatusKind.ENDED:
                        break
                    continue
                if len(item) == 0:
                    continue
                self._block(item)
                if self._stop:
                    break
                if self.runner.finished and self.now_s is not None and self._done_s is None:
                    self._done_s = self.now_s
                if self._done_s is not None and self.now_s - self._done_s >= TAIL_S:
                    break
        finally:
            await self.source.close()
        return self._finish()

    def _block(self, block: SampleBlock) -> None:
        now = float(block.t[-1])
        if self.now_s is None:
            self._emit(self.runner.start(float(block.t[0])))
        self.now_s = now
        self.blocks.append(block)
        self._record(block)
        if self.lab is not None:
            self.lab.samples(block)
        self._events(self.detector.push(block))
        self.listener.samples(block, self.detector.baseline_cmH2O)
        while self._asks:
            ask = self._asks.pop(0)
            self._emit(self.runner.redo(now) if ask == "redo" else self.runner.skip(now))
        self._emit(self.runner.advance(now))

    def _events(self, events: Sequence[Event]) -> None:
        if self.lab is not None:
            self.lab.events(events)
        spans = self._spans_so_far()
        for e in events:
            if e.kind is EventKind.ONSET:
                self.listener.contraction(
                    LiveContraction(e.rep + 1, step_at(spans, e.t), e.t, final=False)
                )
            elif e.kind is EventKind.ONSET_CANCELLED:
                self.listener.contraction(
                    LiveContraction(e.rep + 1, step_at(spans, e.t), e.t, final=True, cancelled=True)
                )
            elif e.kind is EventKind.REPETITION and e.repetition is not None:
                r = e.repetition
                step = step_at(spans, r.onset_s)
                self.listener.contraction(
                    LiveContraction(
                        r.index + 1,
                        step,
                        r.onset_s,
                        final=True,
                        peak_cmH2O=r.peak_cmH2O,
                        hold_s=r.hold_s,
                        movement=movement(r),
                        errors=tuple(x.value for x in r.errors),
                    )
                )
                if step is Step.ENDURANCE:
                    self._first_hold(r)

    def _first_hold(self, r: Repetition) -> None:
        """The first real hold of the running endurance step is final: its repetitions are
        cued as long as she held it, from the cue she answered to her release."""
        g = self.runner.current
        if g is None or g.step is not Step.ENDURANCE or self.runner.repeat_hold_s is not None:
            return
        if movement(r) is Movement.PUSH_DOWN or brief(r.onset_s, r.end_s) or r.release_s is None:
            return  # no hold attempt: a push-down, a twitch or a knock
        cue = next((c for c in reversed(self._hold_cues) if c <= r.onset_s + ANTICIPATE_S), None)
        if cue is not None:  # (a squeeze long before the first cue answers none)
            self.runner.repeat_hold(r.release_s - cue)

    def _record(self, block: SampleBlock) -> None:
        if self.recording_path is None or self.recording_failed:
            return
        try:
            if self._recorder is None:
                self._recorder = RecordingWriter(self.recording_path, block.channels)
            self._recorder.write(block)
        except PerineoError:
            # the disk refused: keep what was written, the assessment itself goes on
            self.recording_failed = True
            recorder, self._recorder = self._recorder, None
            if recorder is not None:
                with contextlib.suppress(PerineoError, OSError):
                    recorder.close()

    def _spans_so_far(self) -> tuple[StepSpan, ...]:
        g = self.runner.current
        open_span = () if g is None else (StepSpan(g.step, self.runner.step_start_s, math.inf),)
        return (*self.runner.spans, *open_span)

    def _finish(self) -> AssessOutcome:
        if self._recorder is not None:
            with contextlib.suppress(PerineoError, OSError):
                self._recorder.close()
            self._recorder = None
        self._events(self.detector.finish())
        complete = self.runner.finished
        if not complete and self.now_s is not None:
            self.runner.skip(self.now_s)  # close the step that was running
        steps = tuple(self.runner.spans)
        if not self.blocks:
            outcome = AssessOutcome(None, steps, None, complete)
        else:
            block = SampleBlock.concat(self.blocks)
            used = steps if self.steps_from_cues else None
            result = perfect(block, self.detector.repetitions, used)
            steps = result.steps
            outcome = AssessOutcome(block, steps, result, complete)
        self.listener.finished(outcome)
        return outcome
