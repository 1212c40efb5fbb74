"""A simulated patient who follows the assessment's cues by herself (``perineo assess --sim``).

She has her own maximal squeeze and her own endurance: asked to hold for 10 s she lets go
when she can no longer hold, a little sooner with every repetition as she tires.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from perineo.assess.guide import Prompt, PromptKind
from perineo.assess.model import Step
from perineo.sources.sim import LiveSimSource
from perineo_sim import LivePerson

FAST_HOLD_S = 0.2  # a 1-s fast contraction: up, a moment at the top, down
POWER_HOLD_S = 3.0
TIRE_PER_HOLD = 0.04  # each repetition of the endurance hold is ~4 % shorter


class SimPatient:
    """The cue follower of :class:`perineo.assess.live.AssessSession` over a live simulation."""

    def __init__(
        self,
        seed: int = 0,
        *,
        channels: tuple[str, ...] = ("squeeze", "abdominal", "tilt"),
        speed: float = 1.0,
        habits: Mapping[str, float] | None = None,
        endurance_s: float | None = None,
    ) -> None:
        rng = np.random.default_rng(seed)
        self.person = LivePerson(seed, channels=channels, habits=habits or {})
        self.source = LiveSimSource(self.person, speed=speed)
        self.endurance_s = float(rng.uniform(5.0, 10.0)) if endurance_s is None else endurance_s
        self._rng = rng
        self._holds = 0

    def follow(self, prompt: Prompt) -> None:
        if prompt.kind is not PromptKind.SQUEEZE:
            return
        cue = max(prompt.at_s, self.person.now_s)
        if prompt.step is Step.FAST:
            self.person.follow_cue(cue, hold_s=FAST_HOLD_S)
        elif prompt.step is Step.POWER:
            self.person.follow_cue(cue, hold_s=POWER_HOLD_S)
        elif prompt.step is Step.ENDURANCE:
            tired = max(0.3, 1.0 - TIRE_PER_HOLD * self._holds)
            hold = min(prompt.hold_s, self.endurance_s * tired * self._rng.uniform(0.95, 1.05))
            self._holds += 1
            self.person.follow_cue(cue, hold_s=max(1.0, hold))
