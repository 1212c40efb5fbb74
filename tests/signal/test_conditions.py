"""The detector on each condition of the simulator's physiology (``perineo_sim.conditions``).

Two sessions per condition and channel set, from tuning seeds; the benchmark
(``benchmarks/accuracy.py --conditions``) measures the same on seeds never tuned on. The
detector before these conditions were handled fails this file (tremor, posture, coughs,
breathing, and posture steps).
"""

from __future__ import annotations

import numpy as np
import pytest

from perineo.signal.analysis import analyze_block
from perineo.signal.events import EventKind
from perineo_sim import simulate
from perineo_sim.compare import ERROR_KINDS, Tally, score
from perineo_sim.conditions import condition_scenario

pytestmark = pytest.mark.slow

SETS = {
    "squeeze": (("squeeze",), ("incomplete_release",)),
    "squeeze+abdominal": (("squeeze", "abdominal"), ERROR_KINDS),
}


def _run(condition: str, chans: tuple[str, ...], rate: float, seed: int):
    sim = simulate(condition_scenario(condition, np.random.default_rng(seed), chans, rate), seed)
    return sim, analyze_block(sim.block)


@pytest.mark.parametrize(
    "condition",
    ["tremor", "posture", "coughs", "breathing", "weak", "strong", "probe_timing"],
)
@pytest.mark.parametrize("channels", list(SETS))
def test_each_condition(condition: str, channels: str) -> None:
    chans, verifiable = SETS[channels]
    tally = Tally()
    for seed, rate in ((7001, 50.0), (7002, 200.0)):
        sim, an = _run(condition, chans, rate, seed)
        tally.add(score(sim.truth.to_json()["reps"], [r.to_json() for r in an.reps], verifiable))
    s = tally.summary()
    # the benchmark's targets (issue 12) where the benchmark meets them; probe timing's
    # arrival stamps after a stall lose repetitions (docs/signal.md)
    assert s["f1"] >= (0.97 if condition == "probe_timing" else 0.98)
    assert s["lifts_exact"] >= 0.975
    assert s["hold_err_p90_s"] <= 0.4
    for kind in verifiable:
        assert (s[f"{kind}_fp_rate"] or 0.0) <= 0.05, kind


def test_posture_steps_become_resting_levels() -> None:
    for seed in range(7010, 7016):
        sim, an = _run("posture", ("squeeze",), 100.0, seed)
        # (a step in the first seconds is learnt with the resting level itself)
        ups = [s for s in sim.truth.level_steps if s.size_cmH2O > 4.0 and s.t_s > 20.0]
        if not ups:
            continue
        # an upward step of a contraction's size is no repetition ...
        for s in ups:
            assert not any(abs(r.onset_s - s.t_s) < 1.0 for r in an.reps)
        # ... and where one stood 30 s, a new resting level was announced
        assert any(e.kind is EventKind.LEVEL for e in an.events)
        return
    pytest.fail("no session with an upward step")


def test_cough_bouts_are_artifacts() -> None:
    sim, an = _run("coughs", ("squeeze", "abdominal"), 100.0, 7020)
    coughs = [a for a in sim.truth.artifacts if a.kind == "cough"]
    assert coughs
    near = [r for r in an.reps if any(a.t_s - 0.5 < r.onset_s < a.end_s for a in coughs)]
    assert len(near) <= len(coughs) // 10
    assert len(an.artifacts) >= len(coughs) // 2


def test_contractions_on_a_new_level_taken_for_a_hold_are_found_again() -> None:
    """A weak floor in the mixed condition (seed 5015): the probe slips 7 cmH2O up right
    after a contraction, and her next three 6 cmH2O contractions stand on the slip. The
    detector takes the slip for a hold and them for bumps on it, until the level has stood
    long enough to be rest; then it looks at them again from there (announced no earlier)."""
    sim, an = _run("mixed", ("squeeze", "abdominal", "tilt"), 100.0, 5015)
    truth = [r for r in sim.truth.reps if 100.0 < r.onset_s < 125.0]
    assert len(truth) == 3
    found = [d for d in an.reps if any(abs(d.onset_s - r.onset_s) < 1.0 for r in truth)]
    assert len(found) >= 2
    stood = next(e for e in an.events if e.kind is EventKind.LEVEL and 95.0 < e.t < 100.0)
    assert all(d.onset_detected_s >= stood.detected_s for d in found)
