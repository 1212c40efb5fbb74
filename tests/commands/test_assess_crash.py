"""An assessment killed with SIGKILL mid-way is in the record, with its patient, and is
recovered at the next start like a training session: its PERFECT from the recording."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perineo.cli import main

pytestmark = pytest.mark.slow  # a real perineo process, killed mid-assessment


def _rows(path: Path) -> int:
    with path.open("rb") as fh:
        return fh.read().count(b"\n")


def test_an_assessment_killed_mid_way_is_recovered_with_its_patient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "PERINEO_HOME": str(home)}
    cmd = [sys.executable, "-m", "perineo", "assess", "--patient", "P-0042", "--sim"]
    cmd += ["--no-ui", "--speed", "8", "--seed", "3"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        end = time.monotonic() + 60
        files: list[Path] = []
        while time.monotonic() < end:  # about 60 s of the assessment, then the kill
            files = list((home / "recordings").glob("assess-*.csv"))
            if files and _rows(files[0]) > 60 * 50:
                break
            time.sleep(0.05)
        assert files, "the assessment never started recording"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    # stored as it started: the row is there, with its patient and its session, running
    with sqlite3.connect(home / "perineo.db") as raw:
        row = raw.execute(
            "SELECT patient, status, session_id, recording FROM assessments"
        ).fetchone()
        (kind, status) = raw.execute("SELECT kind, status FROM sessions").fetchone()
    raw.close()
    assert row[:3] == ("P-0042", "running", 1) and Path(row[3]) == files[0]
    assert (kind, status) == ("assess", "open")

    # not yet ended: no report is made of it
    monkeypatch.setenv("PERINEO_HOME", str(home))
    assert main(["report", "assessment:1", "--out", str(tmp_path / "r.html")]) != 0
    assert "has not ended" in capsys.readouterr().err

    # the next start recovers it: the patient's history lists it, interrupted, with numbers
    assert main(["assess", "--patient", "P-0042", "--history", "--json"]) == 0
    out = capsys.readouterr()
    assert "session 1 was interrupted" in out.err
    (one,) = json.loads(out.out)
    assert one["status"] == "interrupted" and one["assessment_id"] == 1
    assert one["power_cmH2O"] is not None  # the first maximal squeezes were recorded
    with sqlite3.connect(home / "perineo.db") as raw:
        assert raw.execute("SELECT status FROM sessions").fetchone() == ("interrupted",)
    raw.close()
    assert main(["assess", "--patient", "P-0042", "--history"]) == 0
    assert "[interrupted]" in capsys.readouterr().out
    assert main(["report", "assessment:1", "--out", str(tmp_path / "r.html")]) == 0
