import dataclasses

import numpy as np
import pytest

from perineo.samples import Channel
from perineo.sources.replay import find_gaps
from perineo_sim import load_scenario, parse_scenario, random_scenario, scenario_names, simulate
from perineo_sim.actions import ERRORS, RepKind

from .helpers import quiet


def test_same_seed_same_session() -> None:
    scn = load_scenario("mixed")
    a, b = simulate(scn, 7), simulate(scn, 7)
    assert np.array_equal(a.block.t, b.block.t)
    for c in a.block.channels:
        assert np.array_equal(a.block.data[c], b.block.data[c])
    assert a.truth == b.truth


def test_other_seed_other_session() -> None:
    scn = load_scenario("basic")
    a, b = simulate(scn, 1), simulate(scn, 2)
    assert a.truth.reps != b.truth.reps
    assert len(a.block) != len(b.block) or not np.array_equal(
        a.block.data[Channel.SQUEEZE], b.block.data[Channel.SQUEEZE]
    )


def check_truth(res) -> None:
    truth, t = res.truth, res.block.t
    assert truth.reps, "a session has repetitions"
    prev_end = -np.inf
    for r in truth.reps:
        assert prev_end <= r.onset_s < r.hold_start_s <= r.hold_end_s <= r.release_s < r.end_s
        assert all(r.hold_end_s < q < r.release_s for q in r.quick_lifts_s)
        assert list(r.quick_lifts_s) == sorted(r.quick_lifts_s)
        assert set(r.errors) <= set(ERRORS)
        assert r.kind in {k.value for k in RepKind}
        assert r.peak_cmH2O > 0 or "push_down" in r.errors
        prev_end = r.end_s
    assert t[0] >= 0 and np.all(np.diff(t) > 0)
    assert t[-1] <= truth.duration_s + 1.0 / truth.sample_rate_hz
    for a in truth.artifacts:
        assert all(a.end_s < r.onset_s or a.t_s > r.end_s for r in truth.reps)


@pytest.mark.parametrize("name", scenario_names())
def test_truth_is_consistent(name: str) -> None:
    check_truth(simulate(load_scenario(name), 0))


@pytest.mark.parametrize("seed", range(12))
def test_random_scenarios_are_consistent_and_varied(seed: int) -> None:
    res = simulate(random_scenario(np.random.default_rng(seed)), seed)
    check_truth(res)
    assert 25 <= res.truth.sample_rate_hz <= 200


def test_random_scenarios_cover_every_error_and_kind() -> None:
    errors, kinds = set(), set()
    for seed in range(30):
        scn = random_scenario(np.random.default_rng(seed), sample_rate_hz=50)
        for b in scn.blocks:
            errors.update(b.errors)
            kinds.add(b.kind)
    assert errors == set(ERRORS)
    assert kinds == set(RepKind)


@pytest.mark.parametrize("kind", ["intensive", "light", "fast", "endurance"])
def test_peak_matches_the_samples(kind: str) -> None:
    res = simulate(quiet(kind, count=4), 3)
    t, sq = res.block.t, res.block.data[Channel.SQUEEZE]
    rest = res.plan.fit.rest_level_cmH2O  # no drift, no wander in the quiet scenario
    for r in res.truth.reps:
        inside = (t >= r.onset_s) & (t <= r.end_s)
        seen = sq[inside].max() - rest
        assert seen == pytest.approx(r.peak_cmH2O, abs=0.5 + 0.02 * r.peak_cmH2O)


def test_events_are_where_the_truth_says() -> None:
    res = simulate(quiet("intensive", count=3, extra="quick_lifts = 3"), 5)
    t, sq = res.block.t, res.block.data[Channel.SQUEEZE]
    rest = res.plan.fit.rest_level_cmH2O

    def at(x: float) -> float:
        return float(np.interp(x, t, sq)) - rest

    for r in res.truth.reps:
        assert abs(at(r.onset_s)) < 0.5  # the foot is at rest
        assert at(r.hold_start_s) > 0.7 * r.peak_cmH2O - 5
        assert len(r.quick_lifts_s) == 3
        for q in r.quick_lifts_s:  # each lift's peak stands above the hold just before it
            assert at(q) > at(r.hold_end_s) + 1.0
        assert abs(at(r.end_s)) < 0.8  # back at rest


