"""The guided assessment on the live pipeline: source → recording → detector → guide → listener.

No Textual here: the screen implements :class:`AssessListener` by posting messages. Each
contraction is announced when its onset is seen and classified when it is final, while the
assessment runs; the PERFECT numbers are computed from the whole recording at the end.
When the first hold of the endurance step is final, the guide is told how long she held it
(from her cue to her release): the repetitions after it are cued that long.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from perineo.assess.guide import GuideRunner, Prompt, PromptKind
from perineo.assess.model import Contraction, Movement, Perfect, Step, StepSpan, held_floor
from perineo.assess.scheme import brief, measured_so_far, perfect, step_at
from perineo.assess.technique import movement
from perineo.samples import Channel, SampleBlock
from perineo.session.listener import Listener, PipelineEnd, Quiet
from perineo.session.pipeline import Gaps, Pipeline
from perineo.signal.events import Event, EventKind, Repetition
from perineo.sources.base import SampleSource


@dataclass(frozen=True)
class LiveContraction:
    """A contraction as the clinician sees it: announced at onset, classified when final."""

    number: int  # 1-based, over the whole assessment
    step: Step | None  # None: in a redone attempt (not counted)
    onset_s: float
    final: bool
    peak_cmH2O: float | None = None
    hold_s: float | None = None  # E's measure, to the tenth below (as the report shows it)
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


class AssessSession(Quiet):
    """Runs one assessment over ``source``; ``redo``/``skip``/``stop`` come from the keys.

    A thin driver over the live pipeline (:mod:`perineo.session.pipeline`), which writes the
    recording, runs the detector and keeps the session going when the disk is full; this
    class is the pipeline's listener that runs the guide.
    """

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
        self.steps_from_cues = steps_from_cues  # False: a scripted recording, steps inferred
        self.listener = listener
        self.runner = runner or GuideRunner()
        self.follower = follower
        self.pipeline: Pipeline | None = None
        self.blocks: list[SampleBlock] = []
        self._reps: list[Repetition] = []  # the repetitions so far (E of a hold needs them)
        self.now_s: float | None = None
        self._stop = False
        self._done_s: float | None = None
        self._asks: list[str] = []
        self._hold_cues: list[float] = []  # the endurance step's squeeze cues (this run)
        self.outcome: AssessOutcome | None = None
        # more of the pipeline's listeners (an LSL outlet's bridge) and who else hears the
        # prompts (the outlet), added by the command that runs the assessment
        self.listeners: list[Listener] = []
        self.prompt_hooks: list[Callable[[Prompt], None]] = []

    @property
    def recording_failed(self) -> bool:
        return self.pipeline is not None and self.pipeline.recording_failed

    def redo(self) -> None:
        self._asks.append("redo")

    def skip(self) -> None:
        self._asks.append("skip")

    @property
    def stopping(self) -> bool:
        """``stop`` was asked (the assessment is ending)."""
        return self._stop

    def stop(self) -> None:
        self._stop = True
        if self.pipeline is not None:
            self.pipeline.stop()

    def _emit(self, prompts: Sequence[Prompt]) -> None:
        for p in prompts:
            if p.kind is PromptKind.STEP:
                self._hold_cues = []  # a step (or its redo) begins
            elif p.kind is PromptKind.SQUEEZE and p.step is Step.ENDURANCE:
                self._hold_cues.append(p.at_s)
            if self.follower is not None:
                self.follower.follow(p)
            for hook in self.prompt_hooks:
                hook(p)
            self.listener.prompt(p)

    async def run(self) -> AssessOutcome:
        # made here: the command sets the recording path after building the session
        # gaps as `perineo report` sees them on the recording: the live numbers are the report's
        self.pipeline = Pipeline(
            self.source, recording=self.recording_path, gaps=Gaps.FROM_TIMES, listeners=[self]
        )
        for listener in self.listeners:
            self.pipeline.add(listener)
        if self._stop:
            self.pipeline.stop()
        await self.pipeline.run()
        assert self.outcome is not None
        return self.outcome

    # -- the pipeline's calls ---------------------------------------------------------------

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        self._emit(self.runner.start(t0_s))

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        detector = None if self.pipeline is None else self.pipeline.detector
        assert self.pipeline is not None and detector is not None
        now = float(block.t[-1])
        self.now_s = now
        self.blocks.append(block)
        self._events(events)
        self.listener.samples(block, detector.baseline_cmH2O)
        while self._asks:
            ask = self._asks.pop(0)
            self._emit(self.runner.redo(now) if ask == "redo" else self.runner.skip(now))
        self._emit(self.runner.advance(now))
        if self.runner.finished and self._done_s is None:
            self._done_s = now
        if self._done_s is not None and now - self._done_s >= TAIL_S:
            self.pipeline.stop()

    def events(self, events: Sequence[Event]) -> None:
        self._events(events)

    def finished(self, end: PipelineEnd) -> None:
        self.outcome = self._finish()

    # -- the guide --------------------------------------------------------------------------
    def _events(self, events: Sequence[Event]) -> None:
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
                measured = self._measured(r)
                held = None if measured is None or r.hold_start_s is None else measured.held_s
                self._reps.append(r)
                self.listener.contraction(
                    LiveContraction(
                        r.index + 1,
                        step,
                        r.onset_s,
                        final=True,
                        peak_cmH2O=r.peak_cmH2O if measured is None else measured.peak_cmH2O,
                        hold_s=None if held is None else held_floor(held, 1),
                        movement=movement(r),
                        errors=tuple(x.value for x in r.errors),
                    )
                )
                if step is Step.ENDURANCE and held is not None:
                    self._first_hold(r, held)

    def _measured(self, r: Repetition) -> Contraction | None:
        """``r``'s peak and time held as the report measures them, from the samples so far."""
        if not self.blocks:
            return None
        return measured_so_far(SampleBlock.concat(self.blocks), self._reps, r)

    def _first_hold(self, r: Repetition, held_s: float) -> None:
        """The first real hold of the running endurance step is final: its repetitions ask
        for E, as long as she held it (``held_s``), and are cued as long as it took her from
        the cue she answered to the end of the hold."""
        g = self.runner.current
        if g is None or g.step is not Step.ENDURANCE or self.runner.repeat_hold_s is not None:
            return
        if movement(r) is Movement.PUSH_DOWN or brief(r.onset_s, r.end_s) or r.release_s is None:
            return  # no hold attempt: a push-down, a twitch or a knock
        cue = next((c for c in reversed(self._hold_cues) if c <= r.onset_s + ANTICIPATE_S), None)
        if cue is not None and r.hold_start_s is not None:  # (long before the first cue: none)
            self.runner.repeat_hold(held_s, r.hold_start_s - cue)

    def _spans_so_far(self) -> tuple[StepSpan, ...]:
        g = self.runner.current
        open_span = () if g is None else (StepSpan(g.step, self.runner.step_start_s, math.inf),)
        return (*self.runner.spans, *open_span)

    def _finish(self) -> AssessOutcome:
        detector = None if self.pipeline is None else self.pipeline.detector
        complete = self.runner.finished
        if not complete and self.now_s is not None:
            self.runner.skip(self.now_s)  # close the step that was running
        steps = tuple(self.runner.spans)
        if not self.blocks or detector is None:
            outcome = AssessOutcome(None, steps, None, complete)
        else:
            block = SampleBlock.concat(self.blocks)
            used = steps if self.steps_from_cues else None
            result = perfect(block, detector.repetitions, used)
            steps = result.steps
            outcome = AssessOutcome(block, steps, result, complete)
        self.listener.finished(outcome)
        return outcome
