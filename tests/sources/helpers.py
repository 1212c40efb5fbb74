"""Short scenarios for the source tests."""

from __future__ import annotations

from perineo_sim import Scenario, parse_scenario


def short(rate: float = 50, drops: float = 0.0) -> Scenario:
    """A scenario of a few seconds, for pacing tests."""
    text = f"""
sample_rate_hz = {rate}
lead_in_s = 1
tail_s = 1
[nuisances]
drop_prob = {drops}
[[block]]
kind = "fast"
count = 1
"""
    return parse_scenario(text, "short")


def reps(rate: float = 50, drops: float = 0.0) -> Scenario:
    """Three basic repetitions, about 28 s; with ``drops`` the probe loses packets."""
    text = f"""
sample_rate_hz = {rate}
lead_in_s = 1
tail_s = 1
[nuisances]
drop_prob = {drops}
[[block]]
kind = "basic"
count = 3
"""
    return parse_scenario(text, "reps")
