"""``perineo analyze``: the JSON contract, the table, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from perineo.cli import main
from perineo.recording import write_recording
from perineo.samples import Channel, SampleBlock
from perineo_sim import load_scenario, simulate

REP_KEYS = {
    "onset_s",
    "onset_detected_s",
    "hold_start_s",
    "hold_end_s",
    "release_s",
    "end_s",
    "peak_cmH2O",
    "quick_lifts_s",
    "errors",
}


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rec") / "intensive.csv"
    write_recording(path, simulate(load_scenario("intensive"), seed=2).block)
    return path


def test_json_contract(recording: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(recording), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "perineo.analysis/1"
    assert out["channels"] == ["squeeze", "abdominal", "tilt"]
    assert out["sample_rate_hz"] == pytest.approx(100.0, rel=0.01)
    assert out["reps"]
    for rep in out["reps"]:
        assert rep.keys() >= REP_KEYS
        assert rep["onset_s"] <= rep["onset_detected_s"]
        assert all(isinstance(q, float) for q in rep["quick_lifts_s"])


def test_table(recording: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(recording)]) == 0
    text = capsys.readouterr().out
    assert "repetitions" in text
    assert "onset s" in text


def test_scored_table_says_why_and_the_peak_unit(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perineo.commands.analyze import format_table

    assert main(["analyze", str(recording), "--format", "json", "--program", "intensive"]) == 0
    out = json.loads(capsys.readouterr().out)
    lines = format_table(out).splitlines()
    assert "peak cmH2O" in lines[1]
    first = out["reps"][0]
    assert lines[3].endswith(f"[set 1 rep 1 {first['verdict']} {first['score']}]")
    first.update(verdict="fix", score=87, reasons=["hold_short", "rest_short"])
    row = format_table(out).splitlines()[3]
    assert row.endswith(
        "  [set 1 rep 1 fix 87] Hold a little longer; Rest fully before the next one"
    )


@pytest.mark.slow
def test_block_size_does_not_change_the_answer(recording: Path, capsys) -> None:
    main(["analyze", str(recording), "--format", "json", "--block-s", "0.01"])
    small = json.loads(capsys.readouterr().out)
    main(["analyze", str(recording), "--format", "json", "--block-s", "5"])
    large = json.loads(capsys.readouterr().out)
    assert small["reps"] == large["reps"]


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text)
    return p


def _good_rows(n: int = 200, rate: float = 50.0) -> str:
    t = np.arange(n) / rate
    return "".join(f"{x:.3f},{30 + np.sin(x):.3f}\n" for x in t)


BAD = {
    "no_t": ("time,squeeze\n" + _good_rows(), "no 't' column", 1),
    "no_squeeze": ("t,abdominal\n" + _good_rows(), "no 'squeeze' column", 1),
    "non_numeric": ("t,squeeze\n0.0,30\n0.02,abc\n0.04,31\n", "non-numeric cell 'abc'", 3),
    "backwards": ("t,squeeze\n0.0,30\n0.02,30\n0.01,31\n0.03,30\n", "time goes backwards", 4),
    "empty": ("", "is empty", None),
    "header_only": ("t,squeeze\n", "no samples", None),
    "short_row": ("t,squeeze,tilt\n0.0,30,1\n0.02,30\n", "expected 3 cells, found 2", 3),
    "rate_low": ("t,squeeze\n" + _good_rows(50, 10.0), "sample rate 10.0 Hz is outside", None),
    "rate_high": ("t,squeeze\n" + _good_rows(50, 500.0), "sample rate 500.0 Hz is outside", None),
    "nan": ("t,squeeze\n0.0,30\n0.02,nan\n", "squeeze is not a finite number", 3),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", None),
}


QUICK_BAD = {"non_numeric"}  # one case in the quick run (-m "not slow"); each is a process


@pytest.mark.parametrize(
    "case",
    [c if c in QUICK_BAD else pytest.param(c, marks=pytest.mark.slow) for c in sorted(BAD)],
)
def test_bad_input_one_line_exit_2(tmp_path: Path, case: str) -> None:
    text, problem, line = BAD[case]
    path = _write(tmp_path, f"{case}.csv", text)
    proc = subprocess.run(
        [sys.executable, "-m", "perineo", "analyze", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert "\n" not in err and "Traceback" not in err
    assert str(path) in err
    assert problem in err
    if line is not None:
        assert f"line {line}:" in err


@pytest.mark.slow
def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "perineo", "analyze", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"perineo: {path}: no such file"


def test_gaps_allowed_and_channel_subsets(tmp_path: Path, capsys) -> None:
    t = np.arange(0, 60, 0.02)
    t = t[(t < 20) | (t > 21)]  # a one-second gap
    sq = 30 + np.where((t > 30) & (t < 36), 20.0, 0.0)
    p = tmp_path / "gap.csv"
    write_recording(p, SampleBlock(t, {Channel.SQUEEZE: sq}))
    assert main(["analyze", str(p), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["channels"] == ["squeeze"]
    assert len(out["gaps"]) == 1
    assert len(out["reps"]) == 1
    assert out["reps"][0]["onset_s"] == pytest.approx(30.0, abs=0.1)


def test_a_recording_of_no_session_finds_its_sets_from_the_pauses(
    rec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(rec), "--program", "basic", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["numbering"] == "pauses"
    assert all("calibration" not in r for r in doc["reps"])
    assert main(["analyze", str(rec), "--program", "basic"]) == 0
    assert "sets found from the pauses" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "nn"])
def test_a_scored_repetition_of_a_session_with_no_sets_names_no_set(lang: str) -> None:
    """A recording made with `perineo record` has no program, so no sets: its repetitions
    scored by `analyze --program` say their verdict without a "set None rep None"."""
    from perineo.commands.analyze import _verdict

    rep = {"number": 3, "set": None, "rep_in_set": None, "verdict": "good", "score": 95,
           "reasons": []}  # fmt: skip
    said = _verdict(rep, lang)
    assert "None" not in said and "95" in said
    numbered = _verdict({**rep, "set": 2, "rep_in_set": 4}, lang)
    assert "2" in numbered and "4" in numbered and "None" not in numbered
