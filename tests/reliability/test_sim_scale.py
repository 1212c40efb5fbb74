"""The simulator scales (issue 15, item 9): time linear in repetitions, a day renders, and a
session too long to hold in memory is refused on one line."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from perineo.cli import main
from perineo_sim import parse_scenario, simulate
from perineo_sim.person import VirtualPerson
from perineo_sim.session import MAX_SAMPLES

MANY = """
name = "many"
channels = ["squeeze", "abdominal", "tilt"]
sample_rate_hz = 100
duration_s = 300

[[block]]
kind = "fast"
count = 100
rest_s = [1, 1.5]
"""


def _cpu_s(duration_s: float) -> tuple[float, int]:
    scn = replace(parse_scenario(MANY, "many.toml"), duration_s=duration_s)
    t0 = time.process_time()
    result = simulate(scn, 1)
    return time.process_time() - t0, len(result.truth.reps)


def test_simulation_time_grows_linearly_with_repetitions() -> None:
    """4x the repetitions take about 4x the time; it used to be quadratic (every repetition's
    truth rendered every repetition: 1 500 repetitions took 53 s, now 3 s)."""
    short, n_short = min(_cpu_s(300.0) for _ in range(2))
    long, n_long = _cpu_s(1200.0)
    assert n_long > 3.5 * n_short > 350
    # linear: about 4; the old code measured 11 here
    assert long / short < 7.0, (short, long)


def test_the_window_search_renders_what_every_repetition_would() -> None:
    """Rendering only the repetitions near the times asked for gives the same numbers as
    rendering them all, at any chunking (the live mode renders chunk by chunk)."""
    scn = parse_scenario(MANY, "many.toml")
    result = simulate(scn, 4)
    person = VirtualPerson(result.plan.person, np.random.default_rng(0))
    for rep in result.plan.reps:
        person.schedule(rep)
    for art in result.plan.artifacts:
        person.add_artifact(art)
    t = np.arange(0.0, result.plan.duration_s, 0.01)
    whole = person.render(t).pf
    parts = np.concatenate([person.render(c).pf for c in np.array_split(t, 97)])
    assert np.array_equal(whole, parts)
    k = 0.8
    every = np.zeros_like(t)
    for rep in person.reps:  # the old way: every repetition, each once
        lo, hi = np.searchsorted(t, (rep.onset_s, rep.render_end_s))
        if lo < hi:
            p, a, _ = rep.render(t[lo:hi])
            every[lo:hi] += p + k * a
    assert np.allclose(person.contraction_squeeze(t, k), every, rtol=0, atol=1e-12)


def test_a_session_too_long_for_memory_is_refused_on_one_line(tmp_path: Path, capsys) -> None:
    scn = tmp_path / "day.toml"
    scn.write_text(
        MANY.replace("duration_s = 300", "duration_s = 86400").replace("= 100\n", "= 200\n", 1)
    )
    assert main(["sim", str(scn), "--out", str(tmp_path / "day.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith("perineo: ") and f"{MAX_SAMPLES:,}" in err and "12 h at this rate" in err
    assert not (tmp_path / "day.csv").exists()
