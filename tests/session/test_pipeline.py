"""The one live pipeline, once for train, assess and record: a short simulated session with
real files and a real training record; gaps, a lost link, a full disk, pause and stop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

import perineo.recording as recording_module
from perineo.recording import read_recording
from perineo.samples import SampleBlock
from perineo.session.journal import SessionJournal
from perineo.session.listener import Quiet, TroubleKind
from perineo.session.pipeline import Gaps, OnDiskFull, Pipeline
from perineo.session.status import Connection
from perineo.signal.analysis import analyze_block
from perineo.signal.events import EventKind
from perineo.store.sessions import SessionKind, SessionStatus, TrainingRecord
from perineo_sim.faults import FaultySource

from .helpers import GAPS_SEED, FillingDisk, Heard, short

BLOCK = 50  # samples a block of the short session (1 s at 50 Hz)


def _run(pipe: Pipeline):
    return asyncio.run(pipe.run())


def test_every_block_is_recorded_detected_and_told(tmp_path: Path) -> None:
    source = short()
    heard = Heard()
    pipe = Pipeline(source, recording=tmp_path / "r.csv", listeners=[heard])
    end = _run(pipe)
    whole = source.block
    assert heard.channels == whole.channels  # the channel list comes first, once
    assert heard.log[0] == "started" and heard.log[-1] == "finished"
    assert heard.log.count("started") == heard.log.count("finished") == 1
    assert end.samples == end.written == len(whole) and end.started and end.failure is None
    told = SampleBlock.concat(heard.blocks)
    np.testing.assert_array_equal(told.t, whole.t)
    kept = read_recording(tmp_path / "r.csv")  # the recording holds every sample, once
    np.testing.assert_allclose(kept.t, whole.t, atol=5e-5)
    # the live detector's repetitions are those of `perineo analyze` on the recording
    live = [e.repetition for e in heard.events_all if e.kind is EventKind.REPETITION]
    offline = analyze_block(kept.block).reps
    assert len(live) == len(offline) == 3
    assert [r.onset_s for r in live] == pytest.approx([r.onset_s for r in offline], abs=0.05)
    conns = [s.connection for s in heard.statuses]
    assert conns[0] is Connection.CONNECTING and conns[-1] is Connection.ENDED
    assert Connection.CONNECTED in conns


def test_a_listener_hears_the_block_after_it_was_written(tmp_path: Path) -> None:
    class Counts(Quiet):
        def __init__(self, pipe: Pipeline) -> None:
            self.pipe = pipe
            self.behind = 0

        def samples(self, block, events) -> None:
            self.behind += self.pipe.written != self.pipe.samples

    pipe = Pipeline(short(), recording=tmp_path / "r.csv")
    counts = Counts(pipe)
    pipe.add(counts)
    _run(pipe)
    assert counts.behind == 0


def test_a_gap_the_source_reports_is_marked_once(tmp_path: Path) -> None:
    source = short(GAPS_SEED)
    heard = Heard()
    with TrainingRecord.open(tmp_path / "perineo.db") as record:
        journal = SessionJournal(record, None, source.name, None, kind=SessionKind.RECORD)
        pipe = Pipeline(source, recording=tmp_path / "r.csv", journal=journal, listeners=[heard])
        pipe.add(_StartsJournal(journal))
        _run(pipe)
        stored = record.events(journal.session_id or 0)
    truth = [(g.start_s, g.end_s) for g in source.truth.gaps]
    assert len(truth) == 2
    # each gap: one GAP event from the source's report (not from a block), none doubled
    gaps = [e for e in heard.events_all if e.kind is EventKind.GAP]
    assert [e.value for e in gaps] == pytest.approx([b for _, b in truth], abs=0.05)
    assert all(e in heard.other_events for e in gaps)
    assert [e.kind for e in stored].count(EventKind.GAP) == 2  # and the journal keeps them
    seen = {s.gap_s for s in heard.statuses if s.gap_s is not None}
    assert len(seen) == 2
    kept = read_recording(tmp_path / "r.csv")
    for a, b in truth:  # the recording keeps the hole, and everything around it
        assert not ((kept.t > a + 0.05) & (kept.t < b - 0.05)).any()
    assert len(kept.t) == len(source.block)


def test_a_lost_link_shows_and_counting_goes_on_after_it(tmp_path: Path) -> None:
    sim = short()
    source = FaultySource(sim, ((24.0, 3.0),))  # during the second repetition's rest
    heard = Heard()
    end = _run(Pipeline(source, recording=tmp_path / "r.csv", listeners=[heard]))
    conns = [s.connection for s in heard.statuses]
    lost = conns.index(Connection.LOST)
    assert Connection.CONNECTED in conns[lost:]  # and back
    assert end.samples == len(read_recording(tmp_path / "r.csv").t) < len(sim.block)
    reps = [e.repetition for e in heard.events_all if e.kind is EventKind.REPETITION]
    assert any(r is not None and r.onset_s > 27.0 for r in reps)


@pytest.fixture
def disk_with_room(monkeypatch: pytest.MonkeyPatch):
    """Recordings opened from now on go to a disk with ``room`` bytes left."""

    def install(room: int) -> None:
        real = recording_module.open_private

        def opener(path: Path, mode: str = "w", *, exclusive: bool = False):
            return FillingDisk(real(path, mode, exclusive=exclusive), room)

        monkeypatch.setattr(recording_module, "open_private", opener)

    return install


def _complete_rows(path: Path) -> list[str]:
    text = path.read_text()
    assert text.endswith("\n")  # the row the full disk cut short was trimmed
    return text.splitlines()


def test_a_full_disk_stops_the_recording_and_the_session_goes_on(
    tmp_path: Path, disk_with_room
) -> None:
    disk_with_room(20_000)
    source = short()
    heard = Heard()
    end = _run(Pipeline(source, recording=tmp_path / "r.csv", listeners=[heard]))
    (trouble,) = heard.troubles  # told once
    assert trouble.kind is TroubleKind.RECORDING and "No space left" in str(trouble.error)
    assert heard.statuses[-1].recording_stopped
    assert end.recording_failed and end.failure is None
    assert end.samples == len(source.block)  # detection went on to the end
    kept = len(_complete_rows(tmp_path / "r.csv")) - 1  # the header
    # every block written whole, and the complete rows of the one that did not fit
    assert 0 < end.written <= kept < end.written + BLOCK and kept < len(source.block)
    assert len(read_recording(tmp_path / "r.csv").t) == kept


def test_a_full_disk_stops_a_plain_recording_cleanly(tmp_path: Path, disk_with_room) -> None:
    disk_with_room(20_000)
    source = short()
    heard = Heard()
    with TrainingRecord.open(tmp_path / "perineo.db") as record:
        journal = SessionJournal(record, None, source.name, None, kind=SessionKind.RECORD)
        pipe = Pipeline(
            source,
            recording=tmp_path / "r.csv",
            on_disk_full=OnDiskFull.STOP,
            journal=journal,
            listeners=[heard],
        )
        pipe.add(_StartsJournal(journal, SessionStatus.STOPPED))
        end = _run(pipe)
        info = record.session(journal.session_id or 0)
    assert isinstance(end.failure, Exception) and "No space left" in str(end.failure)
    assert len(heard.troubles) == 1 and heard.log[-1] == "finished"
    # it stopped at the block that did not fit: what was detected is what was written
    kept = len(_complete_rows(tmp_path / "r.csv")) - 1
    assert 0 < end.samples == end.written <= kept < end.written + BLOCK
    assert end.samples < len(source.block)
    assert info.status is SessionStatus.STOPPED


@pytest.mark.slow
def test_a_real_full_disk(tmp_path: Path) -> None:
    from tests.reliability.test_storage import tiny_disk

    with tiny_disk(tmp_path / "disk", "32k") as disk:
        source = short()
        heard = Heard()
        end = _run(Pipeline(source, recording=disk / "r.csv", listeners=[heard]))
        assert [t.kind for t in heard.troubles] == [TroubleKind.RECORDING]
        assert end.samples == len(source.block) and end.written < end.samples
        # rows handed to the file before the disk said so are lost with the last flush;
        # the complete ones before them stay readable
        assert 0 < len(read_recording(disk / "r.csv").t) <= end.written
        assert _complete_rows(disk / "r.csv")


def test_pause_pauses_nothing_of_the_data(tmp_path: Path) -> None:
    heard = Heard()
    pipe = Pipeline(short(), recording=tmp_path / "r.csv", listeners=[heard])

    async def drive() -> tuple[int, int]:
        async for item in pipe.source.stream():
            pipe.process(item)
            if pipe.now_s is not None and pipe.now_s > 10.0 and not pipe.paused:
                pipe.set_paused(True)
                pipe.set_paused(True)  # asked twice, told once
                at = pipe.written
        pipe.finish()
        return at, pipe.written

    at, written = asyncio.run(drive())
    paused = [s.paused for s in heard.statuses]
    assert paused.count(True) >= 1 and paused.index(True) + paused.count(True) == len(paused)
    assert written > at and heard.ends[0].samples == written  # recording went on


def test_stop_ends_after_the_current_item_and_keeps_what_came(tmp_path: Path) -> None:
    class StopAt(Quiet):
        def __init__(self, pipe: Pipeline, at_s: float) -> None:
            self.pipe, self.at_s = pipe, at_s

        def samples(self, block, events) -> None:
            if block.t[-1] >= self.at_s:
                self.pipe.stop()

    heard = Heard()
    source = short()
    pipe = Pipeline(source, recording=tmp_path / "r.csv", listeners=[heard])
    pipe.add(StopAt(pipe, 12.0))
    end = _run(pipe)
    assert heard.blocks[-1].t[-1] >= 12.0 > heard.blocks[-2].t[-1]  # no block after it
    assert end.samples == end.written == len(read_recording(tmp_path / "r.csv").t)
    assert not end.cancelled and heard.log.count("finished") == 1
    assert pipe.finish() is end  # the end is told once


def test_a_cancelled_session_ends_cleanly(tmp_path: Path) -> None:
    from perineo_sim import LivePerson
    from perineo_sim.sources import LiveSimSource

    heard = Heard()
    source = LiveSimSource(LivePerson(0), speed=50.0)  # in (fast) real time: cancellable
    pipe = Pipeline(source, recording=tmp_path / "r.csv", listeners=[heard])

    async def drive() -> None:
        task = asyncio.create_task(pipe.run())
        while pipe.samples < 500:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(drive())
    (end,) = heard.ends
    assert end.cancelled and end.samples >= 500
    assert len(read_recording(tmp_path / "r.csv").t) == end.written == end.samples


class _StartsJournal(Quiet):
    """The driver's part for a plain recording: the session row at the first block."""

    def __init__(self, journal: SessionJournal, status: SessionStatus = SessionStatus.DONE):
        self.journal, self.end_status = journal, status

    def started(self, channels, t0_s) -> None:
        self.journal.start()

    def finished(self, end) -> None:
        if end.started:
            self.journal.finish(None, self.end_status)


