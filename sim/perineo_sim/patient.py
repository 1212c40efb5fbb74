"""A simulated patient who follows the assessment's cues by herself (``perineo assess --sim``).

She has her own maximal squeeze and her own endurance. Asked for the first hold of the
endurance step she holds as long as she can (her endurance, or until the cue ends); asked
then to repeat it, she keeps it — about as long as the first, never past the cue — for a
number of repetitions of her own, and after that she loses it: the squeeze fades and she
lets go well short (``perineo_sim.behaviour.repeated_hold_s``, as in the PERFECT
scenarios). A redo of the step starts her count again.

The ``sim-patient`` source kind (:func:`perineo.sources.registry.open_source`): she is both
the sample source and the assessment's cue follower (``follow(prompt)``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from perineo.assess.guide import Prompt, PromptKind
from perineo.assess.model import Step
from perineo_sim.behaviour import repeated_hold_s
from perineo_sim.live import LivePerson
from perineo_sim.sources import LiveSimSource, OverLiveSim

FAST_HOLD_S = 0.2  # a 1-s fast contraction: up, a moment at the top, down
POWER_HOLD_S = 3.0
ENDURANCE_S = (5.0, 10.0)  # her endurance, unless given
KEPT = (2, 10)  # how many repetitions of the first hold she keeps (inclusive), unless given
MIN_HOLD_S = 1.0


class SimPatient(OverLiveSim):
    """The cue follower of the assessment session over a live simulation, and its source.

    ``duration_s`` ends the stream then (default: run until closed).
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        channels: tuple[str, ...] = ("squeeze", "abdominal", "tilt"),
        speed: float = 1.0,
        habits: Mapping[str, float] | None = None,
        endurance_s: float | None = None,
        kept: int | None = None,
        duration_s: float | None = None,
    ) -> None:
        rng = np.random.default_rng(seed)
        self.person = LivePerson(seed, channels=channels, habits=habits or {})
        self.source = LiveSimSource(self.person, speed=speed, duration_s=duration_s)
        # both drawn whatever is given: giving one does not change the other
        endurance = float(rng.uniform(*ENDURANCE_S))
        keeps = int(rng.integers(KEPT[0], KEPT[1] + 1))
        self.endurance_s = endurance if endurance_s is None else endurance_s
        self.kept = keeps if kept is None else kept
        self._rng = rng
        self._holds = 0  # endurance holds in this run of the step
        self._first_s = self.endurance_s  # how long she held the first of them

    def follow(self, prompt: Prompt) -> None:
        if prompt.kind is PromptKind.STEP and prompt.step is Step.ENDURANCE:
            self._holds = 0  # the step begins, or is redone: she has rested
            return
        if prompt.kind is not PromptKind.SQUEEZE:
            return
        cue = max(prompt.at_s, self.person.now_s)
        if prompt.step is Step.FAST:
            self.person.follow_cue(cue, hold_s=FAST_HOLD_S)
        elif prompt.step is Step.POWER:
            self.person.follow_cue(cue, hold_s=POWER_HOLD_S)
        elif prompt.step is Step.ENDURANCE:
            self.person.follow_cue(cue, hold_s=max(MIN_HOLD_S, self._endurance_hold(prompt)))

    def _endurance_hold(self, prompt: Prompt) -> float:
        """The first hold as long as she can; then ``kept`` repetitions of it, then lost."""
        n, self._holds = self._holds, self._holds + 1
        if n == 0:
            self._first_s = min(prompt.hold_s, self.endurance_s)
            return self._first_s
        if n <= self.kept:
            return min(prompt.cue_s, repeated_hold_s(self._rng, self._first_s, kept=True))
        return repeated_hold_s(self._rng, self._first_s, kept=False)
