"""Special, huge and impossible recordings (issue 15, items 4 and 5), and EDF export onto a
full disk (item 10)."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from tests.files import rss_kb
from tests.reliability.test_storage import tiny_disk

from perineo import recording, textfile
from perineo.cli import main
from perineo.errors import RecordingError
from perineo.program.loader import get_program
from perineo.recording import (
    open_recording,
    parse_recording,
    read_keeping,
    read_recording,
    write_recording,
)
from perineo.samples import Channel, SampleBlock
from perineo.signal.analysis import analyze_block
from perineo.sources.replay import ReplaySource
from perineo.store.sessions import SessionKind, TrainingRecord
from perineo.strict_json import dumps
from perineo_sim import load_scenario, simulate


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("perineo: ") and "Traceback" not in err
    return lines[0]


def _strict(text: str) -> dict:  # type: ignore[type-arg]
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def _session(recording: Path) -> int:
    """A stored session whose recording is ``recording`` (in ``$PERINEO_HOME``)."""
    with TrainingRecord.open() as rec:
        sid = rec.start_session(
            kind=SessionKind.TRAIN,
            program=get_program("intensive"),
            source="sim",
            channels=("squeeze", "abdominal", "tilt"),
            recording=recording,
            started_at=datetime(2026, 5, 4, 8, 30, tzinfo=UTC),
        )
        rec.finish_session(sid, None)
    return sid


# ---------------------------------------------------------------- special files (item 4)
@pytest.fixture(params=["fifo", "device", "folder"])
def special(request, tmp_path: Path) -> tuple[Path, str]:
    if request.param == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
        return path, "is a FIFO (named pipe)"
    if request.param == "device":
        return Path("/dev/zero"), "is a device"
    path = tmp_path / "folder.csv"
    path.mkdir()
    return path, "is a folder"


def test_special_files_are_refused_by_every_reader(
    special: tuple[Path, str], tmp_path: Path, monkeypatch, capsys
) -> None:
    """analyze, report, export and replay: one line, exit 2, before any read (a FIFO with
    no writer would block: these return at once)."""
    path, words = special
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    sid = _session(path)
    for argv in (
        ["analyze", str(path)],
        ["report", str(path), "--format", "json"],
        ["export", str(sid), "--format", "csv"],
    ):
        assert main(argv) == 2, argv
        line = _one_line(capsys.readouterr().err)
        assert words in line and "not a recording file" in line, argv
    with pytest.raises(RecordingError, match=re.escape(words)):
        ReplaySource(path)


# ---------------------------------------------------------------- huge inputs (item 4)
@pytest.mark.slow
def test_a_header_of_a_million_columns_is_read_in_linear_time(tmp_path: Path, capsys) -> None:
    """It took 30 s for 30 000 columns (a quadratic duplicate check) and never ended for 10^6."""
    names = ["t", "squeeze"] + [f"x{i}" for i in range(1_000_000)]
    wide = tmp_path / "wide.csv"
    zeros = ",".join(["0"] * 1_000_000)
    wide.write_text(",".join(names) + "\n" + "".join(f"{i / 100},1,{zeros}\n" for i in range(3)))
    dupe = tmp_path / "dupe.csv"
    dupe.write_text(",".join([*names, "x7"]) + "\n0,1\n")
    t0 = time.process_time()
    assert main(["analyze", str(dupe)]) == 2
    assert "header repeats column 'x7'" in _one_line(capsys.readouterr().err)
    assert main(["analyze", str(wide), "--format", "json"]) == 0
    assert _strict(capsys.readouterr().out)["channels"] == ["squeeze"]
    assert time.process_time() - t0 < 20


def test_a_line_without_end_is_refused_not_held(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(textfile, "MAX_LINE_BYTES", 1 << 20)
    path = tmp_path / "one.csv"
    path.write_text("t,squeeze\n" + "1" * (3 << 20))
    assert main(["analyze", str(path)]) == 2
    assert "line 2: a line longer than 1 MiB" in _one_line(capsys.readouterr().err)


def _uneven(seed: int) -> SampleBlock:
    """A recording with gaps and an uneven clock: BLE packet timing and loss."""
    import numpy as np

    from perineo.samples import Channel
    from perineo_sim.conditions import condition_scenario

    scn = condition_scenario("probe_timing", np.random.default_rng(seed), tuple(Channel), 100.0)
    return simulate(scn, seed).block


@pytest.mark.slow
@pytest.mark.parametrize("keep", ["kept", "read again"])
@pytest.mark.parametrize("make", ["intensive", "uneven"])
def test_reading_in_blocks_gives_exactly_the_same_analysis(
    make: str, keep: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    """``analyze`` reads block by block (here 4 KiB, ~130 rows, at a time, cutting the 10-s
    pieces fed to the detector); the whole recording in one block gives the same JSON,
    whether the second pass takes the blocks the first kept or reads the file again."""
    block = simulate(load_scenario("intensive"), 5).block if make == "intensive" else _uneven(3)
    path = tmp_path / "r.csv"
    write_recording(path, block)
    whole = read_recording(path)
    assert whole.sample_rate_hz == 1.0 / float(np.median(np.diff(whole.t)))
    expected = analyze_block(whole.block, sample_rate_hz=whole.sample_rate_hz).to_json()
    assert expected["reps"]
    monkeypatch.setattr(textfile, "CHUNK_BYTES", 4096)
    with open_recording(path) as reader:
        n_blocks = sum(1 for _ in reader.blocks())
        assert reader.sample_rate_hz() == whole.sample_rate_hz  # the exact median, by value
    assert n_blocks > 50
    if keep == "read again":
        monkeypatch.setattr(recording, "KEEP_BYTES", 0)
    assert (read_keeping(path)[1] is None) == (keep == "read again")
    assert main(["analyze", str(path), "--format", "json"]) == 0
    out = _strict(capsys.readouterr().out)
    assert out.pop("source") == str(path) and out.pop("out_of_range_samples") == 0
    assert out == json.loads(json.dumps(expected))


def test_the_first_pass_keeps_blocks_only_within_its_budget(tmp_path: Path, monkeypatch) -> None:
    """``read_keeping`` keeps the parsed blocks while they fit (one parse for two passes),
    none past the budget; either way the reader describes the whole file."""
    block = simulate(load_scenario("intensive"), 5).block
    path = tmp_path / "r.csv"
    write_recording(path, block)
    whole = read_recording(path).block
    size = 8 * len(whole) * (1 + len(whole.channels))
    monkeypatch.setattr(textfile, "CHUNK_BYTES", 4096)
    reader, kept = read_keeping(path, keep_bytes=size)
    assert kept is not None and len(kept) > 50
    together = SampleBlock.concat(kept)
    assert np.array_equal(together.t, whole.t)
    assert all(np.array_equal(together.data[c], whole.data[c]) for c in whole.channels)
    short, none = read_keeping(path, keep_bytes=size - 1)
    assert none is None
    for r in (reader, short):
        assert r.samples == len(whole) and r.t_last == whole.t[-1] and r.t_first == whole.t[0]
        assert r.sample_rate_hz() == read_recording(path).sample_rate_hz


def test_blank_lines_of_spaces_and_indented_comments_are_skipped() -> None:
    """Lines that are not data rows (empty, spaces only, ``#`` after spaces) are skipped
    wherever they stand; numpy's parser alone refused the last two with no line named."""
    rows = ["t,squeeze", "# a comment", "0.00,1.0", "", "0.01,2.0", "   ", "0.02,3.0"]
    rows += ["  # indented", "0.03,4.0", "0.04,x"]
    with pytest.raises(RecordingError, match="line 10: non-numeric cell 'x'"):
        parse_recording("\n".join(rows))
    rec = parse_recording("\n".join(rows[:-1]) + "\n")
    assert rec.t.tolist() == [0.0, 0.01, 0.02, 0.03]
    assert rec.block.data[Channel.SQUEEZE].tolist() == [1.0, 2.0, 3.0, 4.0]
    with pytest.raises(RecordingError, match="line 7: time goes backwards"):
        parse_recording("\n".join([*rows[:5], "  ", "0.005,9.0"]))


@pytest.mark.slow
def test_a_long_recording_is_analysed_in_bounded_memory(tmp_path: Path) -> None:
    """2 M rows (5.6 h at 100 Hz): under 300 MB resident. Whole-file reading took 2.3 GB
    for 6 M rows; the reader holds a few MB of the file at a time."""
    path = tmp_path / "long.csv"
    n, rate = 2_000_000, 100.0
    with open(path, "w") as fh:
        fh.write("t,squeeze,abdominal\n")
        for start in range(0, n, 200_000):
            i = np.arange(start, start + 200_000)
            t = i / rate
            sq = 20 + 30 * (np.sin(2 * np.pi * t / 12) > 0.3) + 0.5 * np.sin(t)
            # the rows np.savetxt writes (it formats a row at a time too), 2.5 times faster
            cols = zip(t.tolist(), sq.tolist(), (5 + np.sin(t)).tolist(), strict=True)
            fh.write("".join(map("%.4f,%.3f,%.3f\n".__mod__, cols)))
    rss = rss_kb([sys.executable, "-m", "perineo", "analyze", str(path), "--format", "json"])
    assert rss < 300_000, f"{rss / 1000:.0f} MB"


# ---------------------------------------------------------------- impossible values (item 5)
@pytest.mark.slow
def test_values_outside_the_probes_range_are_left_out_counted_and_reported(
    tmp_path: Path, capsys
) -> None:
    """A burst of 1e100 lost every later repetition (28 -> 0-2) without a word, and the JSON
    held NaN. Such samples are now corrupt samples: left out, counted, reported."""
    block = simulate(load_scenario("intensive"), 2).block
    clean, burst = tmp_path / "clean.csv", tmp_path / "burst.csv"
    write_recording(clean, block)
    assert main(["analyze", str(clean), "--format", "json"]) == 0
    expected = _strict(capsys.readouterr().out)
    sq = block.data[next(iter(block.data))].copy()
    at = int(np.searchsorted(block.t, expected["reps"][0]["onset_s"])) - 300  # in a rest
    sq[at : at + 40] = 1e100
    sq[at + 500] = -400.0
    sq[at + 600] = 327.67  # the probe's largest value: kept
    write_recording(burst, SampleBlock(block.t, {**block.data, next(iter(block.data)): sq}))
    assert main(["analyze", str(burst), "--format", "json"]) == 0
    captured = capsys.readouterr()
    out = _strict(captured.out)
    warning = _one_line(captured.err)
    assert "41 samples with a value outside the probe's range (±327.67) left out" in warning
    assert f"the first on line {at + 2}" in warning
    assert out["out_of_range_samples"] == 41
    assert len(out["reps"]) == len(expected["reps"]) >= 8
    assert [r["onset_s"] for r in out["reps"]] == pytest.approx(
        [r["onset_s"] for r in expected["reps"]], abs=0.05
    )
    assert main(["analyze", str(burst)]) == 0  # the table: the same warning line
    assert "41 samples" in _one_line(capsys.readouterr().err)


def test_a_huge_gap_is_a_gap_not_an_allocation(tmp_path: Path, capsys) -> None:
    """A clock that jumps 10^12 s: analyze reports the gap at once; nothing spans it."""
    block = simulate(load_scenario("basic"), 1).block
    half = len(block) // 2
    t = block.t.copy()
    t[half:] += 1e12
    path = tmp_path / "jump.csv"
    write_recording(path, SampleBlock(t, dict(block.data)))
    t0 = time.process_time()
    assert main(["analyze", str(path), "--format", "json"]) == 0
    out = _strict(capsys.readouterr().out)
    assert time.process_time() - t0 < 30
    assert any(g["end_s"] and g["end_s"] - g["start_s"] > 1e11 for g in out["gaps"])
    assert out["reps"]


def test_json_is_strict(tmp_path: Path) -> None:
    doc = {"a": float("nan"), "b": [1.0, float("inf"), {"c": -float("inf")}], "d": 2.5}
    assert json.loads(dumps(doc)) == {"a": None, "b": [1.0, None, {"c": None}], "d": 2.5}


# ---------------------------------------------------------------- EDF on a full disk (item 10)
def test_edf_export_onto_a_full_disk_leaves_no_cut_file(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    from tests.reliability.test_outputs import _fill

    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    recording = tmp_path / "rec.csv"
    write_recording(recording, simulate(load_scenario("basic"), 1).block)
    sid = _session(recording)
    with tiny_disk(tmp_path / "disk", "256k") as disk:
        old = disk / "s.edf"
        old.write_bytes(b"the old export")
        _fill(disk)
        argv = ["export", str(sid), "--format", "edf", "--out", str(old), "--overwrite"]
        assert main(argv) == 1
        assert "s.edf: cannot write: No space left on device" in _one_line(capsys.readouterr().err)
        assert old.read_bytes() == b"the old export"
        new = disk / "new.edf"
        assert main(["export", str(sid), "--format", "edf", "--out", str(new)]) == 1
        assert "No space left on device" in _one_line(capsys.readouterr().err)
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "s.edf"]  # no temporary


def test_edf_export_refuses_to_fill_a_clock_jump(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    block = simulate(load_scenario("basic"), 1).block
    t = block.t.copy()
    t[len(t) // 2 :] += 1e12
    recording = tmp_path / "jump.csv"
    write_recording(recording, SampleBlock(t, dict(block.data)))
    sid = _session(recording)
    argv = ["export", str(sid), "--format", "edf", "--out", str(tmp_path / "j.edf")]
    assert main(argv) == 2
    assert "EDF is continuous" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "j.edf").exists()
