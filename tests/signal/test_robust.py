"""The detector never crashes: arbitrary values, gaps, broken samples, odd block sizes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from perineo.samples import Channel, SampleBlock
from perineo.signal.detect import Detector
from perineo.signal.events import EventKind


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 3000),
    rate=st.sampled_from([25.0, 50.0, 100.0, 200.0]),
    scale=st.sampled_from([0.0, 1.0, 30.0, 300.0]),
    chans=st.sampled_from(
        [(Channel.SQUEEZE,), (Channel.SQUEEZE, Channel.ABDOMINAL), tuple(Channel)]
    ),
    block=st.integers(1, 500),
)
def test_random_streams_never_crash(seed, n, rate, scale, chans, block) -> None:
    rng = np.random.default_rng(seed)
    dt = rng.exponential(1.0 / rate, n) + 1e-4
    gaps = rng.random(n) < 0.01
    dt[gaps] += rng.uniform(0.2, 5.0, gaps.sum())
    t = np.cumsum(dt)
    data = {}
    for c in chans:
        steps = rng.normal(0, scale / 10 + 1e-9, n).cumsum()
        jumps = np.where(rng.random(n) < 0.02, rng.normal(0, scale + 1e-9, n), 0.0)
        data[c] = 30.0 + steps + jumps
    blk = SampleBlock(t, data)
    det = Detector(chans)
    events = []
    for i in range(0, n, block):
        events += det.push(blk.slice(i, i + block))
    events += det.finish()
    detected = [e.detected_s for e in events if e.kind is not EventKind.GAP]
    assert all(np.isfinite(detected))
    for rep in det.repetitions:
        times = [rep.onset_s, rep.hold_start_s, rep.hold_end_s, rep.release_s, rep.end_s]
        known = [x for x in times if x is not None]
        assert known == sorted(known)
        assert rep.onset_s <= rep.onset_detected_s + 1e-9


def test_broken_samples_are_skipped_and_counted() -> None:
    t = np.arange(0, 20, 0.02)
    sq = 30 + np.where((t > 5) & (t < 10), 25.0, 0.0)
    sq[100] = np.nan
    t2 = t.copy()
    t2[200] = t2[199]  # time does not advance
    det = Detector((Channel.SQUEEZE,))
    det.push(SampleBlock(t2, {Channel.SQUEEZE: sq}))
    det.finish()
    assert det.skipped == 2
    assert len(det.repetitions) == 1