def test_a_recording_that_cannot_be_made(tmp_path: Path) -> None:
    """A train or assess session goes on without it; a plain recording does not start."""
    (tmp_path / "taken.csv").write_text("t,squeeze\n0,1\n")
    heard = Heard()
    end = _run(Pipeline(short(), recording=tmp_path / "taken.csv", listeners=[heard]))
    (trouble,) = heard.troubles
    assert "already exists" in str(trouble.error) and end.started and end.samples > 0
    assert (tmp_path / "taken.csv").read_text() == "t,squeeze\n0,1\n"  # left as it was
    heard = Heard()
    with TrainingRecord.open(tmp_path / "perineo.db") as record:
        journal = SessionJournal(record, None, "sim", None, kind=SessionKind.RECORD)
        pipe = Pipeline(
            short(),
            recording=tmp_path / "taken.csv",
            on_disk_full=OnDiskFull.STOP,
            journal=journal,
            listeners=[heard],
        )
        pipe.add(_StartsJournal(journal))
        end = _run(pipe)
        assert record.sessions() == []
    assert "already exists" in str(end.failure) and not end.started and end.samples == 0
    assert "started" not in heard.log and heard.log[-1] == "finished"


def test_gaps_from_the_times_give_the_reports_numbers(tmp_path: Path) -> None:
    """The assessment's choice: the detector finds the gaps in the samples' times, so the
    live repetitions are exactly those `perineo report` finds on the recording."""
    source = short(GAPS_SEED)
    heard = Heard()
    _run(Pipeline(source, recording=tmp_path / "r.csv", gaps=Gaps.FROM_TIMES, listeners=[heard]))
    assert heard.other_events == []  # nothing marked from the source's reports ...
    gaps = [e for e in heard.block_events if e.kind is EventKind.GAP]
    assert len(gaps) == 2  # ... the detector saw both in the times
    assert len({s.gap_s for s in heard.statuses if s.gap_s is not None}) == 2  # and shown
    live = [e.repetition for e in heard.events_all if e.kind is EventKind.REPETITION]
    offline = analyze_block(read_recording(tmp_path / "r.csv").block).reps
    assert len(live) == len(offline) == 3  # (the file rounds to 0.1 ms and 0.001 cmH2O)
    for a, b in zip(live, offline, strict=True):
        assert a is not None and a.errors == b.errors
        assert (a.onset_s, a.end_s, a.hold_s) == pytest.approx(
            (b.onset_s, b.end_s, b.hold_s), abs=0.02
        )
