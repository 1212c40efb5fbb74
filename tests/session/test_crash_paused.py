"""A training session that dies while paused, in the middle of a squeeze begun in the pause:
recovery does not count that squeeze as a repetition, as the live session did not.

The live session stores the detector's events as they come and the recording every second;
recovery re-analyses the recording, and its final flush makes a squeeze still under way at
the crash a repetition. One begun while paused was counted by recovery as the session's
next repetition (unscored, ``1 more repetition``) until the session kept that it had begun
in the pause.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest

from perineo.recording import RecordingWriter
from perineo.samples import SampleBlock
from perineo.session.journal import SessionJournal
from perineo.session.training import LiveSession
from perineo.signal.events import EventKind
from perineo.store.sessions import SessionStatus, TrainingRecord
from perineo_sim.follow import CueFollowingSim

from .helpers import Heard
from .test_training import KNOWN, PROGRAM, _Reuses


def _crash_mid_paused_squeeze(tmp_path: Path) -> tuple[int, float, list[int]]:
    """Train until one repetition is scored, pause, squeeze, and die at the end of the
    squeeze's fall (before the detector made it final): the session id, the squeeze's
    onset and the indices of the repetitions stored before the crash."""
    record = TrainingRecord.open(tmp_path / "perineo.db")
    source = CueFollowingSim.create(PROGRAM, seed=7, speed=math.inf, habits={})
    recording = tmp_path / "rec" / "r.csv"
    journal = SessionJournal(record, PROGRAM, source.name, recording)
    session = LiveSession(
        source, PROGRAM, recording_path=recording, journal=journal, sets=1, reps_per_set=4
    )
    heard = Heard()
    session.pipeline.add(heard)
    session.pipeline.add(_Reuses(session, record.save_calibration(KNOWN)))
    pipe = session.pipeline

    async def drive() -> float:
        squeeze: float | None = None
        async for item in pipe.source.stream():
            pipe.process(item)
            coach = session.trainer.coach
            if squeeze is None and coach is not None and coach.scores:
                assert session.toggle_pause()
                person = source.person  # she squeezes while the paused cue is up
                squeeze = person.contract(max(person.now_s, pipe.now_s or 0.0) + 2.0, 3.0).onset_s
            if squeeze is not None:
                ends = [
                    e for e in heard.events_all if e.t > squeeze - 1.0 and e.kind is EventKind.REST
                ]
                final = [e for e in heard.events_all if e.kind is EventKind.REPETITION]
                assert all(e.t < squeeze - 1.0 for e in final)  # not final yet
                if ends:
                    return squeeze  # killed: nothing more is written
        raise AssertionError("the stream ended before the squeeze")

    squeeze = asyncio.run(drive())
    # what the recording holds after its last flush: every sample the session received
    block = SampleBlock.concat(heard.blocks)
    writer = RecordingWriter(recording, block.channels, overwrite=True)
    writer.write(block)
    writer.close()
    sid = journal.session_id
    assert sid is not None
    stored = [r.rep.index for r in record.reps(sid)]
    record.close()  # the kernel drops the dead process's lock; the session stays open
    return sid, squeeze, stored


@pytest.mark.slow  # 20 simulated seconds of a live session (4 s)
def test_a_squeeze_begun_while_paused_is_not_recovered_as_a_repetition(tmp_path: Path) -> None:
    sid, squeeze, stored = _crash_mid_paused_squeeze(tmp_path)
    assert len(stored) == 1  # the one repetition scored before the pause
    with TrainingRecord.open(tmp_path / "perineo.db") as record:
        assert record.session(sid).status is SessionStatus.OPEN
        (recovered,) = record.recover_interrupted()
        reps = record.reps(sid)
        info = record.session(sid)
        events = record.events(sid)
    assert info.status is SessionStatus.INTERRUPTED
    assert recovered.reps_added == 0, [(r.rep.index, r.rep.onset_s) for r in reps]
    assert [r.rep.index for r in reps] == stored
    assert all(r.score is not None for r in reps)
    # the squeeze itself is kept among the events (stamped with its onset), found again
    # by recovery, as the live session keeps one that ends while paused
    found = [e.t for e in events if e.kind is EventKind.REPETITION]
    assert any(abs(t - squeeze) < 0.5 for t in found), (found, squeeze)