def test_channel_subsets_and_rates() -> None:
    scn = load_scenario("basic")
    for chans in [(Channel.SQUEEZE,), (Channel.SQUEEZE, Channel.TILT)]:
        for rate in (25.0, 200.0):
            res = simulate(dataclasses.replace(scn, channels=chans, sample_rate_hz=rate), 1)
            assert res.block.channels == chans
            assert res.truth.channels == tuple(c.value for c in chans)
            assert np.median(np.diff(res.block.t)) == pytest.approx(1 / rate, rel=0.01)
    assert simulate(load_scenario("squeeze_only"), 0).block.channels == (Channel.SQUEEZE,)


def test_noisy_has_gaps_exactly_as_the_truth_lists_them() -> None:
    res = simulate(load_scenario("noisy"), 2)
    gaps = [(g.start_s, g.end_s) for g in res.truth.gaps]
    assert gaps
    assert gaps == find_gaps(res.block.t)
    t = res.block.t
    for a, b in gaps:
        assert not np.any((t > a) & (t < b))
        assert a in t and b in t
    assert np.median(np.diff(t)) == pytest.approx(1 / 25, rel=0.02)


def test_values_are_quantised() -> None:
    res = simulate(load_scenario("intensive"), 0)
    for c in res.block.channels:
        v = res.block.data[c] * 100
        assert np.allclose(v, np.round(v), atol=1e-6)


def test_drift_raises_the_resting_level() -> None:
    res = simulate(load_scenario("intensive"), 1)
    fit = res.plan.fit
    assert 2 <= fit.drift_cmH2O <= 8 and 40 <= fit.drift_tau_s <= 150
    assert res.truth.person["k"] == pytest.approx(fit.k, abs=1e-4)


def test_duration_repeats_blocks_and_rest_only_sessions_end() -> None:
    text = 'duration_s = 120\nlead_in_s = 2\n[[block]]\nkind = "fast"\ncount = 2\n'
    res = simulate(parse_scenario(text, "loop"), 0)
    assert res.truth.duration_s == 120 and len(res.truth.reps) > 10
    assert res.truth.reps[-1].end_s <= 120
    rest = simulate(parse_scenario('duration_s = 30\n[[block]]\nkind = "rest"\n', "r"), 0)
    assert not rest.truth.reps and rest.block.t[-1] == pytest.approx(30, abs=0.05)


def test_kept_repetitions_repeat_the_first_hold_then_are_lost() -> None:
    """PERFECT's R step: kept repetitions hold as long as the first, lost ones well short."""
    lengths = set()
    for seed in range(6):
        res = simulate(quiet("endurance", count=8, extra="kept = [1, 5]"), seed)
        holds = [r.hold_s for r in res.plan.reps]
        first = holds[0]
        kept = [h / first for h in holds[1:] if h > 0.9 * first]
        lost = [h / first for h in holds[1:] if h <= 0.9 * first]
        assert 1 <= len(kept) <= 5 and len(kept) + len(lost) == 7
        assert all(0.97 <= f <= 1.05 for f in kept) and all(0.2 <= f <= 0.6 for f in lost)
        assert all(h <= first - 2.5 for h in holds[1:] if h <= 0.9 * first)
        # kept first, then lost: she does not recover in the middle of the step
        assert holds[1 : 1 + len(kept)] == [h for h in holds[1:] if h > 0.9 * first]
        same = {(r.fatigue, r.fatigue_power, r.overshoot, r.fall_s) for r in res.plan.reps}
        assert len(same) == 1  # one muscle, one task: the first hold's fading throughout
        lengths.add(len(kept))
    assert len(lengths) > 1  # how long she lasts is drawn per session


def test_without_kept_each_hold_is_drawn_on_its_own() -> None:
    res = simulate(quiet("endurance", count=8, extra=""), 1)
    holds = [r.hold_s for r in res.plan.reps]
    assert len({round(h, 3) for h in holds}) == 8
    assert any(abs(h / holds[0] - 1) > 0.1 for h in holds[1:])
    assert len({r.fatigue for r in res.plan.reps}) == len({r.fall_s for r in res.plan.reps}) == 8
