"""The squeeze that begins training: counted by the coach and by the scores alike.

Seen live (``perineo train --sim``, ``u`` to reuse the stored calibration): the person
squeezes as soon as the coach asks; the detector dates the onset a little before the moment
training began (the rise had started), but the repetition's own onset after it. The coach
left the onset out (a squeeze from before training) while the repetition was scored: the
screen said "Set 2/3  Rep 1/12" beside "Last rep 13", and set 1 held 13 repetitions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np

from perineo.program.loader import get_program
from perineo.program.script import make_rep, rep_events
from perineo.samples import Channel, SampleBlock
from perineo.session.pipeline import Pipeline
from perineo.session.training import Trainer
from perineo.signal.events import Event

from .helpers import Heard
from .test_training import KNOWN

PROGRAM = get_program("intensive")


class _Nowhere:
    name = "scripted"

    async def stream(self) -> Iterator[object]:  # pragma: no cover - never run
        raise AssertionError


def _feed(trainer: Trainer, pipe: Pipeline, events: list[Event], start: float, end: float):
    pending = sorted(events, key=lambda e: e.detected_s)
    t = start
    while t <= end + 1e-9:
        now = [e for e in pending if e.detected_s <= t]
        pending = pending[len(now) :]
        pipe.now_s = t
        block = SampleBlock(np.array([t]), {Channel.SQUEEZE: np.array([30.0])})
        trainer.samples(block, now)
        t = round(t + 0.1, 3)


def test_the_first_squeeze_after_reusing_a_calibration_is_rep_1_for_coach_and_score():
    pipe = Pipeline(_Nowhere())  # type: ignore[arg-type]
    heard = Heard()
    pipe.add(heard)
    trainer = Trainer(pipe, PROGRAM, sets=1, reps_per_set=3)
    trainer.started((Channel.SQUEEZE,), 0.0)
    pipe.now_s = 14.0
    trainer.use_calibration(KNOWN)  # 'u': training begins at 14.0 s
    first = make_rep(index=0, onset=14.2)
    events = rep_events(first)
    # the detector dates the onset back into the rise that began before 14.0 s
    events[0] = dataclasses.replace(events[0], t=13.9, detected_s=14.3)
    second = make_rep(index=1, onset=first.end_s + 4.5)  # after the coach's rest
    events += rep_events(second)
    assert second.end_s is not None
    _feed(trainer, pipe, events, 14.1, second.end_s + 2.0)
    scored = [s.index for s in heard.scores]
    assert scored == [0, 1]
    # the coach followed both: it asks for the third, as the scores count two
    assert heard.cues[-1].rep == 3
