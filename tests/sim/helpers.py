"""Small scenarios for fast, precise tests."""

from __future__ import annotations

from pathlib import Path

from perineo_sim import Scenario, parse_scenario

QUIET = """
name = "quiet"
channels = ["squeeze", "abdominal", "tilt"]
sample_rate_hz = {rate}
lead_in_s = 3
tail_s = 2
[person]
breath_pp_cmH2O = 0.3
heart_cmH2O = 0.05
drift_cmH2O = 0
[nuisances]
noise_cmH2O = 0.02
tilt_noise_deg = 0.01
wander_cmH2O = 0
coughs_per_min = 0
sneezes_per_min = 0
movements_per_min = 0
[[block]]
kind = "{kind}"
count = {count}
{extra}
"""


def quiet(kind: str = "intensive", count: int = 3, rate: float = 100, extra: str = "") -> Scenario:
    """Nearly noise-free: what the truth says must be visible in the samples."""
    return parse_scenario(QUIET.format(kind=kind, count=count, rate=rate, extra=extra), "quiet")


UNEVEN = Path(__file__).resolve().parents[1] / "data" / "uneven"


def uneven(name: str) -> str:
    """A PERFECT scenario as it was before ``kept``: the sessions regression tests name."""
    return "perfect_uneven" if name == "perfect" else str(UNEVEN / f"{name}.toml")
