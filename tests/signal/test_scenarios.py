"""Every event and technique error on the scenario made for it (simulator ground truth)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from tests.sim.helpers import uneven

from perineo.samples import Channel, SampleBlock
from perineo.signal.analysis import Analysis, analyze_block
from perineo.signal.events import EventKind, TechError
from perineo_sim import load_scenario, simulate
from perineo_sim.compare import match, score

KEPT_WEAK = str(Path(__file__).parents[1] / "data" / "kept" / "perfect_weak.toml")


@cache
def run(name: str, seed: int = 1) -> tuple[list[dict], Analysis, dict]:
    sim = simulate(load_scenario(name), seed=seed)
    truth = sim.truth.to_json()
    return truth["reps"], analyze_block(sim.block), truth


def _pairs(name: str):
    truth, an, _ = run(name)
    det = [r.to_json() for r in an.reps]
    return [(truth[i], det[j]) for i, j in match(truth, det)], truth, det


@pytest.mark.parametrize("name", ["learn", "basic", "intensive", "mixed"])
def test_every_repetition_is_found_once(name: str) -> None:
    truth, an, _ = run(name)
    tally = score(truth, [r.to_json() for r in an.reps])
    assert tally.fn == 0
    assert tally.fp == 0


def test_intensive_events_in_order_and_on_time() -> None:
    pairs, truth, _ = _pairs("intensive")
    assert len(pairs) == len(truth)
    for tr, d in pairs:
        keys = ["onset_s", "hold_start_s", "hold_end_s", "release_s", "end_s"]
        times = [d[k] for k in keys]
        assert times == sorted(times)
        assert abs(d["onset_s"] - tr["onset_s"]) < 0.15
        assert 0 < d["onset_detected_s"] - tr["onset_s"] < 0.4
        assert abs(d["hold_s"] - (tr["hold_end_s"] - tr["hold_start_s"])) < 0.5
        assert len(d["quick_lifts_s"]) == len(tr["quick_lifts_s"])
        for q_det, q_true in zip(d["quick_lifts_s"], tr["quick_lifts_s"], strict=True):
            assert abs(q_det - q_true) < 0.2
        assert d["errors"] == []


def test_live_event_stream_for_one_repetition() -> None:
    _, an, _ = run("intensive")
    first = [e for e in an.events if e.rep == 0]
    kinds = [e.kind for e in first]
    order = [EventKind.ONSET, EventKind.HOLD_START, EventKind.HOLD_END, EventKind.RELEASE]
    assert [k for k in kinds if k in order] == order
    assert kinds[-1] is EventKind.REPETITION
    assert kinds.count(EventKind.QUICK_LIFT) == len(an.reps[0].quick_lifts_s)
    detected = [e.detected_s for e in first]
    assert detected == sorted(detected)


@pytest.mark.parametrize(
    "name,error",
    [
        ("push_down", TechError.PUSH_DOWN),
        ("abdominal_bracing", TechError.ABDOMINAL_BRACING),
        ("breath_hold", TechError.BREATH_HOLD),
        ("incomplete_release", TechError.INCOMPLETE_RELEASE),
    ],
)
def test_error_scenario_flags_its_error(name: str, error: TechError) -> None:
    pairs, _, _ = _pairs(name)
    with_error = [(tr, d) for tr, d in pairs if error.value in tr["errors"]]
    without = [(tr, d) for tr, d in pairs if error.value not in tr["errors"]]
    assert with_error, "scenario has repetitions with the error"
    assert all(error.value in d["errors"] for _, d in with_error)
    assert sum(error.value in d["errors"] for _, d in without) <= max(1, len(without) // 10)


def test_correct_lifts_carry_no_technique_error() -> None:
    pairs, _, _ = _pairs("intensive")
    assert all(not d["errors"] for _, d in pairs)


def test_coughs_are_not_repetitions() -> None:
    truth, an, full = run("coughs")
    assert len(full["artifacts"]) >= 5
    tally = score(truth, [r.to_json() for r in an.reps])
    assert tally.fp == 0
    assert len(an.artifacts) >= len(full["artifacts"]) // 2


@pytest.mark.parametrize(
    ("name", "seed", "at_s"),
    [
        (uneven("perfect_weak"), 24, 123.29),  # a 0.46-s cough, 33 cmH2O, its twitch 17 cmH2O
        (uneven("perfect_weak"), 26, 79.78),  # a sneeze whose twitch outlasts it
    ],
)
def test_a_cough_held_up_by_its_twitch_is_not_a_repetition(
    name: str, seed: int, at_s: float
) -> None:
    """The abdominal impulse is too slow to be ballistic, and the pelvic floor's reflex
    twitch keeps the squeeze up after it: still a cough (the impulse left the squeeze)."""
    _, an, full = run(name, seed)
    assert any(abs(a["t_s"] - at_s) < 0.01 for a in full["artifacts"])
    assert not [r for r in an.reps if abs(r.onset_s - at_s) < 0.5]
    assert any(abs(e.t - at_s) < 0.5 for e in an.artifacts)


def test_a_fast_contraction_narrower_than_0_2_s_that_rises_like_a_muscle_counts() -> None:
    """perfect_weak seed 24 at 136.24 s: a 1-s contraction (rise 0.2 s, no hold, a steep
    0.4-s fall) only 0.19 s wide at half height; its 10-90 % rise (0.1 s) is a muscle's."""
    _, an, _ = run(uneven("perfect_weak"), 24)
    assert [r for r in an.reps if abs(r.onset_s - 136.24) < 0.15]


