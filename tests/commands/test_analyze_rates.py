"""``perineo analyze`` accepts 25–200 Hz with the ~1 % tolerance float time steps need."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from perineo.cli import main
from perineo.recording import rate_in_range, write_recording
from perineo.samples import Channel, SampleBlock
from perineo_sim import load_scenario, simulate


def _shifted(rate: float, offset_s: float) -> SampleBlock:
    """The intensive scenario at ``rate``, its clock moved by ``offset_s`` (a wall clock)."""
    import dataclasses

    scn = dataclasses.replace(load_scenario("intensive"), sample_rate_hz=rate)
    block = simulate(scn, seed=4).block
    return SampleBlock(block.t + offset_s, dict(block.data))


@pytest.mark.parametrize("offset_s", [0.0, 12.3456789, 1.7e9 + 0.123])
def test_200_hz_with_any_time_offset_is_200_hz(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], offset_s: float
) -> None:
    rng = np.random.default_rng(7)
    offset = offset_s + float(rng.uniform(0, 1))
    path = tmp_path / "r200.csv"
    write_recording(path, _shifted(200.0, offset))
    assert main(["analyze", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sample_rate_hz"] == pytest.approx(200.0, rel=0.01)
    assert len(out["reps"]) >= 3
    # times stay in the recording's own clock
    assert out["reps"][0]["onset_s"] > offset


def test_a_float_200_hz_clock_is_in_range() -> None:
    t = 1000.123 + np.arange(2000) / 200.0
    rate = float(1.0 / np.median(np.diff(t)))
    assert rate_in_range(rate)
    assert rate_in_range(25.0 * 0.995) and rate_in_range(200.0 * 1.005)
    assert not rate_in_range(24.0) and not rate_in_range(203.0)


def test_a_rate_clearly_outside_is_refused(tmp_path: Path, capsys) -> None:
    t = np.arange(0, 10, 1 / 250.0)
    path = tmp_path / "r250.csv"
    write_recording(path, SampleBlock(t, {Channel.SQUEEZE: np.full(len(t), 20.0)}))
    assert main(["analyze", str(path)]) != 0
    err = capsys.readouterr().err
    assert "outside 25–200 Hz" in err
