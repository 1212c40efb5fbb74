"""The simulated person doing what the app asks: the demo, and the app's own tests.

The ``sim-follow`` source kind (:func:`perineo.sources.registry.open_source`). Wraps
:class:`perineo_sim.sources.LiveSimSource` and satisfies the app's cue-follower protocol
(``follow(cue, now_s)``) without importing the app; when the calibration asks for a maximal
squeeze, or the coach says "squeeze" for a new repetition, the person is told once, with
the hold and quick lifts the program asks for; the calibration asking for a maximal squeeze
again (an attempt that pushed down did not count) is a new request, followed at once.
Everything else (rest, let go) she does by herself, because a scheduled contraction ends on
its own. :meth:`CueFollowingSim.false_start` makes her start to squeeze when she should rest
and check herself at once: a twitch, which is no contraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from perineo.program.calibration import CalPhase, CalStep
from perineo.program.coach import Cue, Phase
from perineo.program.model import Program
from perineo.samples import Channel
from perineo_sim.actions import ArtifactKind, ArtifactSpec
from perineo_sim.live import MIN_REST_S, LivePerson
from perineo_sim.sources import LiveSimSource, OverLiveSim

BLOCK_S = 0.04  # blocks arrive every 40 ms, like a probe's BLE notifications
MVC_HOLD_S = 3.0
# a squeeze takes ~15 s at most: a request still standing 20 s later is asked again
ASK_AGAIN_S = 20.0
DEMO_HABITS: Mapping[str, float] = {"breath_hold": 0.08, "push_down": 0.05}
# A false start: the pelvic floor twitches and she lets it go at once. A few cmH2O (a weak
# voluntary contraction reaches ~8 above rest, hers 20-60) for a third of a second: narrower
# than the fastest voluntary contraction (~0.2 s wide at half its height), so no repetition.
FALSE_START_CMH2O = (5.0, 8.0)
FALSE_START_S = (0.25, 0.35)


def as_program(program: Program | str) -> Program:
    """A Program as given, or the one a name (or TOML path) names."""
    if isinstance(program, Program):
        return program
    from perineo.program.loader import get_program

    return get_program(program)


class CueFollowingSim(OverLiveSim):
    """A live simulated probe and person who follows the cues (implements ``CueFollower``)."""

    def __init__(self, source: LiveSimSource, program: Program) -> None:
        self.source = source
        self.program = program
        self._asked: dict[tuple[str, int, int], float] = {}  # request -> when asked
        self._cal_phase: CalPhase | None = None
        self._mvc_asks = 0  # times the calibration turned to "squeeze as hard as you can"
        self._rng = np.random.default_rng([source.person.seed, 0xF5])

    @classmethod
    def create(
        cls,
        program: Program | str,
        *,
        seed: int = 0,
        speed: float = 1.0,
        habits: Mapping[str, float] | None = None,
        block_s: float = BLOCK_S,
        channels: Iterable[Channel | str] = tuple(Channel),
        duration_s: float | None = None,
    ) -> CueFollowingSim:
        """``program``: a Program or a program's name; ``duration_s``: end the stream then
        (default: run until closed)."""
        habits = DEMO_HABITS if habits is None else habits
        person = LivePerson(seed, channels=channels, habits=habits)
        source = LiveSimSource(person, speed=speed, block_s=block_s, duration_s=duration_s)
        return cls(source, as_program(program))

    @property
    def person(self) -> LivePerson:
        return self.source.person

    def follow(self, cue: Cue | CalStep, now_s: float) -> None:
        if isinstance(cue, CalStep):
            # each time the calibration turns to the maximal squeeze is a new request, also
            # for the same attempt again after one that pushed down and did not count
            if cue.phase is CalPhase.MVC and self._cal_phase is not CalPhase.MVC:
                self._mvc_asks += 1
            self._cal_phase = cue.phase
            if cue.phase is CalPhase.MVC and self._due(("mvc", 0, self._mvc_asks), now_s):
                self.person.follow_cue(now_s, hold_s=MVC_HOLD_S)
            return
        if cue.phase is Phase.SQUEEZE and self._due(("rep", cue.set_no, cue.rep), now_s):
            rep = self.program.rep
            self.person.follow_cue(
                now_s, hold_s=rep.coach_hold_s, quick_lifts=rep.coach_quick_lifts
            )

    def false_start(self, at_s: float) -> ArtifactSpec:
        """She starts to squeeze at ``at_s`` (or once she has let go of the last contraction)
        and checks herself at once: a twitch of the pelvic floor, not a contraction.

        Listed in the ground truth as a movement artefact, never as a repetition.
        """
        person = self.person
        if person.person.reps:
            at_s = max(at_s, person.person.reps[-1].end_s + MIN_REST_S)
        if at_s < person.now_s:
            raise ValueError(f"cannot start at {at_s:.2f} s: rendered to {person.now_s:.2f} s")
        lasts = float(self._rng.uniform(*FALSE_START_S))
        twitch = ArtifactSpec(
            ArtifactKind.MOVEMENT,
            at_s,
            lasts,
            twitch_cmH2O=float(self._rng.uniform(*FALSE_START_CMH2O)),
            twitch_s=lasts,
        )
        person.person.add_artifact(twitch)
        return twitch

    def _due(self, key: tuple[str, int, int], now_s: float) -> bool:
        """Ask once; ask again if the same request still stands ``ASK_AGAIN_S`` later
        (the attempt did not count, e.g. it was taken for a cough)."""
        asked = self._asked.get(key)
        if asked is not None and now_s - asked < ASK_AGAIN_S:
            return False
        self._asked[key] = now_s
        return True
