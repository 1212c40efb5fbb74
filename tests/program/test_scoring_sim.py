"""Scoring on the simulator's ground truth: the issue's targets, without the detector."""

from __future__ import annotations

import pytest

from perineo.program.loader import get_program
from perineo.program.scoring import Verdict, score_analysis
from perineo.signal.events import Repetition, TechError
from perineo_sim import Truth, parse_scenario, simulate

SCENARIO = """
name = "t"
channels = ["squeeze", "abdominal", "tilt"]
sample_rate_hz = 50
[[block]]
kind = "intensive"
count = 8
hold_s = 7
quick_lifts = 4
rest_s = 4
strength_cmH2O = [25, 70]
{error}
"""


def reps_of(truth: Truth) -> list[Repetition]:
    return [
        Repetition(
            i,
            r.onset_s,
            r.onset_s,
            r.hold_start_s,
            r.hold_end_s,
            r.release_s,
            r.end_s,
            r.peak_cmH2O,
            0.0,
            quick_lifts_s=r.quick_lifts_s,
            errors=tuple(TechError(e) for e in r.errors),
        )
        for i, r in enumerate(truth.reps)
    ]


def test_correct_intensive_reps_score_at_least_90_and_good():
    sim = simulate(parse_scenario(SCENARIO.format(error=""), "t"), seed=3)
    scores, summary = score_analysis(reps_of(sim.truth), get_program("intensive"))
    assert len(scores) == 8
    assert all(s.score >= 90 and s.verdict is Verdict.GOOD for s in scores)
    assert summary.sets_done == 1


@pytest.mark.parametrize("error", [e.value for e in TechError])
def test_every_rep_of_an_error_scenario_is_not_good_and_names_it(error):
    text = SCENARIO.format(error=f'error = "{error}"\nerror_prob = 1.0')
    sim = simulate(parse_scenario(text, "t"), seed=4)
    scores, _ = score_analysis(reps_of(sim.truth), get_program("intensive"))
    assert scores
    assert all(s.verdict is not Verdict.GOOD for s in scores)
    assert all(error in {r.value for r in s.reasons} for s in scores)
