import json
from pathlib import Path

import numpy as np
import pytest

from perineo.cli import main
from perineo.recording import read_recording
from perineo_sim import load_scenario, read_truth, simulate


def test_sim_writes_a_recording_and_its_truth(tmp_path: Path, capsys) -> None:
    out = tmp_path / "rec.csv"
    assert main(["sim", "intensive", "--seed", "3", "--out", str(out)]) == 0
    rec = read_recording(out)
    truth = read_truth(tmp_path / "rec.truth.json")
    expected = simulate(load_scenario("intensive"), 3)
    assert len(rec.block) == len(expected.block)
    assert np.allclose(rec.t, expected.block.t, atol=1e-4)
    assert truth.reps and len(truth.reps) == len(expected.truth.reps)
    doc = json.loads((tmp_path / "rec.truth.json").read_text())
    assert doc["schema"] == "perineo.truth/1" and doc["seed"] == 3
    assert set(doc["reps"][0]) == {
        "onset_s", "hold_start_s", "hold_end_s", "release_s", "end_s", "peak_cmH2O",
        "quick_lifts_s", "errors", "kind",
    }  # fmt: skip
    assert "rec.csv" in capsys.readouterr().out


def test_rate_channels_and_truth_path(tmp_path: Path) -> None:
    out, truth = tmp_path / "a.csv", tmp_path / "t.json"
    argv = ["sim", "basic", "--out", str(out), "--truth", str(truth), "--rate", "25"]
    assert main([*argv, "--channels", "squeeze,tilt"]) == 0
    rec = read_recording(out)
    assert [c.value for c in rec.channels] == ["squeeze", "tilt"]
    assert rec.sample_rate_hz == pytest.approx(25, rel=0.02)
    assert read_truth(truth).channels == ("squeeze", "tilt")


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.csv"
    assert main(["sim", "learn", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["sim", "learn", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["sim", "learn", "--out", str(out), "--overwrite", "--seed", "1"]) == 0


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["sim", "nope", "--out", "x.csv"], "unknown scenario 'nope'"),
        (["sim", "basic", "--out", "x.csv", "--rate", "500"], "--rate"),
        (["sim", "basic", "--out", "x.csv", "--channels", "tilt"], "--channels"),
        (["sim", "basic"], "--out"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv, needle, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and err.startswith("perineo: ")
    assert not (tmp_path / "x.csv").exists()


def test_malformed_scenario_file(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[block]]\nkind = "basic"\ncount = "many"\n')
    assert main(["sim", str(bad), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "bad.toml: key 'block[0].count': expected an integer" in err


def test_list(capsys) -> None:
    assert main(["sim", "--list"]) == 0
    assert "intensive" in capsys.readouterr().out
