"""The coach in a live simulated session. A false start in the rest: the detector sees an
onset and cancels it, and the coach goes back to the rest it interrupted, its timer intact;
the repetition she then makes when asked is not blamed for a short rest. Ending in the middle
of a repetition: it is dropped, not scored."""

from __future__ import annotations

import asyncio
import math

import pytest

from perineo.program.calibration import CalPhase, CalStep
from perineo.program.coach import Cue, Phase
from perineo.program.loader import get_program
from perineo.program.scoring import Reason
from perineo.samples import Channel, SampleBlock
from perineo.session.listener import CalibrationUpdate, Quiet
from perineo.session.training import LiveSession
from perineo.signal.events import Event, EventKind
from perineo_sim.follow import CueFollowingSim

from .test_training import KNOWN

PROGRAM = get_program("intensive")


class _Twitch(Quiet):
    """Trains with a known calibration; twitches once, 0.6 s into the first rest."""

    def __init__(self, session: LiveSession, sim: CueFollowingSim) -> None:
        self.session, self.sim = session, sim
        self.cues: list[tuple[float, Cue]] = []
        self.events: list[Event] = []
        self.twitch_s: float | None = None

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        self.session.use_calibration(KNOWN)

    def samples(self, block: SampleBlock, events: list[Event]) -> None:  # type: ignore[override]
        self.events += events

    def cue(self, cue: Cue) -> None:
        now = self.session.pipeline.now_s or 0.0
        self.cues.append((now, cue))
        if self.twitch_s is None and cue.phase is Phase.REST and cue.rep == 2:
            # the simulated week's false start (tests/e2e/test_week.py)
            self.twitch_s = self.sim.false_start(now + 0.6).t_s


@pytest.mark.slow
def test_a_twitch_in_the_rest_does_not_end_it() -> None:
    sim = CueFollowingSim.create(PROGRAM, seed=7, speed=math.inf, habits={})
    sim.person._next_cough_s = math.inf  # no random cough: only the twitch we make
    session = LiveSession(sim, PROGRAM, sets=1, reps_per_set=3)
    heard = _Twitch(session, sim)
    session.pipeline.add(heard)
    result = asyncio.run(session.run())

    cancelled = [e for e in heard.events if e.kind is EventKind.ONSET_CANCELLED]
    assert len(cancelled) == 1, "the twitch is an onset the detector cancels"
    assert heard.twitch_s is not None and abs(cancelled[0].t - heard.twitch_s) < 0.5
    # no contraction: the three repetitions scored are the three she was asked for
    assert all(r.hold_s is not None and r.hold_s > 5.0 for r in result.repetitions)
    rest_start = next(e.t for e in heard.events if e.kind is EventKind.REST)
    after = [(t, c) for t, c in heard.cues if t >= cancelled[0].detected_s]
    # back in the rest with the same repetition, and it runs its whole 4 s from the fall
    assert after[0][1].phase is Phase.REST and after[0][1].rep == 2
    asked = next(t for t, c in after if c.phase is Phase.SQUEEZE)
    assert asked - rest_start >= PROGRAM.rep.coach_rest_s - 0.05
    assert result.completed and len(result.scores) == 3
    assert all(Reason.REST_SHORT not in s.reasons for s in result.scores)


class _EndsMidHold(Quiet):
    """Ends the session 3 s into the second repetition's hold."""

    def __init__(self, session: LiveSession) -> None:
        self.session = session
        self.hold_since: float | None = None

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        self.session.use_calibration(KNOWN)

    def cue(self, cue: Cue) -> None:
        now = self.session.pipeline.now_s or 0.0
        if cue.rep == 2 and cue.phase is Phase.HOLD:
            self.hold_since = now if self.hold_since is None else self.hold_since
            if now - self.hold_since >= 3.0:
                self.session.stop()


@pytest.mark.slow
def test_ending_mid_repetition_drops_it() -> None:
    sim = CueFollowingSim.create(PROGRAM, seed=7, speed=math.inf, habits={})
    sim.person._next_cough_s = math.inf
    session = LiveSession(sim, PROGRAM, sets=1, reps_per_set=3)
    session.pipeline.add(_EndsMidHold(session))
    result = asyncio.run(session.run())
    assert not result.completed
    # the first repetition, finished, is scored; the second, cut short, is not
    assert [s.index for s in result.scores] == [0]
    assert result.scores[0].reasons == ()
    assert result.summary is not None and result.summary.reps == 1


class _Calibration(Quiet):
    """Keeps the calibration's steps and the onsets; stops when calibration is done."""

    def __init__(self, session: LiveSession) -> None:
        self.session = session
        self.steps: list[tuple[float, CalStep]] = []
        self.onsets: list[float] = []

    def samples(self, block: SampleBlock, events: list[Event]) -> None:  # type: ignore[override]
        self.onsets += [e.t for e in events if e.kind is EventKind.ONSET]

    def calibration(self, update: CalibrationUpdate) -> None:
        self.steps.append((self.session.pipeline.now_s or 0.0, update.step))
        if update.step.done:
            self.session.stop()


@pytest.mark.slow
def test_the_demo_squeezes_again_at_once_after_a_push_down() -> None:
    """An attempt that pushed down does not count: the calibration asks for it again, and
    the simulated person squeezes when asked, not 20 s later."""
    sim = CueFollowingSim.create(PROGRAM, seed=3, speed=math.inf, habits={"push_down": 0.5})
    sim.person._next_cough_s = math.inf
    session = LiveSession(sim, PROGRAM)
    heard = _Calibration(session)
    session.pipeline.add(heard)
    asyncio.run(session.run())
    result = heard.steps[-1][1].result
    assert result is not None and not all(result.valid), "this seed pushes down at least once"
    asked = [
        t
        for (t, s), (_, prev) in zip(heard.steps[1:], heard.steps, strict=False)
        if s.phase is CalPhase.MVC and prev.phase is not CalPhase.MVC
    ]
    assert len(asked) == len(result.attempts_cmH2O)
    for t in asked:
        onset = min(o for o in heard.onsets if o >= t - 0.1)
        assert onset - t < 3.0  # her reaction, not the 20 s of asking again
