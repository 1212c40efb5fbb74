"""Files perineo writes (issue 15, item 2): never an existing file without --overwrite, never
the input even with it; written whole (a temporary name, renamed) and 0600 whatever the umask,
so a full disk leaves the old file or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.files import file_mode

from perineo.cli import main
from perineo.recording import read_recording, write_recording
from perineo_sim import load_scenario, simulate

from .test_storage import _digest, _one_line, tiny_disk


def test_report_never_overwrites_its_input(rec: Path, capsys) -> None:
    before = _digest(rec)
    for extra in ([], ["--overwrite"]):
        assert main(["report", str(rec), "--out", str(rec), *extra]) == 2
        assert "is the input" in _one_line(capsys.readouterr().err)
        assert _digest(rec) == before


def test_report_refuses_an_existing_file_without_overwrite(
    rec: Path, tmp_path: Path, capsys, umask0
) -> None:
    write_recording(rec, simulate(load_scenario("perfect"), 3).block, overwrite=True)  # PERFECT
    out = tmp_path / "r.html"
    out.write_text("keep")
    assert main(["report", str(rec), "--out", str(out)]) == 2
    assert "already exists" in _one_line(capsys.readouterr().err)
    assert out.read_text() == "keep"
    assert main(["report", str(rec), "--out", str(out), "--overwrite"]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>") and file_mode(out) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "r.html", "v.csv"]


def test_sim_never_overwrites_its_scenario_file(tmp_path: Path, capsys) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text((Path("sim/perineo_sim/scenarios") / "basic.toml").read_text())
    before = _digest(scenario)
    code = main(["sim", str(scenario), "--out", str(scenario), "--overwrite"])
    assert code == 2 and "is the input" in _one_line(capsys.readouterr().err)
    assert _digest(scenario) == before
    truth = tmp_path / "t.json"
    truth.write_text("keep")
    code = main(["sim", "basic", "--out", str(tmp_path / "o.csv"), "--truth", str(truth)])
    assert code == 2 and "already exists" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "o.csv").exists()  # refused before anything was written


@pytest.mark.slow
def test_sim_and_export_write_private_files(tmp_path: Path, monkeypatch, capsys, umask0) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    out = tmp_path / "o.csv"
    assert main(["sim", "basic", "--out", str(out)]) == 0
    assert file_mode(out) == 0o600 and file_mode(tmp_path / "o.truth.json") == 0o600
    assert (
        main(["record", "--sim", "basic", "--speed", "inf", "--out", str(tmp_path / "r.csv")]) == 0
    )
    capsys.readouterr()
    for fmt in ("csv", "json", "edf"):
        target = tmp_path / f"e.{fmt}"
        assert main(["export", "1", "--format", fmt, "--out", str(target)]) == 0
        assert file_mode(target) == 0o600
        capsys.readouterr()
        assert main(["export", "1", "--format", fmt, "--out", str(target)]) == 2
        assert "already exists" in _one_line(capsys.readouterr().err)
    # the session's own recording, even with --overwrite
    before = _digest(tmp_path / "r.csv")
    code = main(["export", "1", "--format", "csv", "--out", str(tmp_path / "r.csv"), "--overwrite"])
    assert code == 2 and "is the input" in _one_line(capsys.readouterr().err)
    assert _digest(tmp_path / "r.csv") == before


def _fill(disk: Path) -> None:
    """Fill the file system to the last byte."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


@pytest.mark.slow
def test_full_disk_leaves_the_old_file(rec: Path, tmp_path: Path, capsys) -> None:
    write_recording(rec, simulate(load_scenario("perfect"), 3).block, overwrite=True)  # PERFECT
    with tiny_disk(tmp_path / "disk", "256k") as disk:
        old = disk / "r.html"
        old.write_text("the old report\n")
        _fill(disk)
        assert main(["report", str(rec), "--out", str(old), "--overwrite"]) == 1
        assert "No space left on device" in _one_line(capsys.readouterr().err)
        assert old.read_text() == "the old report\n"
        code = main(["sim", "basic", "--out", str(disk / "s.csv")])
        assert code == 1 and "No space left" in _one_line(capsys.readouterr().err)
        assert not (disk / "s.csv").exists()  # nothing rather than a cut recording
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "r.html"]


def test_write_recording_round_trip_is_whole(tmp_path: Path) -> None:
    block = simulate(load_scenario("basic"), seed=2).block
    write_recording(tmp_path / "a.csv", block)
    assert len(read_recording(tmp_path / "a.csv").t) == len(block)
