"""One-line errors, no traceback, exit 2 for bad input and 1 for a failure (issue 15, item 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from perineo.cli import main
from perineo.errors import ProgramError
from perineo.program.loader import get_program

DEEP = "schema = 1\nx = " + "[" * 500 + "]" * 500 + "\n"


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("perineo: ") and "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["report", "{rec}", "--out", "{tmp}/missing/r.html"], "no such folder"),
        (["report", "{rec}", "--out", "{tmp}"], "is a folder"),
        (["analyze", "{rec}", "--block-s", "inf"], "--block-s"),
        (["analyze", "{rec}", "--block-s", "nan"], "--block-s"),
        (["sim", "basic", "--seed", "-1", "--out", "{tmp}/s.csv"], "--seed"),
        (["record", "--sim", "basic", "--seed", "-1", "--out", "{tmp}/r.csv"], "--seed"),
        (["assess", "--patient", "P-01", "--sim", "--seed", "-1", "--no-ui"], "--seed"),
        (["record", "--sim", "basic", "--speed", "nan", "--out", "{tmp}/r.csv"], "--speed"),
        (["export", "99999999999999999999", "--format", "csv"], "no session"),
        (["export", "99", "--format", "csv"], "no session 99"),
        (["report", "assessment:²"], "expected a number"),
        (["report", "assessment:99999999999999999999"], "no assessment"),
        (["report", "assessment:99"], "no assessment 99"),
        (["sim", "{tmp}/deep.toml", "--out", "{tmp}/d.csv"], "nested too deeply"),
        (["record", "--sim", "{tmp}/deep.toml", "--out", "{tmp}/d.csv"], "nested too deeply"),
        (["analyze", "/dev/zero"], "is a device"),
        (["analyze", "{tmp}"], "is a folder"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], words: str, rec: Path, tmp_path: Path, capsys
) -> None:
    (tmp_path / "deep.toml").write_text(DEEP)
    argv = [a.format(rec=rec, tmp=tmp_path) for a in args]
    assert main(argv) == 2
    assert words in _one_line(capsys.readouterr().err)


def test_analyze_refuses_a_fifo_without_waiting(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(main(["analyze", str(fifo)])))
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader before failing
        with open(fifo, "w"):
            pass
        worker.join()
        pytest.fail("analyze waited on a FIFO")
    assert result == [2]
    assert "is a FIFO" in _one_line(capsys.readouterr().err)


@pytest.mark.slow
def test_report_on_a_read_only_file_system_is_a_failure(rec: Path, tmp_path: Path) -> None:
    from tests.reliability.test_storage import tiny_disk

    from perineo.recording import write_recording
    from perineo_sim import load_scenario, simulate

    rec = tmp_path / "assessment.csv"  # a PERFECT assessment: a training one is refused
    write_recording(rec, simulate(load_scenario("perfect"), 3).block)
    with tiny_disk(tmp_path / "disk") as disk:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        done = subprocess.run(
            [sys.executable, "-m", "perineo", "report", str(rec), "--out", str(disk / "r.html")],
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert "Read-only file system" in _one_line(done.stderr)


def test_programs_reports_a_deep_user_program(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    folder = tmp_path / "home" / "config" / "programs"
    folder.mkdir(parents=True)
    (folder / "deep.toml").write_text(DEEP)
    assert main(["programs"]) == 2
    assert "nested too deeply" in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize("command", [["history"], ["plan"]])
def test_a_bad_user_program_does_not_stop_the_others(
    command: list[str], tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    folder = tmp_path / "home" / "config" / "programs"
    folder.mkdir(parents=True)
    (folder / "deep.toml").write_text(DEEP)
    assert main(command) == 0
    line = _one_line(capsys.readouterr().err)
    assert "deep.toml" in line and "left out" in line


def test_get_program_carries_on_past_a_bad_user_program(tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text(DEEP)
    problems: list[ProgramError] = []
    assert get_program("intensive", tmp_path, on_error=problems.append).name == "intensive"
    assert len(problems) == 1 and "nested too deeply" in str(problems[0])
    with pytest.raises(ProgramError, match="nested too deeply"):
        get_program("intensive", tmp_path)  # without a handler: as before
    with pytest.raises(ProgramError, match="nested too deeply"):  # maybe the one asked for
        get_program("mine", tmp_path, on_error=problems.append)
