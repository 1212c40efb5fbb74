"""Each technique error shows in the channels the way docs/design.md says it does."""

import numpy as np

from perineo.samples import Channel
from perineo_sim import load_scenario, simulate


def _mean(res, ch, a, b):
    t = res.block.t
    return float(res.block.data[ch][(t >= a) & (t < b)].mean())


def _rise(res, ch, r):
    before = _mean(res, ch, r.onset_s - 1.0, r.onset_s)
    return _mean(res, ch, r.hold_start_s, r.release_s) - before


def split(res, error):
    bad = [r for r in res.truth.reps if error in r.errors]
    good = [r for r in res.truth.reps if not r.errors]
    assert bad and good
    return bad, good


def test_push_down_carries_the_squeeze_with_abdominal_pressure_and_tilts_down() -> None:
    res = simulate(load_scenario("push_down"), 4)
    bad, good = split(res, "push_down")
    k = res.plan.fit.k
    for r in bad:
        abd = _rise(res, Channel.ABDOMINAL, r)
        assert abd > 10
        assert _rise(res, Channel.SQUEEZE, r) < k * abd + 1.5  # no real lift on top
        assert _rise(res, Channel.TILT, r) < -1.5
    for r in good:
        assert _rise(res, Channel.TILT, r) > 0.3
        assert _rise(res, Channel.ABDOMINAL, r) < 0.3 * _rise(res, Channel.SQUEEZE, r)


def test_bracing_raises_abdominal_by_half_the_lift_draw_in_by_a_tenth() -> None:
    res = simulate(load_scenario("abdominal_bracing"), 2)
    bad, good = split(res, "abdominal_bracing")
    k = res.plan.fit.k
    for r in bad + good:
        abd = _rise(res, Channel.ABDOMINAL, r)
        pf = _rise(res, Channel.SQUEEZE, r) - k * abd
        ratio = abd / pf
        if r in bad:
            assert ratio > 0.45
        else:
            assert ratio < 0.25


def test_breath_hold_flattens_the_breathing() -> None:
    res = simulate(load_scenario("breath_hold"), 3)
    bad, good = split(res, "breath_hold")
    t, abd = res.block.t, res.block.data[Channel.ABDOMINAL]

    def swing(r):
        inside = (t >= r.hold_start_s + 1.0) & (t < r.release_s)
        seg = abd[inside]
        # remove the slow trend of the contraction, keep the breathing
        fit = np.polyval(np.polyfit(t[inside], seg, 2), t[inside])
        return float(np.std(seg - fit))

    assert max(swing(r) for r in bad) < min(swing(r) for r in good)
    for r in bad:
        assert r.release_s - r.onset_s >= 6.0


def test_incomplete_release_stays_above_rest_until_the_next_onset() -> None:
    res = simulate(load_scenario("incomplete_release"), 1)
    bad, _ = split(res, "incomplete_release")
    reps = res.truth.reps
    checked = 0
    for prev, r, nxt in zip(reps, reps[1:], reps[2:], strict=False):
        if r not in bad or "incomplete_release" in prev.errors:
            continue  # the level before r must be the true rest
        level = _mean(res, Channel.SQUEEZE, r.end_s + 0.5, nxt.onset_s)
        rest = _mean(res, Channel.SQUEEZE, r.onset_s - 1.0, r.onset_s)
        assert level - rest > 0.15 * r.peak_cmH2O
        checked += 1
    assert checked


def test_coughs_are_artifacts_not_repetitions() -> None:
    res = simulate(load_scenario("coughs"), 0)
    kinds = {a.kind for a in res.truth.artifacts}
    assert "cough" in kinds
    t, abd = res.block.t, res.block.data[Channel.ABDOMINAL]
    for a in res.truth.artifacts:
        if a.kind == "cough":
            inside = (t >= a.t_s) & (t <= a.end_s)
            assert abd[inside].max() - _mean(res, Channel.ABDOMINAL, a.t_s - 1, a.t_s) > 20