@pytest.mark.parametrize(
    ("name", "seed", "onset_s"),
    [
        (uneven("perfect"), 22, 184.31),  # 0.163 s wide, 10-90 % rise under 0.1 s
        (uneven("perfect_push"), 23, 185.67),  # 0.194 s wide, 1.4 s after the one before
    ],
)
def test_the_next_of_a_series_of_fast_contractions_counts_though_narrow(
    name: str, seed: int, onset_s: float
) -> None:
    """A fast contraction 0.13-0.2 s wide whose 10-90 % rise (0.07-0.1 s) is as quick as
    a knock's counts when it follows a quick contraction of about its size within 2 s."""
    _, an, _ = run(name, seed)
    assert [r for r in an.reps if abs(r.onset_s - onset_s) < 0.15]


def _bump(t: np.ndarray, t0: float, rise: float, fall: float, amp: float) -> np.ndarray:
    """A raised-cosine rise and fall, no hold."""
    y = np.zeros_like(t)
    u, v = (t - t0) / rise, (t - t0 - rise) / fall
    up, down = (u >= 0) & (u < 1), (v >= 0) & (v < 1)
    y[up] = amp * (0.5 - 0.5 * np.cos(np.pi * u[up]))
    y[down] = amp * (0.5 + 0.5 * np.cos(np.pi * v[down]))
    return y


@pytest.mark.parametrize(
    ("before", "knock_at", "knock_amp", "counted"),
    [
        ("nothing", 25.0, 30.0, False),
        ("fast", 25.0, 30.0, True),  # 2 s after a fast contraction of its size
        ("fast", 26.0, 30.0, False),  # 3 s after: no longer part of the series
        ("fast", 25.0, 80.0, False),  # 2.7 times bigger than the series
        ("hold", 25.0, 30.0, False),  # after a held contraction
    ],
)
def test_only_the_next_of_a_series_counts_though_narrow(
    before: str, knock_at: float, knock_amp: float, counted: bool
) -> None:
    """A narrow rise (0.14-s rise, 0.2-s fall: ~0.15 s wide at half height) is a knock on
    its own; right after fast contractions as big as it, it is the next of them."""
    t = np.arange(0.0, 40.0, 0.01)
    sq = 20.0 + 0.05 * np.random.default_rng(0).standard_normal(len(t))
    if before == "fast":
        for s in (18.0, 20.2, 22.4):  # each ends 0.6 s later
            sq += _bump(t, s, 0.25, 0.35, 30.0)
    elif before == "hold":
        sq += np.interp(t, [16.0, 16.5, 22.5, 23.0], [0.0, 30.0, 30.0, 0.0], left=0, right=0)
    sq += _bump(t, knock_at, 0.14, 0.2, knock_amp)
    reps = analyze_block(SampleBlock(t, {Channel.SQUEEZE: sq})).reps
    assert bool([r for r in reps if abs(r.onset_s - knock_at) < 0.15]) is counted
    assert len(reps) == {"nothing": 0, "fast": 3, "hold": 1}[before] + counted


