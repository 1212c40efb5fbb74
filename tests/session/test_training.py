"""Training on the pipeline: the trainer (calibration, coach) is a listener, and another
listener added in one line hears the blocks, the detector's events, the cues and the scores."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import numpy as np
import pytest

from perineo.program.calibration import Calibration
from perineo.program.coach import Cue
from perineo.program.loader import get_program
from perineo.recording import read_recording
from perineo.samples import SampleBlock
from perineo.session.journal import SessionJournal
from perineo.session.listener import Quiet
from perineo.session.training import LiveSession, Stage
from perineo.signal.events import EventKind
from perineo.store.sessions import SessionStatus, TrainingRecord
from perineo_sim.follow import CueFollowingSim

from .helpers import Heard

PROGRAM = get_program("intensive")
# what seed 7's simulated woman measures in calibration (tests/tui: a whole session)
KNOWN = Calibration(
    rest_cmH2O=33.8,
    mvc_cmH2O=44.6,
    attempts_cmH2O=(44.6,),
    valid=(True,),
    settle_s=60.0,
    drift_cmH2O_per_min=0.0,
    settled=True,
    created_at="2026-01-01T00:00:00+00:00",
)


class _Reuses(Quiet):
    """The user's ``u`` at the first block: train with the stored calibration."""

    def __init__(self, session: LiveSession, cal_id: int) -> None:
        self.session, self.cal_id = session, cal_id

    def started(self, channels, t0_s) -> None:
        self.session.use_calibration(KNOWN, self.cal_id)


def _session(tmp_path: Path, record: TrainingRecord, reps: int) -> LiveSession:
    source = CueFollowingSim.create(PROGRAM, seed=7, speed=math.inf, habits={})
    recording = tmp_path / "rec" / "r.csv"
    journal = SessionJournal(record, PROGRAM, source.name, recording)
    return LiveSession(
        source, PROGRAM, recording_path=recording, journal=journal, sets=1, reps_per_set=reps
    )


@pytest.mark.slow  # a simulated minute of training
def test_an_added_listener_hears_blocks_events_cues_and_scores(tmp_path: Path) -> None:
    with TrainingRecord.open(tmp_path / "perineo.db") as record:
        session = _session(tmp_path, record, reps=2)
        outlet = Heard()
        session.pipeline.add(outlet)  # all it takes
        session.pipeline.add(_Reuses(session, record.save_calibration(KNOWN)))
        result = asyncio.run(session.run())
        info = record.session(result.session_id or 0)
        stored = record.reps(info.id)
    assert result.completed and session.stage is Stage.DONE
    assert outlet.channels == session.pipeline.source.channels
    assert outlet.cues and all(isinstance(c, Cue) for c in outlet.cues)
    # each score told once, when it is known, and final: told, kept and stored alike
    assert outlet.scores == result.scores and len(outlet.scores) == 2
    reps = [e.repetition for e in outlet.events_all if e.kind is EventKind.REPETITION]
    assert {r.index for r in result.repetitions} <= {r.index for r in reps if r is not None}
    told = SampleBlock.concat(outlet.blocks)
    assert result.recording is not None
    np.testing.assert_allclose(read_recording(result.recording).t, told.t, atol=5e-5)
    # the training record: the reused calibration, every scored repetition, done
    assert info.status is SessionStatus.DONE and info.calibration_id is not None
    assert [r.score for r in stored] == result.scores


@pytest.mark.slow
def test_pause_holds_the_cues_and_the_coach_keeps_its_place(tmp_path: Path) -> None:
    class When(Heard):
        def __init__(self) -> None:
            super().__init__()
            self.cue_times: list[float] = []

        def cue(self, cue: Cue) -> None:
            super().cue(cue)
            self.cue_times.append(session.pipeline.now_s or 0.0)

    with TrainingRecord.open(tmp_path / "perineo.db") as record:
        session = _session(tmp_path, record, reps=2)
        outlet = When()
        session.pipeline.add(outlet)
        session.pipeline.add(_Reuses(session, record.save_calibration(KNOWN)))
        pipe, trainer = session.pipeline, session.trainer

        async def drive() -> tuple[float, float]:
            paused_at = resumed_at = math.nan
            async for item in pipe.source.stream():
                pipe.process(item)
                now = pipe.now_s or 0.0
                if math.isnan(paused_at) and now > 12.0:
                    assert session.toggle_pause() and pipe.paused
                    paused_at = now
                elif math.isnan(resumed_at) and now > paused_at + 10.0:
                    assert not session.toggle_pause()
                    resumed_at = now
                if pipe.stopping:
                    break
            pipe.finish()
            return paused_at, resumed_at

        paused_at, resumed_at = asyncio.run(drive())
    during = [t for t in outlet.cue_times if paused_at < t < resumed_at]
    assert during == [] and any(t >= resumed_at for t in outlet.cue_times)
    assert trainer.result.completed and len(trainer.result.scores) == 2
    assert pipe.written == pipe.samples  # the recording went on through the pause


def test_a_session_stopped_while_calibrating_is_kept_as_stopped(tmp_path: Path) -> None:
    class StopSoon(Quiet):
        def samples(self, block, events) -> None:
            if block.t[-1] > 2.0:
                session.stop()

    with TrainingRecord.open(tmp_path / "perineo.db") as record:
        session = _session(tmp_path, record, reps=2)
        session.pipeline.add(StopSoon())
        result = asyncio.run(session.run())
        (info,) = record.sessions()
    assert not result.completed and result.calibration is None and result.scores == []
    assert info.status is SessionStatus.STOPPED and info.calibration_id is None
    assert session.toggle_pause() is False  # nothing to pause outside training
    assert result.recording is not None and len(read_recording(result.recording).t) > 100
