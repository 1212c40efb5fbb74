"""The record, history, plan, export, programs and analyze --program commands, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perineo.cli import main
from perineo.recording import read_recording

pyedflib = pytest.importorskip("pyedflib")


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    return tmp_path


def out_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_record_sim_then_history_export_and_plan(home: Path, capsys):
    rec = home / "rec.csv"
    assert (
        main(
            [
                "record",
                "--sim",
                "intensive",
                "--speed",
                "inf",
                "--out",
                str(rec),
                "--program",
                "intensive",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "done:" in err and "session 1" in err
    recording = read_recording(rec)
    assert [c.value for c in recording.channels] == ["squeeze", "abdominal", "tilt"]
    assert recording.t[-1] > 60

    assert main(["history", "--format", "json", "--sessions"]) == 0
    hist = out_json(capsys)
    (session,) = hist["sessions"]
    assert session["kind"] == "record" and session["status"] == "done"
    summary = session["summary"]
    assert summary["program"] == "intensive" and summary["reps"] >= 8
    assert summary["good"] / summary["reps"] >= 0.75
    assert hist["days"][0]["sets_done"] == 1 and not hist["days"][0]["dose_met"]

    edf = home / "s.edf"
    assert main(["export", "1", "--format", "edf", "--out", str(edf)]) == 0
    with pyedflib.EdfReader(str(edf)) as f:
        assert f.getSignalLabels() == ["squeeze", "abdominal", "tilt"]
        texts = list(f.readAnnotations()[2])
    # numbered as on screen: set and repetition within the set, from 1
    assert sum(t.startswith("set 1 rep ") for t in texts) == summary["reps"]
    assert "set 1 rep 1 " in " ".join(texts) and not any("calibration" in t for t in texts)
    assert main(["export", "1", "--format", "json"]) == 0
    assert out_json(capsys)["session"]["id"] == 1

    assert main(["plan", "--leakage", "weekly", "--format", "json"]) == 0
    plan = out_json(capsys)
    assert plan["advice"] == "continue_intensive" and plan["latest_leakage"] == "weekly"
    assert not plan["symptom_check_due"]
    assert {"why": "months_intensive", "months": 0.0, "minimum": 6} in plan["reasons"]

    # --lang nn says all of it in Nynorsk: advice, reasons, the week table, the answers
    assert main(["plan", "--lang", "nn"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Fortset med intensiv trening\n")
    assert "(det norske treningsprogrammet tilrår minst 6)" in text
    assert "veke frå" in text and "kvar veke" in text and "months" not in text
    assert main(["history", "--lang", "nn"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("dag ") and "rundar" in text and " nei " in text


def test_record_refuses_to_overwrite(home: Path, capsys):
    rec = home / "rec.csv"
    rec.write_text("keep")
    assert (
        main(["record", "--sim", "learn", "--speed", "inf", "--out", str(rec), "--no-store"]) == 2
    )
    assert "already exists" in capsys.readouterr().err
    assert rec.read_text() == "keep"


@pytest.mark.slow
def test_analyze_program_adds_scores_and_summary(home: Path, capsys):
    rec = home / "rec.csv"
    assert (
        main(["record", "--sim", "intensive", "--speed", "inf", "--out", str(rec), "--no-store"])
        == 0
    )
    capsys.readouterr()
    assert main(["analyze", str(rec), "--program", "intensive", "--format", "json"]) == 0
    doc = out_json(capsys)
    assert doc["reps"] and all({"score", "verdict", "reasons"} <= set(r) for r in doc["reps"])
    assert doc["summary"]["reps"] == len(doc["reps"])
    assert main(["analyze", str(rec), "--format", "json"]) == 0
    assert "summary" not in out_json(capsys)
    with pytest.raises(SystemExit) as exc:  # a usage error, like any bad argument
        main(["analyze", str(rec), "--program", "nope"])
    assert exc.value.code == 2
    assert "no program named 'nope'" in capsys.readouterr().err


def test_programs_lists_builtins_and_user_programs(home: Path, capsys):
    folder = home / "home" / "config" / "programs"
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('schema = 1\nname = "broken"\n')
    assert main(["programs"]) == 2
    err = capsys.readouterr().err
    assert "broken.toml: key 'title': expected a non-empty string (missing)" in err
    (folder / "broken.toml").unlink()
    assert main(["programs", "--lang", "nn"]) == 0
    out = capsys.readouterr().out
    assert "Intensiv bekkenbotnstrening" in out and "hald 6–8 s, 3–4 raske løft" in out
    assert "quick lifts" not in out and "Eigne program (TOML)" in out
    # in the order they are trained, the assessment apart
    names = [line.split()[0] for line in out.splitlines() if line and not line[0].isspace()]
    assert names[:4] == ["learn", "basic", "intensive", "maintenance"]
    assert names[4:6] == ["Kartlegging", "perfect"]


def test_programs_describes_the_assessment_by_its_steps(home: Path, capsys):
    # "1–10 reps a day, hold 1–10 s, rest 4 s": an assessment is no daily dose
    assert main(["programs"]) == 0
    out = capsys.readouterr().out.split("Assessment (not training):")[1]
    assert "a day" not in out
    assert (
        "up to 10 holds of up to 10 s, 4 s apart; up to 10 fast contractions after 60 s rest" in out
    )
    assert main(["programs", "--lang", "nn"]) == 0
    out = capsys.readouterr().out.split("Kartlegging (ikkje trening):")[1]
    assert "per dag" not in out
    assert (
        "opptil 10 hald på opptil 10 s, 4 s mellom; "
        "opptil 10 raske samantrekningar etter 60 s pause" in out
    )


def test_history_and_plan_on_an_empty_record(home: Path, capsys):
    assert main(["history"]) == 0
    assert "No training recorded yet" in capsys.readouterr().out
    assert main(["history", "--lang", "nn"]) == 0
    assert "Ingen trening er lagra enno" in capsys.readouterr().out
    assert main(["plan", "--lang", "nn"]) == 0
    assert "Byrj med å få kontakt" in capsys.readouterr().out


def test_damaged_record_is_a_clear_error(home: Path, capsys):
    (home / "home").mkdir()
    (home / "home" / "perineo.db").write_bytes(b"garbage" * 1000)
    assert main(["history"]) == 1
    assert "not an SQLite database" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_record_stops_cleanly_on_a_signal(home: Path, sig: str, capsys):
    import os
    import signal
    import subprocess
    import sys
    import time

    rec = home / "live.csv"
    env = {**os.environ, "PERINEO_HOME": str(home / "home")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "perineo",
            "record",
            "--sim",
            "intensive",
            "--speed",
            "4",
            "--program",
            "intensive",
            "--out",
            str(rec),
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # wait until samples are on disk (flushed each second)
        if rec.exists() and rec.stat().st_size > 2000:
            break
        time.sleep(0.05)
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert err.startswith("stopped:")
    recording = read_recording(rec)  # every line whole
    assert 1.0 < recording.t[-1] < 100
    assert main(["history", "--sessions", "--format", "json"]) == 0
    (session,) = out_json(capsys)["sessions"]
    assert session["status"] == "stopped" and session["summary"] is not None
