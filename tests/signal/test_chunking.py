"""The detector's events do not depend on how the stream is split into blocks."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perineo.samples import SampleBlock
from perineo.signal.detect import Detector
from perineo.signal.events import Repetition
from perineo.signal.filters import filt, lowpass
from perineo.signal.resample import ResampleState, resample
from perineo_sim import random_scenario, simulate


def _events(block: SampleBlock, cuts: list[int]) -> list[tuple]:
    det = Detector(block.channels)
    out = []
    bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(block))), len(block)]
    for lo, hi in itertools.pairwise(bounds):
        out += det.push(block.slice(lo, hi))
    out += det.finish()
    # the repetitions' own figures too (peak, hold level, drop): not only when things happened
    return [
        (e.kind, e.t, e.detected_s, e.rep, e.error, e.value, _figures(e.repetition)) for e in out
    ]


def _figures(rep: Repetition | None) -> str | None:
    return None if rep is None else json.dumps(rep.to_json(), sort_keys=True)


@pytest.fixture(scope="module")
def session() -> SampleBlock:
    seed = 4242
    sc = random_scenario(np.random.default_rng(seed), ("squeeze", "abdominal", "tilt"), 100.0)
    block = simulate(sc, seed=seed).block
    return block.slice(0, min(len(block), 12_000))  # two minutes: reps, coughs, gaps


@pytest.fixture(scope="module")
def reference(session: SampleBlock) -> list[tuple]:
    return _events(session, [])


def test_reference_has_repetitions(reference: list[tuple]) -> None:
    kinds = {e[0].value for e in reference}
    assert {"onset", "hold_start", "release", "rest", "repetition"} <= kinds


@pytest.mark.slow
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cuts=st.lists(st.integers(min_value=1, max_value=11_999), min_size=1, max_size=400))
def test_random_splits_give_identical_events(
    session: SampleBlock, reference: list[tuple], cuts: list[int]
) -> None:
    assert _events(session, cuts) == reference


@pytest.mark.slow
def test_sample_by_sample_equals_one_block(session: SampleBlock, reference: list[tuple]) -> None:
    part = session.slice(0, 4000)
    assert _events(part, list(range(1, 4000))) == _events(part, [])


def test_filtering_in_chunks_equals_filtering_at_once() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000)
    f = lowpass(8.0, 50.0)
    whole, _ = filt(f, x, f.initial_state(0.0))
    z = f.initial_state(0.0)
    parts = []
    for lo in range(0, 1000, 37):
        y, z = filt(f, x[lo : lo + 37], z)
        parts.append(y)
    assert np.array_equal(np.concatenate(parts), whole)


def test_resampler_grid_is_split_invariant_and_marks_gaps() -> None:
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.008, 0.012, 2000))
    t[1000:] += 0.8  # a gap
    x = np.sin(t)[:, None]
    whole, _ = resample(t, x, ResampleState(), 50.0, 0.3)
    st_ = ResampleState()
    gt, gx, gaps = [], [], []
    for lo in range(0, 2000, 13):
        out, st_ = resample(t[lo : lo + 13], x[lo : lo + 13], st_, 50.0, 0.3)
        gt.append(out.t)
        gx.append(out.x)
        gaps += out.gaps
    assert np.array_equal(np.concatenate(gt), whole.t)
    assert np.array_equal(np.vstack(gx), whole.x)
    assert len(gaps) == 1 == len(whole.gaps)
    assert np.all(np.diff(whole.t)[np.diff(whole.t) < 0.5] == pytest.approx(0.02))
    assert not ((whole.t > t[999]) & (whole.t < t[1000])).any()


@pytest.mark.slow
def test_a_25_hz_probe_gives_the_same_events_sample_by_sample() -> None:
    """At 25 Hz the ballistic limit depends on the probe's sample interval, learned from its
    first samples: that too must not depend on how the stream was split."""
    seed = 4243
    sc = random_scenario(np.random.default_rng(seed), ("squeeze", "abdominal"), 25.0)
    part = simulate(sc, seed=seed).block.slice(0, 2500)  # 100 s
    assert _events(part, list(range(1, 2500))) == _events(part, [])
    assert _events(part, list(range(7, 2500, 13))) == _events(part, [])


@pytest.mark.slow
def test_weak_floors_on_a_slipping_probe_give_the_same_repetitions_in_any_blocks() -> None:
    """The mixed condition (weak floors, slips, stalls): the pieces ``analyze --block-s``
    cuts give the same repetitions, peaks and hold levels as one block."""
    from perineo_sim.conditions import condition_scenario

    seed = 5005
    sc = condition_scenario("mixed", np.random.default_rng(seed), ("squeeze", "abdominal"), 50.0)
    block = simulate(sc, seed=seed).block
    whole = _events(block, [])
    assert any(e[6] for e in whole)
    # (a block's gaps are told before its samples' events: compare what, not in which order)
    assert sorted(_events(block, list(range(35, len(block), 35))), key=repr) == sorted(
        whole, key=repr
    )
