"""The guided PERFECT assessment as data and a pure runner driven by stream time.

The runner knows nothing of sources or screens: ``advance(now_s)`` returns the prompts that
fell due, ``redo(now_s)`` restarts the current step, ``skip(now_s)`` moves on. The spans of
the steps as they really ran are what the numbers are computed from; a redone attempt's
contractions fall outside every span and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from perineo.assess.model import Step, StepSpan


class PromptKind(StrEnum):
    STEP = "step"  # a step begins: show its instruction
    SQUEEZE = "squeeze"
    LET_GO = "let_go"
    DONE = "done"


@dataclass(frozen=True)
class GuideStep:
    step: Step
    title: str
    instruction: str
    count: int = 0  # contractions asked for (0: a rest step)
    hold_s: float = 0.0  # how long the squeeze cue lasts
    rest_s: float = 0.0  # rest after each contraction
    duration_s: float = 0.0  # a rest step's length
    lead_s: float = 3.0  # time to read the instruction before the first cue

    @property
    def cycle_s(self) -> float:
        return self.hold_s + self.rest_s

    @property
    def length_s(self) -> float:
        if self.count == 0:
            return self.duration_s
        return self.lead_s + self.count * self.cycle_s


PROTOCOL: tuple[GuideStep, ...] = (
    GuideStep(Step.REST, "Rest", "Lie still and breathe normally: measuring the resting level.",
              duration_s=20.0),
    GuideStep(Step.POWER, "Power", "Three maximal contractions: squeeze and lift as hard as you "
              "can, then let go fully.", count=3, hold_s=3.0, rest_s=10.0),
    GuideStep(Step.ENDURANCE, "Endurance and repetitions", "Squeeze as hard as you can and hold "
              "(up to 10 s); let go fully; 4 s rest; again, up to 10 times.",
              count=10, hold_s=10.0, rest_s=4.0),
    GuideStep(Step.RECOVERY, "Rest", "A minute's rest before the fast contractions.",
              duration_s=60.0),
    GuideStep(Step.FAST, "Fast contractions", "Quick maximal squeezes of one second, letting go "
              "fully between them, up to 10.", count=10, hold_s=1.0, rest_s=1.0),
)  # fmt: skip


@dataclass(frozen=True)
class Prompt:
    kind: PromptKind
    at_s: float
    step: Step | None = None
    number: int = 0  # 1-based contraction number within the step
    hold_s: float = 0.0
    text: str = ""


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
        self._let_go_due: float | None = None
        self.finished = False

    @property
    def current(self) -> GuideStep | None:
        return self.protocol[self.index] if 0 <= self.index < len(self.protocol) else None

    def start(self, now_s: float) -> list[Prompt]:
        return self._begin(0, now_s)

    def _begin(self, index: int, now_s: float) -> list[Prompt]:
        self.index = index
        self._next = 0
        self._let_go_due = None
        if index >= len(self.protocol):
            self.finished = True
            return [Prompt(PromptKind.DONE, now_s, text="Assessment complete.")]
        self.step_start_s = now_s
        g = self.protocol[index]
        return [Prompt(PromptKind.STEP, now_s, g.step, text=f"{g.title}: {g.instruction}")]

    def _close(self, now_s: float) -> None:
        g = self.current
        if g is not None:
            self.spans.append(StepSpan(g.step, self.step_start_s, now_s))

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
                due = self.step_start_s + g.lead_s + self._next * g.cycle_s
                if now_s < due:
                    break
                self._next += 1
                self._let_go_due = due + g.hold_s
                out.append(
                    Prompt(PromptKind.SQUEEZE, due, g.step, self._next, g.hold_s, "Squeeze!")
                )
                continue
            if now_s >= self.step_start_s + g.length_s and self._let_go_due is None:
                end = self.step_start_s + g.length_s
                self._close(end)
                out += self._begin(self.index + 1, end)
                continue
            break
        return out

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