def test_a_hold_begun_on_the_tail_of_a_deep_breath_is_found() -> None:
    """perfect_weak (kept) seed 156: a deep breath at 21 s (abdominal +10 cmH2O) is rightly
    no repetition; she squeezes at 22.69 s as it peaks. The contraction rose within the
    breath's refractory time, the local rest followed it up, and the whole 7-s hold was
    lost. A rise past the spike's top by a contraction's worth now ends the refractory."""
    truth, an, _ = run(KEPT_WEAK, 156)
    hold = next(r for r in truth if abs(r["onset_s"] - 22.69) < 0.05)
    found = [r for r in an.reps if abs(r.onset_s - hold["onset_s"]) < 0.3]
    assert len(found) == 1 and found[0].hold_s is not None and found[0].hold_s > 5.0
    assert found[0].onset_detected_s - hold["onset_s"] < 0.3


def test_a_steep_fast_contraction_is_not_closed_at_its_top() -> None:
    """perfect_uneven seed 26 at 157.14 s: a fast contraction falling hardest after its
    release was seen (truth: release 157.54 s, end 157.75 s). The knee was looked for
    from the top and the fall closed there: end = release, relaxation time 0.0 s."""
    _, an, _ = run(uneven("perfect"), 26)
    r = next(r for r in an.reps if abs(r.onset_s - 157.14) < 0.15)
    assert r.end_s is not None and abs(r.end_s - 157.75) < 0.1
    assert r.fall_time_s is not None and r.fall_time_s > 0.1


def test_a_contraction_begun_on_a_deep_breath_is_not_taken_for_the_breath() -> None:
    """perfect_push seed 45: she breathes in deeply (abdominal +7 cmH2O) and squeezes at
    its top (15.79 s). Judged on the top of the rise, the squeeze is her own, so the first
    hold keeps its onset and is measured whole."""
    truth, an, _ = run(uneven("perfect_push"), 45)
    first = min(an.reps, key=lambda r: abs(r.onset_s - truth[0]["onset_s"]))
    assert abs(first.onset_s - truth[0]["onset_s"]) < 0.2
    assert first.hold_start_s is not None
    assert abs(first.hold_start_s - truth[0]["hold_start_s"]) < 0.3


def test_a_knock_that_tilts_the_probe_down_without_abdominal_pressure_is_no_push_down() -> None:
    """perfect seed 59 at 144.82 s: the probe knocked (squeeze +23.5, tilt -6.7 deg) while
    the abdominal pressure stayed put. Bearing down raises it; this was no push-down."""
    _, an, full = run(uneven("perfect"), 59)
    assert any(abs(a["t_s"] - 144.82) < 0.01 for a in full["artifacts"])
    assert not [r for r in an.reps if abs(r.onset_s - 144.8) < 0.5]
    assert any(abs(e.t - 144.9) < 0.5 for e in an.artifacts)


def test_a_quick_strain_that_stays_at_its_top_is_a_push_down_not_a_cough() -> None:
    """perfect_push seed 47 at 155.71 s: a 1-s push-down rising in 0.155 s (as fast as a
    cough) but staying near its top for 0.2 s; a cough falls away from its peak at once."""
    _, an, _ = run(uneven("perfect_push"), 47)
    hit = [r for r in an.reps if abs(r.onset_s - 155.71) < 0.3]
    assert hit and TechError.PUSH_DOWN in hit[0].errors


def test_squeeze_only_says_push_down_is_not_verifiable() -> None:
    _, an, _ = run("squeeze_only")
    assert TechError.PUSH_DOWN in an.unverifiable
    assert TechError.BREATH_HOLD in an.unverifiable
    assert all("push_down" not in r.to_json()["errors"] for r in an.reps)
    assert all("push_down" in r.to_json()["unverifiable"] for r in an.reps)
    assert an.to_json()["unverifiable_errors"] == [
        "push_down",
        "abdominal_bracing",
        "breath_hold",
    ]


def test_gaps_are_reported_and_not_repetitions() -> None:
    truth, an, full = run("noisy")
    assert full["gaps"], "the noisy scenario drops packets"
    assert an.gaps
    tally = score(truth, [r.to_json() for r in an.reps])
    assert tally.fp == 0


def test_perfect_fast_contractions_are_counted() -> None:
    truth, an, _ = run(uneven("perfect"))
    fast = [t for t in truth if t["kind"] == "fast"]
    det = [r.to_json() for r in an.reps]
    found = {i for i, _ in match(truth, det)}
    assert fast
    assert sum(truth.index(t) in found for t in fast) >= len(fast) - 1
