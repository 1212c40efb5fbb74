"""The guided PERFECT assessment as data and a pure runner driven by stream time.

The runner knows nothing of sources or screens: ``advance(now_s)`` returns the prompts that
fell due, ``redo(now_s)`` restarts the current step, ``skip(now_s)`` moves on, and
``repeat_hold(held, lead)`` sets the rest of the step's cues: PERFECT's R step asks for
repetitions of the first hold, as long as she held it (E). The spans of
the steps as they really ran are what the numbers are computed from; a redone attempt's
contractions fall outside every span and are not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from perineo.assess.model import Step, StepSpan, held_floor
from perineo.assess.texts import GuideText
from perineo.program.texts import Message


class PromptKind(StrEnum):
    STEP = "step"  # a step begins: show its instruction
    SQUEEZE = "squeeze"
    LET_GO = "let_go"
    DONE = "done"


@dataclass(frozen=True)
class GuideStep:
    step: Step
    title: GuideText
    instruction: GuideText
    count: int = 0  # contractions asked for (0: a rest step)
    hold_s: float = 0.0  # how long the squeeze cue lasts (the longest, with repeat_hold)
    rest_s: float = 0.0  # rest after each contraction
    duration_s: float = 0.0  # a rest step's length
    lead_s: float = 3.0  # time to read the instruction before the first cue


PROTOCOL: tuple[GuideStep, ...] = (
    GuideStep(Step.REST, GuideText.REST, GuideText.REST_DO, duration_s=20.0),
    GuideStep(Step.POWER, GuideText.POWER, GuideText.POWER_DO, count=3, hold_s=3.0, rest_s=10.0),
    GuideStep(Step.ENDURANCE, GuideText.ENDURANCE, GuideText.ENDURANCE_DO,
              count=10, hold_s=10.0, rest_s=4.0),
    GuideStep(Step.RECOVERY, GuideText.RECOVERY, GuideText.RECOVERY_DO, duration_s=60.0),
    GuideStep(Step.FAST, GuideText.FAST, GuideText.FAST_DO, count=10, hold_s=1.0, rest_s=1.0),
)  # fmt: skip


@dataclass(frozen=True)
class Prompt:
    kind: PromptKind
    at_s: float
    step: Step | None = None
    number: int = 0  # 1-based contraction number within the step
    hold_s: float = 0.0  # the hold asked for (a repetition: E, whole seconds)
    message: Message | None = None  # what to say (a key and its values: perineo.locale)
    repeat: bool = False  # a squeeze asked to last as long as the step's first hold
    lasts_s: float | None = None  # squeeze cue to let-go, when longer than hold_s (R step)

    @property
    def cue_s(self) -> float:
        """How long the squeeze cue lasts, to its let-go."""
        return self.hold_s if self.lasts_s is None else self.lasts_s


def repeat_cue(held_s: float, lead_s: float, longest_s: float) -> tuple[float, float]:
    """The cue of a repetition of the first hold, held ``held_s`` (E's measure) after
    ``lead_s`` from its cue to the start of the hold (her reaction and rise).

    It asks for E, the whole seconds she held (rounded down, as the PERFECT line gives
    it; at least 1 s, at most the step's own cue), and lasts as long as the first took,
    cue to the end of the hold (at most the step's cue): ``(asked_s, lasts_s)``."""
    if not (math.isfinite(held_s) and math.isfinite(lead_s)):
        raise ValueError(f"a hold of {held_s} s after {lead_s} s cannot be repeated")
    asked = float(min(max(held_floor(held_s), 1.0), longest_s))
    return asked, min(max(lead_s, 0.0) + max(held_s, asked), longest_s)


class GuideRunner:
    """Where the assessment stands; advanced by stream time (seconds)."""

    def __init__(self, protocol: tuple[GuideStep, ...] = PROTOCOL) -> None:
        if not protocol:
            raise ValueError("an assessment needs at least one step")
        self.protocol = protocol
        self.index = -1
        self.step_start_s = 0.0
        self.spans: list[StepSpan] = []
        self._next = 0  # next contraction cue within the step (0-based)
        self._offset_s = 0.0  # the next cue (or the step's end), from the first cue
        self._let_go_due: float | None = None
        self.repeat_hold_s: float | None = None  # the hold the repetitions ask for (E)
        self._repeat_lasts_s = 0.0  # ... and how long their cue lasts
        self.finished = False

    @property
    def current(self) -> GuideStep | None:
        return self.protocol[self.index] if 0 <= self.index < len(self.protocol) else None

    def start(self, now_s: float) -> list[Prompt]:
        return self._begin(0, now_s)

    def _begin(self, index: int, now_s: float) -> list[Prompt]:
        self.index = index
        self._next = 0
        self._offset_s = 0.0
        self._let_go_due = None
        self.repeat_hold_s = None  # a redo measures the first hold again
        if index >= len(self.protocol):
            self.finished = True
            return [Prompt(PromptKind.DONE, now_s, message=Message.of(GuideText.DONE))]
        self.step_start_s = now_s
        g = self.protocol[index]
        text = Message.of(GuideText.STEP, title=g.title, instruction=g.instruction)
        return [Prompt(PromptKind.STEP, now_s, g.step, message=text)]

    def _close(self, now_s: float) -> None:
        g = self.current
        if g is not None:
            self.spans.append(StepSpan(g.step, self.step_start_s, now_s))

    def repeat_hold(self, held_s: float, lead_s: float = 0.0) -> None:
        """The rest of this step's cues ask for a repetition of its first hold, held
        ``held_s`` (E's measure) after ``lead_s`` from her cue (see :func:`repeat_cue`).
        The cues after it follow; a redo of the step clears it."""
        g = self.current
        if self.finished or g is None or not g.count:
            return
        self.repeat_hold_s, self._repeat_lasts_s = repeat_cue(held_s, lead_s, g.hold_s)

    def _due_s(self, g: GuideStep) -> float:
        """When the next cue falls due (or, after the last, the step ends)."""
        return self.step_start_s + g.lead_s + self._offset_s

    def advance(self, now_s: float) -> list[Prompt]:
        """Prompts due by ``now_s`` (in order); moves to the next step when one is over."""
        out: list[Prompt] = []
        while not self.finished:
            g = self.current
            assert g is not None
            if self._let_go_due is not None and now_s >= self._let_go_due:
                out.append(Prompt(PromptKind.LET_GO, self._let_go_due, g.step, self._next))
                self._let_go_due = None
                continue
            if g.count and self._next < g.count:
                due = self._due_s(g)
                if now_s < due:
                    break
                self._next += 1
                out.append(self._squeeze(g, due))
                continue
            # a step of cues ends when the next cue would fall due; a rest step, when it ends
            end = self._due_s(g) if g.count else self.step_start_s + g.duration_s
            if now_s >= end and self._let_go_due is None:
                self._close(end)
                out += self._begin(self.index + 1, end)
                continue
            break
        return out

    def _squeeze(self, g: GuideStep, due: float) -> Prompt:
        """The cue now due; the next is due after its hold and the step's rest."""
        hold, lasts, text = g.hold_s, g.hold_s, Message.of(GuideText.SQUEEZE)
        if self.repeat_hold_s is not None:
            hold, lasts = self.repeat_hold_s, self._repeat_lasts_s
            text = Message.of(GuideText.REPEAT, hold=hold)
        self._let_go_due = due + lasts
        self._offset_s += lasts + g.rest_s
        repeat = self.repeat_hold_s is not None
        return Prompt(
            PromptKind.SQUEEZE, due, g.step, self._next, hold, text, repeat, lasts_s=lasts
        )

    def skip(self, now_s: float) -> list[Prompt]:
        """End the current step now (the clinician saw enough) and start the next."""
        if self.finished:
            return []
        self._close(now_s)
        return self._begin(self.index + 1, now_s)

    def redo(self, now_s: float) -> list[Prompt]:
        """Start the current step again; what was done in it so far is not counted."""
        if self.finished:
            return []
        return self._begin(self.index, now_s)

    def elapsed_in_step(self, now_s: float) -> float:
        return max(0.0, now_s - self.step_start_s)
