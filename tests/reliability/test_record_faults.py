"""The record path (what ``perineo record`` runs) through a source that drops out: the
recording keeps a hole, the training record keeps the GAP, counting goes on after it."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import numpy as np
import pytest

from perineo.commands.record import Recorder, record
from perineo.recording import read_recording
from perineo.samples import SampleBlock
from perineo.signal.events import EventKind
from perineo.store.sessions import SessionStatus, TrainingRecord
from perineo_sim.compare import score
from perineo_sim.faults import FaultySource
from perineo_sim.sources import SimSource

OUTAGES = ((45.0, 2.0), (70.0, 20.0))  # a drop while rep 2 holds; 20 s of silence


@pytest.mark.slow
def test_record_through_outages(tmp_path: Path) -> None:
    sim = SimSource("intensive", seed=1, speed=math.inf)
    source = FaultySource(sim, OUTAGES)
    out = tmp_path / "rec.csv"
    with TrainingRecord.open(tmp_path / "perineo.db") as store:
        rec = Recorder(out, False, store, None, source.name)
        asyncio.run(record(source, rec))
        info = store.session(rec.session_id or 0)
        events = store.events(info.id)
        reps = [r.rep for r in store.reps(info.id)]
    assert info.status is SessionStatus.DONE
    gaps = [e for e in events if e.kind is EventKind.GAP]
    assert len(gaps) >= len(OUTAGES)
    kept = read_recording(out)
    inside = np.zeros(len(sim.block), dtype=bool)
    for start, length in OUTAGES:
        inside |= (sim.block.t >= start) & (sim.block.t < start + length)
        assert not ((kept.t >= start) & (kept.t < start + length)).any()
    assert len(kept.t) == int((~inside).sum())  # every sample outside the outages kept
    assert np.allclose(kept.t, sim.block.t[~inside], atol=1e-4)
    truth = [r.to_json() for r in sim.truth.reps]
    tally = score(truth, [r.to_json() for r in reps])
    after = [r for r in sim.truth.reps if r.onset_s > 90.0]
    found_after = [r for r in reps if r.onset_s > 90.0]
    assert len(found_after) == len(after)  # counting goes on after 20 s of silence
    assert tally.fn <= 2  # reps cut by the outages
    print(f"record through outages: {tally.tp} found, {tally.fn} missed, {tally.fp} phantom")


def test_faulty_source_is_a_sample_source() -> None:
    from perineo.sources.base import SampleSource

    src = FaultySource(SimSource("basic", speed=math.inf), ((1.0, 1.0),))
    assert isinstance(src, SampleSource)

    async def first_blocks() -> list[SampleBlock]:
        got = []
        async for item in src.stream():
            if isinstance(item, SampleBlock):
                got.append(item)
            if len(got) > 30:
                break
        await src.close()
        return got

    blocks = asyncio.run(first_blocks())
    t = np.concatenate([b.t for b in blocks])
    assert not ((t >= 1.0) & (t < 2.0)).any() and np.all(np.diff(t) > 0)
