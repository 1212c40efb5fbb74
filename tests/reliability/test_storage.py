"""Storage faults: disk full, read-only or missing data folder, a newer database, a truncated
recording. One clear line, the right exit code, nothing existing overwritten or corrupted."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from perineo.cli import main
from perineo.recording import read_recording
from perineo.store.db import SCHEMA_VERSION, Database
from perineo.store.sessions import SessionStatus, TrainingRecord


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("perineo: ") and "Traceback" not in err
    return lines[0]


@contextlib.contextmanager
def tiny_disk(path: Path, size: str = "64k") -> Iterator[Path]:
    """A real, tiny file system (tmpfs); skips where mounting is not allowed."""
    path.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_disk_full_while_recording(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    with tiny_disk(tmp_path / "disk") as disk:
        keep = disk / "earlier.csv"
        keep.write_text("t,squeeze\n0,1\n0.01,2\n")
        before = _digest(keep)
        code = main(
            ["record", "--sim", "intensive", "--speed", "inf", "--out", str(disk / "r.csv")]
        )
        line = _one_line(capsys.readouterr().err)
        assert code == 1 and "No space left on device" in line
        assert _digest(keep) == before
        rec = read_recording(disk / "r.csv")  # complete rows only: the cut row was trimmed
        assert len(rec.t) > 1000
    with TrainingRecord.open() as record:
        (info,) = record.sessions()
        assert info.status is SessionStatus.STOPPED
        assert record.recover_interrupted() == []


@pytest.mark.slow
def test_file_size_limit_while_recording(tmp_path: Path) -> None:
    """The same fault without root: RLIMIT_FSIZE makes writes fail with EFBIG."""
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (40000, 40000))\n"
        "from perineo.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    out = tmp_path / "r.csv"
    env = {**os.environ, "PERINEO_HOME": str(tmp_path / "home")}
    args = ["record", "--sim", "basic", "--speed", "inf", "--no-store", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "File too large" in _one_line(done.stderr)
    assert len(read_recording(out).t) > 100


@pytest.mark.slow
def test_database_on_a_full_disk_is_left_consistent(tmp_path: Path, monkeypatch, capsys) -> None:
    with tiny_disk(tmp_path / "home", "4m") as home:
        monkeypatch.setenv("PERINEO_HOME", str(home))
        assert (
            main(["record", "--sim", "basic", "--speed", "inf", "--out", str(home / "a.csv")]) == 0
        )
        capsys.readouterr()
        (home / "a.csv").unlink()
        with contextlib.suppress(OSError), (home / "filler").open("wb") as fh:
            while True:  # fill the disk to the last byte ...
                fh.write(b"\0" * 4096)
                fh.flush()
        size = (home / "filler").stat().st_size
        os.truncate(home / "filler", size - 96 * 1024)  # ... but room to open and start
        out = tmp_path / "b.csv"  # the recording itself goes elsewhere
        code = main(["record", "--sim", "intensive", "--speed", "inf", "--out", str(out)])
        err = capsys.readouterr().err.splitlines()
        assert code == 1 and "Traceback" not in "".join(err)
        assert "training record" in err[0] and "the recording goes on without it" in err[0]
        assert err[-1].startswith("done: ")
        rec = read_recording(out)  # the whole session was recorded all the same
        assert len(rec.t) > 13_000
        (home / "filler").unlink()
        with sqlite3.connect(home / "perineo.db") as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        raw.close()
        with TrainingRecord.open() as record:
            assert record.sessions()[0].status is SessionStatus.DONE  # the earlier one, whole
            # the session the full disk cut off is recovered from its complete recording
            (recovered,) = record.recover_interrupted()
            assert recovered.samples == len(rec.t)
            assert record.session(recovered.session_id).status is SessionStatus.INTERRUPTED


@pytest.mark.slow
def test_read_only_data_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    with tiny_disk(tmp_path / "home", "4m") as home:
        monkeypatch.setenv("PERINEO_HOME", str(home))
        assert (
            main(["record", "--sim", "basic", "--speed", "inf", "--out", str(home / "a.csv")]) == 0
        )
        capsys.readouterr()
        before = _digest(home / "perineo.db")
        subprocess.run(["mount", "-o", "remount,ro", str(home)], check=True)
        code = main(
            ["record", "--sim", "basic", "--speed", "inf", "--out", str(tmp_path / "b.csv")]
        )
        line = _one_line(capsys.readouterr().err)
        assert code == 1 and str(home) in line
        code = main(["history"])
        err = capsys.readouterr().err
        assert code in (0, 1)
        if code:
            _one_line(err)
        subprocess.run(["mount", "-o", "remount,rw", str(home)], check=True)
        assert _digest(home / "perineo.db") == before


def test_missing_data_folder_is_created_private(tmp_path: Path, monkeypatch, capsys) -> None:
    home = tmp_path / "not" / "yet" / "there"
    monkeypatch.setenv("PERINEO_HOME", str(home))
    assert main(["history"]) == 0
    assert (home.stat().st_mode & 0o777) == 0o700


def test_data_folder_that_cannot_exist(tmp_path: Path, monkeypatch, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("PERINEO_HOME", str(blocker / "home"))
    assert main(["history"]) == 1
    assert "cannot use data folder" in _one_line(capsys.readouterr().err)
    assert blocker.read_text() == "x"


def test_database_from_a_newer_perineo_is_refused_untouched(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path))
    Database().close()
    db = tmp_path / "perineo.db"
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    before = _digest(db)
    for argv in (
        ["history"],
        ["plan"],
        ["record", "--sim", "basic", "--out", str(tmp_path / "r.csv")],
    ):
        assert main(argv) == 1
        assert "newer perineo" in _one_line(capsys.readouterr().err)
    assert _digest(db) == before
    assert not (tmp_path / "r.csv").exists()


def test_truncated_recording_is_a_clear_error_and_left_alone(tmp_path: Path, capsys) -> None:
    rec = tmp_path / "rec.csv"
    assert main(["sim", "basic", "--out", str(rec)]) == 0
    data = rec.read_bytes()
    cut = data[: data.index(b",", len(data) // 2) + 1]  # a row cut after its first cell
    rec.write_bytes(cut)
    assert main(["analyze", str(rec)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert str(rec) in line and "line" in line
    assert rec.read_bytes() == cut


class _Seen:
    """A listener of the live pipeline that keeps what it reported."""

    def __init__(self) -> None:
        self.statuses: list = []
        self.troubles: list = []
        self.end = None
        self.t_end = 0.0

    def started(self, channels, t0_s) -> None:
        pass

    def samples(self, block, events) -> None:
        self.t_end = float(block.t[-1])

    def events(self, events) -> None:
        pass

    def status(self, status) -> None:
        self.statuses.append(status)

    def trouble(self, trouble) -> None:
        self.troubles.append(trouble)

    def calibration(self, update) -> None:
        pass

    def cue(self, cue) -> None:
        pass

    def scored(self, score) -> None:
        pass

    def finished(self, end) -> None:
        self.end = end


@pytest.mark.slow
def test_live_session_coaches_on_when_the_disk_fills(tmp_path: Path) -> None:
    import asyncio
    import math

    from perineo.program.loader import get_program
    from perineo.session.training import LiveSession
    from perineo_sim.sources import SimSource

    with tiny_disk(tmp_path / "disk") as disk:
        seen = _Seen()
        source = SimSource("intensive", seed=2, speed=math.inf)
        session = LiveSession(
            source, get_program("intensive"), [seen], recording_path=disk / "live.csv"
        )
        result = asyncio.run(session.run())
        assert seen.statuses[-1].recording_stopped and len(seen.troubles) == 1  # told once
        assert result.samples == len(source.block)  # the data path went on to the end
        assert seen.t_end == float(source.block.t[-1])
        kept = (disk / "live.csv").read_text().splitlines()
        assert 1 < len(kept) < len(source.block)  # what fitted is kept, readable
