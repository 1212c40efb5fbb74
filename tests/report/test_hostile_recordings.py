"""perineo report on hostile recordings (issue 15): clock jumps, huge, negative and
backward times, values the probe cannot send, strict JSON, long recordings in bounded memory.
Every case is a real file in tmp_path read by the real command."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from tests.files import rss_kb
from tests.report.long_recordings import assessment, repeated, rest_then_assessment

from perineo.assess import measures
from perineo.cli import main
from perineo.recording import write_recording
from perineo.report import reading
from perineo.report.build import dumps
from perineo.samples import Channel, SampleBlock


def _strict(text: str) -> dict:  # type: ignore[type-arg]
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("perineo: ") and "Traceback" not in err
    return lines[0]


def _report(path: Path, capsys) -> tuple[dict, str]:  # type: ignore[type-arg]
    assert main(["report", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    return _strict(captured.out), captured.err


@pytest.fixture(scope="module")
def block() -> SampleBlock:
    return assessment(rate=50.0, seed=1)


@pytest.fixture
def clean(block: SampleBlock, home: Path, capsys) -> dict:  # type: ignore[type-arg]
    path = home / "clean.csv"
    write_recording(path, block)
    doc, err = _report(path, capsys)
    assert err == "" and doc["out_of_range_samples"] == 0 and doc["warnings"] == []
    return doc


def _with_times(block: SampleBlock, t: np.ndarray) -> SampleBlock:
    return SampleBlock(t, dict(block.data))


# ---------------------------------------------------------------- the rest curve's grid
def _rest_curve_over_the_span(t, x, mask, half_window_s):  # type: ignore[no-untyped-def]
    """rest_curve as it was: a grid over the whole span (10^12 s asked for 14.6 TiB)."""
    grid = np.arange(float(t[0]), float(t[-1]) + measures.REST_GRID_S, measures.REST_GRID_S)
    tr, xr = t[mask], x[mask]
    lo = np.searchsorted(tr, grid - half_window_s)
    hi = np.searchsorted(tr, grid + half_window_s)
    vals = np.full(len(grid), np.nan)
    for j, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if b - a >= 10:
            vals[j] = float(np.median(xr[a:b]))
    ok = ~np.isnan(vals)
    return np.interp(t, grid[ok], vals[ok]) if ok.any() else np.full(len(t), np.median(xr))


@pytest.mark.slow
def test_the_rest_curve_is_the_same_on_the_grid_near_the_samples() -> None:
    """Only the grid points within reach of a sample are computed now; the curve is the one
    the grid over the whole span gave, value for value, with gaps of every width."""
    rng = np.random.default_rng(7)
    for _ in range(60):
        rate = float(rng.choice([25, 50, 100, 200]))
        n = int(rng.integers(50, 6000))
        dt = np.full(n - 1, 1 / rate) * (1 + rng.normal(0, 0.01, n - 1))
        gaps = rng.random(n - 1) < 0.003
        dt[gaps] += rng.choice([0.3, 3.0, 9.9, 10.0, 24.1, 1000.0], gaps.sum())
        t0 = float(rng.choice([0.0, 0.123456789, -50.7, 1.7e9 + 0.3]))
        t = t0 + np.concatenate(([0.0], np.cumsum(dt)))
        x = np.cumsum(rng.normal(0, 1, n))
        mask = rng.random(n) < float(rng.choice([0.3, 0.9, 1.0]))
        for hw in (measures.REST_HALF_WINDOW_S, measures.BREATH_REST_HALF_WINDOW_S):
            expected = _rest_curve_over_the_span(t, x, mask, hw)
            assert np.array_equal(measures.rest_curve(t, x, mask, hw), expected)


def test_the_rest_curve_over_a_clock_jump_follows_the_samples() -> None:
    t = np.concatenate((np.arange(0, 100, 0.02), 1e12 + np.arange(0, 100, 0.02)))
    x = np.where(t < 1e12, 30.0, 40.0) + 0.1 * np.sin(t)
    start = time.process_time()
    curve = measures.rest_curve(t, x, np.ones(len(t), dtype=bool))
    assert time.process_time() - start < 5
    assert np.all(np.abs(curve - np.where(t < 1e12, 30.0, 40.0)) < 0.2)


# ---------------------------------------------------------------- times (item 5)
@pytest.mark.slow
@pytest.mark.parametrize("where", ["rest", "recovery", "fast"])
def test_a_clock_jump_of_10_12_s_gives_the_report(
    where: str, block: SampleBlock, clean: dict, home: Path, capsys
) -> None:
    """A 10^12 s jump (it asked for 14.6 TiB and died with a traceback): the report of the
    samples the file holds, the PERFECT line as without the jump, at once."""
    steps = {s["step"]: s for s in clean["steps"]}
    at = {
        "rest": steps["rest"]["end_s"] - 5.0,  # before the first hold
        "recovery": (steps["recovery"]["start_s"] + steps["recovery"]["end_s"]) / 2,
        "fast": steps["fast"]["end_s"] - 2.0,  # after the last contraction
    }[where]
    t = block.t.copy()
    t[t >= at] += 1e12
    path = home / "jump.csv"
    write_recording(path, _with_times(block, t))
    start = time.process_time()
    doc, err = _report(path, capsys)
    assert time.process_time() - start < 60
    assert err == ""
    assert doc["perfect"] == clean["perfect"]
    # the resting level is the rest's last 15 s of time: a jump 5 s before its end leaves 5
    assert doc["resting_cmH2O"] == pytest.approx(
        clean["resting_cmH2O"], abs=0 if where != "rest" else 1.0
    )
    assert len(doc["contractions"]) == len(clean["contractions"])
    html = home / "jump.html"
    assert main(["report", str(path), "--out", str(html)]) == 0
    assert "<svg" in html.read_text(encoding="utf-8")


@pytest.mark.slow
def test_negative_and_huge_times(block: SampleBlock, clean: dict, home: Path, capsys) -> None:
    """A clock a million seconds below zero, or a last sample at 10^300 s: the same report.
    Times a float cannot subtract (from -1.7e308 to 1.7e308) are refused in one line."""
    negative = home / "negative.csv"
    write_recording(negative, _with_times(block, block.t - 1e6))
    doc, _ = _report(negative, capsys)
    assert doc["perfect"] == clean["perfect"]
    assert doc["measured_from_s"] == pytest.approx(block.t[0] - 1e6, abs=1e-3)
    t = block.t.copy()
    t[-1] = 1e300
    huge = home / "huge.csv"
    write_recording(huge, _with_times(block, t))
    doc, _ = _report(huge, capsys)
    assert doc["perfect"] == clean["perfect"]
    t[0] = -1.7e308
    t[-1] = 1.7e308
    beyond = home / "beyond.csv"
    write_recording(beyond, _with_times(block, t))
    for fmt in ("json", "html"):
        assert main(["report", str(beyond), "--format", fmt]) == 2
        line = _one_line(capsys.readouterr().err)
        assert "a span too large to measure" in line


def test_time_backwards_or_repeated_is_one_line(block: SampleBlock, home: Path, capsys) -> None:
    for name, change in (("backwards", -1.0), ("repeated", None)):
        t = block.t.copy()
        t[1000] = t[999] if change is None else t[999] + change
        path = home / f"{name}.csv"
        write_recording(path, _with_times(block, t))
        assert main(["report", str(path), "--format", "json"]) == 2
        line = _one_line(capsys.readouterr().err)
        assert "line 1002: time goes backwards or repeats" in line
        assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- values (item 5)
@pytest.mark.slow
def test_values_outside_the_probes_range_are_left_out_counted_and_reported(
    block: SampleBlock, clean: dict, home: Path, capsys
) -> None:
    """A burst of 1e100 in the rest and one -400: corrupt samples, as analyze treats them.
    The report is the report of the file without those rows; the count is on stderr (one
    line), in the JSON and on the page."""
    sq = block.data[Channel.SQUEEZE].copy()
    at = int(np.searchsorted(block.t, clean["steps"][0]["end_s"] - 6.0))
    sq[at : at + 40] = 1e100
    sq[at + 100] = -400.0
    sq[at + 150] = 327.67  # the probe's largest value: kept
    path = home / "burst.csv"
    write_recording(path, SampleBlock(block.t, {**block.data, Channel.SQUEEZE: sq}))
    keep = np.abs(sq) <= 327.67
    data = {**block.data, Channel.SQUEEZE: sq}
    without = home / "without.csv"
    write_recording(without, SampleBlock(block.t[keep], {c: v[keep] for c, v in data.items()}))
    expected, _ = _report(without, capsys)
    doc, err = _report(path, capsys)
    warning = _one_line(err)
    assert "41 samples with a value outside the probe's range (±327.67) left out" in warning
    assert f"the first on line {at + 2}" in warning
    assert doc.pop("out_of_range_samples") == 41 and expected.pop("out_of_range_samples") == 0
    assert doc.pop("warnings") == [warning.removeprefix("perineo: ")]
    assert expected.pop("warnings") == []
    for d in (doc, expected):
        d.pop("source"), d.pop("date")
    assert doc == expected
    html = home / "burst.html"
    assert main(["report", str(path), "--out", str(html)]) == 0
    assert "41 samples" in html.read_text(encoding="utf-8")
    warned, wrote = capsys.readouterr().err.splitlines()
    assert warned == warning and wrote == f"wrote {html}"


def test_every_sample_out_of_range_is_one_line(home: Path, capsys) -> None:
    path = home / "all.csv"
    path.write_text("t,squeeze\n0,1e100\n0.02,400\n0.04,-1e9\n", encoding="utf-8")
    assert main(["report", str(path), "--format", "json"]) == 2
    assert "has fewer than 2 samples" in capsys.readouterr().err


def test_the_report_json_is_strict(block: SampleBlock, home: Path, capsys) -> None:
    """Whatever a number turns out to be, the JSON has no NaN or Infinity: null instead."""
    path = home / "clean.csv"
    write_recording(path, block)
    doc, _ = _report(path, capsys)
    doc["power_cmH2O"] = float("nan")
    doc["contractions"][0]["peak_cmH2O"] = float("inf")
    doc["change"] = {"fast": -float("inf")}
    back = _strict(dumps(doc))
    assert back["power_cmH2O"] is None and back["contractions"][0]["peak_cmH2O"] is None
    assert back["change"] == {"fast": None}
    assert back["perfect"] == doc["perfect"]


# ---------------------------------------------------------------- length (item 4)
@pytest.mark.slow
def test_a_long_rest_before_the_assessment_is_left_out(
    block: SampleBlock, clean: dict, home: Path, monkeypatch, capsys
) -> None:
    """Past MAX_SAMPLES (here 20 000) the report measures from a minute before the first
    contraction, says so, and gives the assessment's numbers."""
    monkeypatch.setattr(reading, "MAX_SAMPLES", 20_000)
    path = home / "long.csv"
    shift = rest_then_assessment(path, 900.0, block)  # 45 000 samples of rest first
    doc, err = _report(path, capsys)
    first = clean["contractions"][0]["onset_s"] + shift
    assert doc["measured_from_s"] == pytest.approx(first - reading.REST_LEAD_S, abs=0.05)
    assert doc["steps"][0]["step"] == "rest"
    assert doc["steps"][0]["start_s"] == pytest.approx(doc["measured_from_s"], abs=1e-3)
    assert doc["perfect"] == clean["perfect"]
    assert [c["onset_s"] for c in doc["contractions"]] == pytest.approx(
        [c["onset_s"] + shift for c in clean["contractions"]], abs=0.01
    )
    line = _one_line(err)
    assert f"the report measures from {doc['measured_from_s']:.1f} s" in line
    assert doc["warnings"] == [line.removeprefix("perineo: ")]


@pytest.mark.slow
def test_an_assessment_longer_than_the_report_measures_is_one_line(
    block: SampleBlock, home: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(reading, "MAX_SAMPLES", 20_000)
    path = home / "repeated.csv"
    repeated(path, block, 3)  # holds from the start: nothing to leave out
    assert main(["report", str(path), "--format", "json"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "more than the 20000 samples a report measures (400 s at this rate)" in line
    assert capsys.readouterr().out == ""


@pytest.mark.slow
@pytest.mark.parametrize("rest_h", [5.0, 12.0])
def test_a_long_recording_is_reported_in_bounded_memory(rest_h: float, home: Path, capsys) -> None:
    """At 50 Hz with three channels: 5 h of rest and an assessment (910 000 samples, all of
    them measured) and 12 h (2.17 M, the rest left out): under 300 MB resident both."""
    path = home / "long.csv"
    rest_then_assessment(path, rest_h * 3600, assessment(rate=50.0, seed=1))
    argv = [sys.executable, "-m", "perineo", "report", str(path), "--format", "json"]
    rss = rss_kb(argv)
    assert rss < 300_000, f"{rss / 1000:.0f} MB"
