"""The live mode: a person who follows a coach's cues, rendered chunk by chunk.

The coach (TUI, program runner) calls :meth:`LivePerson.follow_cue` or
:meth:`LivePerson.contract` whenever it asks for a contraction; the stream calls
:meth:`LivePerson.render_until` with advancing times. Scheduling in the past is refused;
a contraction asked for before the previous one has ended starts after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from perineo.samples import Channel, SampleBlock
from perineo_sim.actions import ArtifactKind, RepKind, RepSpec
from perineo_sim.behaviour import draw_artifact, draw_rep, kind_ranges
from perineo_sim.person import VirtualPerson
from perineo_sim.probe import VirtualProbe
from perineo_sim.randomize import random_scenario
from perineo_sim.scenario import Scenario
from perineo_sim.session import draw_person, draw_probe, rep_truth
from perineo_sim.truth import Truth, TruthArtifact, TruthGap

MIN_REST_S = 0.3  # the shortest pause the person takes between two contractions


class LivePerson:
    """A virtual person and probe that stream forever; what she does is scheduled at runtime.

    ``habits`` maps an error name to the chance she makes it on a contraction whose ``error``
    is not given (e.g. ``{"push_down": 0.2}``). ``strength_cmH2O`` is her maximal squeeze.
    ``nuisances=False`` turns off random coughs, dropped packets and link dropouts;
    ``drop_prob`` sets the chance a packet is lost.
    """

    def __init__(
        self,
        seed: int,
        *,
        channels: Iterable[Channel | str] = tuple(Channel),
        sample_rate_hz: float = 100.0,
        habits: Mapping[str, float] | None = None,
        strength_cmH2O: float | None = None,
        nuisances: bool = True,
        drop_prob: float | None = None,
    ) -> None:
        rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)]
        scn: Scenario = random_scenario(rngs[0], channels, sample_rate_hz)
        self.seed = seed
        self.scenario = scn
        self.params = draw_person(rngs[0], scn.person)
        self.fit, self.spec = draw_probe(rngs[0], scn)
        if not nuisances:
            self.spec = replace(self.spec, drop_prob=0.0, dropouts_per_min=0.0)
        if drop_prob is not None:
            self.spec = replace(self.spec, drop_prob=drop_prob)
        self._push_tilt = float(rngs[0].uniform(3.0, 8.0))
        self.strength_cmH2O = (
            float(rngs[0].uniform(20.0, 60.0)) if strength_cmH2O is None else strength_cmH2O
        )
        self.habits = dict(habits or {})
        self.person = VirtualPerson(self.params, rngs[1])
        self.probe = VirtualProbe(self.fit, self.spec, rngs[2])
        self._rng = rngs[3]
        self._cough_rate = 0.3 if nuisances else 0.0
        self._next_cough_s = self._draw_cough_gap(0.0)
        self.now_s = 0.0

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.spec.channels

    @property
    def sample_rate_hz(self) -> float:
        return self.spec.sample_rate_hz

    def _draw_cough_gap(self, after_s: float) -> float:
        if self._cough_rate <= 0:
            return np.inf
        return after_s + float(self._rng.exponential(60.0 / self._cough_rate))

    def follow_cue(
        self,
        cue_s: float,
        hold_s: float,
        quick_lifts: int = 0,
        strength_cmH2O: float | None = None,
        error: str | Sequence[str] | None = None,
    ) -> RepSpec:
        """React to a "squeeze now" cue given at ``cue_s`` after her reaction time."""
        delay = self.params.reaction_s * float(self._rng.uniform(0.7, 1.4))
        return self.contract(cue_s + delay, hold_s, quick_lifts, strength_cmH2O, error)

    def contract(
        self,
        at_s: float,
        hold_s: float,
        quick_lifts: int = 0,
        strength_cmH2O: float | None = None,
        error: str | Sequence[str] | None = None,
        kind: RepKind | None = None,
    ) -> RepSpec:
        """Schedule a contraction with its onset at ``at_s`` (or just after the previous one).

        Returns the repetition as scheduled: its event times are the ground truth.
        """
        if at_s < self.now_s:
            raise ValueError(f"cannot contract at {at_s:.2f} s: rendered to {self.now_s:.2f} s")
        if self.person.reps:
            at_s = max(at_s, self.person.reps[-1].end_s + MIN_REST_S)
        errors = self._errors(error, hold_s)
        if kind is None:
            kind = _kind_for(hold_s, quick_lifts, strength_cmH2O, self.strength_cmH2O)
        strength = strength_cmH2O or self.strength_cmH2O * float(self._rng.uniform(0.85, 1.0))
        ranges = kind_ranges(kind, hold_s=(hold_s, hold_s), quick_lifts=(quick_lifts, quick_lifts))
        rep = draw_rep(
            self._rng, kind, at_s, ranges, errors=errors, draw_in=bool(self._rng.random() < 0.5),
            strength_cmH2O=strength, push_tilt_deg=self._push_tilt, k=self.fit.k,
        )  # fmt: skip
        return self.person.schedule(rep)

    def _errors(self, error: str | Sequence[str] | None, hold_s: float) -> tuple[str, ...]:
        if error is not None:
            return (error,) if isinstance(error, str) else tuple(error)
        chosen = [e for e, p in self.habits.items() if self._rng.random() < p]
        if "push_down" in chosen:
            return ("push_down",)
        if hold_s < 6.0 and "breath_hold" in chosen:
            chosen.remove("breath_hold")
        return tuple(chosen)

    def cough(self, at_s: float, kind: ArtifactKind = ArtifactKind.COUGH) -> None:
        """A cough, sneeze or movement at ``at_s``."""
        if at_s < self.now_s:
            raise ValueError(f"cannot cough at {at_s:.2f} s: rendered to {self.now_s:.2f} s")
        self.person.add_artifact(draw_artifact(self._rng, kind, at_s))

    def render_until(self, until_s: float) -> SampleBlock:
        """Samples from the last rendered time up to ``until_s``, with the person's actions."""
        while self._next_cough_s < until_s:
            t = self._next_cough_s
            busy = any(r.onset_s - 1.0 < t < r.end_s + 1.0 for r in self.person.reps)
            if not busy and t >= self.now_s:
                self.cough(t)
            self._next_cough_s = self._draw_cough_gap(t)
        block = self.probe.sample(self.person, until_s)
        self.now_s = max(self.now_s, until_s)
        return block

    def truth(self) -> Truth:
        """Ground truth of everything scheduled so far."""
        return Truth(
            scenario="live",
            seed=self.seed,
            channels=tuple(c.value for c in self.channels),
            sample_rate_hz=self.sample_rate_hz,
            duration_s=self.now_s,
            reps=tuple(rep_truth(self.person, r, self.fit.k) for r in self.person.reps),
            artifacts=tuple(
                TruthArtifact(a.t_s, a.end_s, str(a.kind)) for a in self.person.artifacts
            ),
            gaps=tuple(TruthGap(a, b) for a, b in self.probe.gaps),
            person={**self.params.to_json(), **self.fit.to_json()},
        )


def _kind_for(hold_s: float, lifts: int, strength: float | None, maximal: float) -> RepKind:
    if lifts > 0 or hold_s >= 6.0:
        return RepKind.INTENSIVE
    if hold_s <= 0.5:
        light = strength is not None and strength < 0.5 * maximal
        return RepKind.LIGHT if light else RepKind.FAST
    return RepKind.BASIC
