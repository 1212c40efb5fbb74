"""The detector never crashes: arbitrary values, gaps, broken samples, odd block sizes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perineo.samples import Channel, SampleBlock
from perineo.signal.detect import Detector
from perineo.signal.events import EventKind


@pytest.mark.slow
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


def test_one_sample_glitches_make_no_repetition_and_split_no_hold() -> None:
    from perineo.signal.analysis import analyze_block
    from perineo_sim import load_scenario, simulate
    from perineo_sim.compare import score

    sim = simulate(load_scenario("intensive"), seed=1)
    b = sim.block
    rng = np.random.default_rng(0)
    sq = b.data[Channel.SQUEEZE].copy()
    idx = rng.choice(len(sq), 40, replace=False)
    sq[idx] += np.where(rng.random(40) < 0.5, 300.0, -300.0)
    an = analyze_block(SampleBlock(b.t, {**b.data, Channel.SQUEEZE: sq}))
    tally = score(sim.truth.to_json()["reps"], [r.to_json() for r in an.reps])
    assert tally.fp == 0 and tally.fn == 0
    assert all(tally.lifts_exact)


def test_glitch_removal_keeps_edges_and_is_split_invariant() -> None:
    from perineo.signal.glitch import GlitchState, remove_glitches

    t = np.arange(12, dtype=float)
    x = np.array([0, 0, 0, 90, 0, 0, 30, 60, 90, 90, 90, -80], dtype=float)[:, None]
    whole_t, whole_x, st, fixed = remove_glitches(t, x, GlitchState(), 20.0)
    assert fixed == 1 and whole_x[3, 0] == 0.0  # the lone spike
    assert list(whole_x[6:9, 0]) == [30.0, 60.0, 90.0]  # a real edge is kept
    assert len(whole_t) == 11 and st.held_t == 11.0  # the last jump waits for its successor
    parts_t, parts_x, st2 = [], [], GlitchState()
    for k in range(12):
        pt, px, st2, _ = remove_glitches(t[k : k + 1], x[k : k + 1], st2, 20.0)
        parts_t.append(pt)
        parts_x.append(px)
    assert np.array_equal(np.concatenate(parts_t), whole_t)
    assert np.array_equal(np.vstack(parts_x), whole_x)
