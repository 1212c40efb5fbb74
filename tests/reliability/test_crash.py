"""A real ``perineo record`` process killed with SIGKILL mid-session: on the next start the
session is recovered from its recording and marked interrupted; SQLite stays consistent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from perineo.cli import main
from perineo.recording import read_recording
from perineo.signal.analysis import analyze_block
from perineo.store.sessions import SessionStatus, TrainingRecord

pytestmark = pytest.mark.slow  # real perineo processes, killed mid-session


def _start_record(home: Path, out: Path, speed: float = 1.0) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PERINEO_HOME": str(home)}
    cmd = [sys.executable, "-m", "perineo", "record", "--sim", "intensive", "--seed", "2"]
    cmd += ["--speed", str(speed), "--out", str(out)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(path: Path, timeout_s: float = 20.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if path.exists() and path.stat().st_size > 0:
            return
        time.sleep(0.01)
    raise AssertionError(f"{path} never appeared")


def _last_t(path: Path) -> float | None:
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 200))
        rows = fh.read().split(b"\n")[:-1]  # complete rows only
    try:
        return float(rows[-1].split(b",")[0]) if rows else None
    except ValueError:
        return None  # the header


def _watch(path: Path, seconds: float, speed: float) -> float:
    """Stream seconds the recorder had received at the end of ``seconds`` of watching.

    Right after each flush the file holds everything received but the current 0.1-s block,
    so the smallest (wall − last t/speed) over many looks is the stream's start, ±0.1 s.
    """
    origin = float("inf")
    end = time.monotonic() + seconds
    while (now := time.monotonic()) < end:
        last = _last_t(path)
        if last is not None:
            origin = min(origin, now - last / speed)
        time.sleep(0.01)
    return (time.monotonic() - origin) * speed


@pytest.mark.parametrize(
    ("run_s", "speed"), [(2.6, 1.0), (6.3, 4.0)], ids=["early-real-time", "after-reps-4x"]
)
def test_sigkill_mid_session_loses_at_most_a_second(
    tmp_path: Path, run_s: float, speed: float, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    home, out = tmp_path / "home", tmp_path / "rec.csv"
    proc = _start_record(home, out, speed)
    try:
        _wait_for(out)  # the header is written with the first block
        streamed_s = _watch(out, run_s, speed)
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    # before anything repairs it: the WAL database is consistent and the session is open
    with sqlite3.connect(home / "perineo.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        (status,) = raw.execute("SELECT status FROM sessions").fetchone()
    raw.close()
    assert status == "open"

    # the next start: any command that opens the training record recovers it
    monkeypatch.setenv("PERINEO_HOME", str(home))
    assert main(["history", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "session 1 was interrupted; recovered" in err

    rec = read_recording(out)  # readable: a row cut by the kill was trimmed
    lost_s = streamed_s - float(rec.t[-1])  # stream seconds
    assert lost_s / speed <= 1.0 + 0.1, f"{lost_s:.2f} s of samples lost"  # flushed every 1 s
    assert np.all(np.diff(rec.t) > 0)
    with TrainingRecord.open(home / "perineo.db") as record:
        info = record.session(1)
        assert info.status is SessionStatus.INTERRUPTED
        assert info.ended_at is not None and info.ended_at > info.started_at
        reps = record.reps(1)
        events = record.events(1)
        assert [e.detected_s for e in events] == sorted(e.detected_s for e in events)
        assert record.recover_interrupted() == []  # once only
    # every repetition the kept samples hold is in the record, the stored ones unchanged
    kept = analyze_block(rec.block).reps
    assert len(reps) == len(kept)  # (the file holds values rounded to 0.001 cmH2O)
    assert all(abs(r.rep.onset_s - k.onset_s) < 0.05 for r, k in zip(reps, kept, strict=True))
    if speed > 1:
        assert len(reps) >= 1
    print(f"SIGKILL after {streamed_s:.2f} s: {lost_s:.2f} s of samples lost, {len(reps)} reps")


def test_a_running_session_is_not_recovered_by_another_process(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "rec.csv"
    proc = _start_record(home, out)
    try:
        _wait_for(out)
        time.sleep(0.5)  # the session row follows the recording's first block
        with TrainingRecord.open(home / "perineo.db") as other:
            assert other.recover_interrupted() == []
            assert other.session(1).status is SessionStatus.OPEN
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    with TrainingRecord.open(home / "perineo.db") as record:
        assert record.session(1).status is SessionStatus.STOPPED
        assert not (home / "running" / "session-1.lock").exists()


_TRAIN_THEN_DIE = """
import os, signal, sys
from pathlib import Path
from perineo.program.loader import get_program
from perineo.program.scoring import score_rep
from perineo.signal.analysis import analyze_block
from perineo.recording import RecordingWriter
from perineo.store.sessions import SessionKind, TrainingRecord
from perineo_sim import load_scenario, simulate

home, cut = Path(sys.argv[1]), float(sys.argv[2])
block = simulate(load_scenario("intensive"), 1).block
program = get_program("intensive")
rec = TrainingRecord.open(home / "perineo.db")
sid = rec.start_session(kind=SessionKind.TRAIN, program=program, source="sim",
                        channels=[c.value for c in block.channels], recording=home / "r.csv")
writer = RecordingWriter(home / "r.csv", block.channels)
upto = int((block.t < cut).sum())
writer.write(block.slice(0, upto))
writer.flush()
writer._fh.write("79.1230,12.5")  # the kill lands in the middle of a row
writer._fh.flush()
scored = [r for r in analyze_block(block.slice(0, upto)).reps if r.end_s and r.end_s < cut - 12]
for r in scored:
    rec.save_rep(sid, r, score_rep(r, program))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_killed_training_session_keeps_its_scores(tmp_path: Path) -> None:
    """A coached session killed mid-set: scored repetitions keep their scores, the ones the
    coach had not stored yet come back from the recording, unscored."""
    done = subprocess.run(
        [sys.executable, "-c", _TRAIN_THEN_DIE, str(tmp_path), "79.0"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    with TrainingRecord.open(tmp_path / "perineo.db") as record:
        stored = record.reps(1)
        (recovered,) = record.recover_interrupted()
        reps = record.reps(1)
        info = record.session(1)
    assert recovered.trimmed_bytes == len("79.1230,12.5")
    assert info.status is SessionStatus.INTERRUPTED
    assert len(stored) >= 2 and all(r.score is not None for r in stored)
    assert reps[: len(stored)] == stored  # kept as they were, with their scores
    assert len(reps) == len(stored) + recovered.reps_added and recovered.reps_added >= 1
    assert all(r.score is None for r in reps[len(stored) :])
