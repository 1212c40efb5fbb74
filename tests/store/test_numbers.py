"""One numbering everywhere, exports on the session's clock, recovered sessions counted.

A session is stored in the real SQLite record as the live session stores it — three
calibration squeezes (repetition events, never scored), then two sets of scored
repetitions — and read back through the CLI: ``export`` (JSON and EDF, read with a real EDF
reader), ``history`` and ``plan``. The crash is a real SIGKILL of a process holding the
session open.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from perineo.cli import main
from perineo.program.loader import get_program
from perineo.program.scoring import score_rep, summarize
from perineo.program.script import make_rep, rep_events
from perineo.recording import write_recording
from perineo.samples import Channel, SampleBlock
from perineo.signal.events import Event, EventKind
from perineo.store.sessions import SessionKind, SessionStatus, TrainingRecord

pyedflib = pytest.importorskip("pyedflib")

INTENSIVE = get_program("intensive")
STARTED = datetime(2026, 5, 4, 8, 30, 0, tzinfo=UTC)
CAL_ONSETS = (30.0, 50.0, 70.0)  # the calibration's three maximal squeezes
SET1 = (140.0, 155.0, 170.0)  # training: two sets, the second after a long pause
SET2 = (260.0, 275.0)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """A session's recording: 300 s of two channels at 50 Hz, a hole at 200-201.5 s."""
    path = tmp_path / "rec.csv"
    t = np.arange(0.0, 300.0, 0.02)
    t = t[(t < 200.0) | (t >= 201.5)]
    data = {Channel.SQUEEZE: 20 + 0.1 * np.sin(t), Channel.ABDOMINAL: 8 + 0.1 * np.cos(t)}
    write_recording(path, SampleBlock(t, data))
    return path


def _start_session(rec: TrainingRecord, recording: Path) -> int:
    """A training session started as the live session starts it."""
    return rec.start_session(
        kind=SessionKind.TRAIN,
        program=INTENSIVE,
        source="sim-follow",
        channels=("squeeze", "abdominal"),
        recording=recording,
        started_at=STARTED,
    )


def _finish_session(
    rec: TrainingRecord, sid: int, status: SessionStatus = SessionStatus.DONE
) -> None:
    """Finish ``sid`` with the summary of its stored repetitions, as the live session does."""
    stored = rec.reps(sid)
    scores = [r.score for r in stored if r.score is not None]
    rec.finish_session(sid, summarize([r.rep for r in stored], scores, INTENSIVE), status=status)


def _store_session(rec: TrainingRecord, recording: Path, *, finish: bool = True) -> int:
    """What the live session writes: calibration squeezes' events, then scored sets."""
    sid = _start_session(rec, recording)
    cal = [make_rep(index=i, onset=t, peak=95.0) for i, t in enumerate(CAL_ONSETS)]
    rec.add_events(sid, [e for r in cal for e in rep_events(r)])
    # the source reported a hole: the detector marked it (also a hole in the samples)
    rec.add_events(sid, [Event(EventKind.GAP, 200.0, 201.5, -1, value=201.5)])
    n = len(cal)
    for set_no, onsets in ((1, SET1), (2, SET2)):
        for t in onsets:
            rep = make_rep(index=n, onset=t, peak=60.0 + n)
            rec.add_events(sid, rep_events(rep))
            rec.save_rep(sid, rep, score_rep(rep, INTENSIVE, set_no=set_no))
            n += 1
    if finish:
        _finish_session(rec, sid)
    return sid


def _out_json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_exports_number_as_the_screen_and_start_at_the_session_start(
    home: Path, tmp_path: Path, recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with TrainingRecord.open() as rec:
        sid = _store_session(rec, recording)

    assert main(["export", str(sid), "--format", "json"]) == 0
    doc = _out_json(capsys)
    reps = doc["reps"]
    # only the training repetitions are repetitions, numbered from 1 by set and place
    assert [(r["number"], r["set"], r["rep_in_set"]) for r in reps] == [
        (1, 1, 1),
        (2, 1, 2),
        (3, 1, 3),
        (4, 2, 1),
        (5, 2, 2),
    ]
    assert not any(r["calibration"] for r in reps)
    assert [r["index"] for r in reps] == [3, 4, 5, 6, 7]  # the detector's index is kept
    labels = [e["label"] for e in doc["events"] if e["kind"] == "repetition"]
    assert labels == [
        "calibration squeeze 1",
        "calibration squeeze 2",
        "calibration squeeze 3",
        "set 1 rep 1",
        "set 1 rep 2",
        "set 1 rep 3",
        "set 2 rep 1",
        "set 2 rep 2",
    ]
    assert doc["session"]["started_at"] == STARTED.isoformat()

    edf = tmp_path / "s.edf"
    assert main(["export", str(sid), "--format", "edf", "--out", str(edf)]) == 0
    with pyedflib.EdfReader(str(edf)) as f:
        start = f.getStartdatetime()
        onsets, durations, texts = f.readAnnotations()
    assert start == STARTED.astimezone().replace(tzinfo=None)  # first sample at t = 0
    notes = list(zip(np.round(onsets, 3), np.round(durations, 3), texts, strict=True))
    cal = [(o, d) for o, d, x in notes if x.startswith("calibration squeeze")]
    assert [o for o, _ in cal] == list(CAL_ONSETS)  # on the clock, not 135 s late
    assert all(d >= 0 for _, d in cal)
    trained = [(o, x) for o, _, x in notes if x.startswith("set ")]
    assert [o for o, _ in trained] == [*SET1, *SET2]
    assert trained[3][1].startswith("set 2 rep 1 ")
    assert not any(x.startswith("repetition") for _, _, x in notes)
    gaps = [(o, d, x) for o, d, x in notes if "gap" in x]
    assert gaps == [(pytest.approx(199.98), pytest.approx(1.52), "gap")]  # one, not two


def test_analyze_json_adds_numbers_from_one(tmp_path: Path, capsys) -> None:
    t = np.arange(0.0, 60.0, 0.02)
    squeeze = 20 + 30 * ((t % 20 > 5) & (t % 20 < 13))  # three 8-s holds
    path = tmp_path / "r.csv"
    write_recording(path, SampleBlock(t, {Channel.SQUEEZE: squeeze.astype(float)}))
    assert main(["analyze", str(path), "--format", "json", "--program", "intensive"]) == 0
    reps = _out_json(capsys)["reps"]
    assert len(reps) == 3
    assert [r["index"] for r in reps] == [0, 1, 2]  # kept: the detector's, from 0
    assert [r["number"] for r in reps] == [1, 2, 3]
    assert [(r["set"], r["rep_in_set"]) for r in reps] == [(1, 1), (1, 2), (1, 3)]
    assert main(["analyze", str(path), "--program", "intensive"]) == 0
    table = capsys.readouterr().out.splitlines()
    rows = [line for line in table if "[set 1 rep " in line]
    assert [r.split()[0] for r in rows] == ["1", "2", "3"]
    assert "[set 1 rep 3 " in rows[2]


_KILLED = textwrap.dedent(
    """
    import os, signal, sys
    sys.path[:0] = {paths!r}
    from pathlib import Path
    from tests.store.test_numbers import _store_session
    from perineo.store.sessions import TrainingRecord
    rec = TrainingRecord.open()
    _store_session(rec, Path({recording!r}), finish=False)
    print("stored", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.slow
def test_a_session_killed_mid_way_counts_in_history_and_plan(
    home: Path, recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(__file__).resolve().parents[2]
    script = _KILLED.format(
        paths=[str(root), str(root / "src"), str(root / "sim")], recording=str(recording)
    )
    env = {**os.environ, "PERINEO_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert b"stored" in proc.stdout

    assert main(["history", "--format", "json", "--sessions"]) == 0  # recovers at the start
    err = capsys.readouterr()
    hist = json.loads(err.out)
    assert "session 1 was interrupted" in err.err
    (session,) = hist["sessions"]
    assert session["status"] == SessionStatus.INTERRUPTED.value
    summary = session["summary"]
    assert summary is not None and summary["reps"] == 5  # the scored ones, no calibration
    assert [s["reps"] for s in summary["sets"]] == [3, 2]
    (day,) = hist["days"]
    assert day["reps"] == 5 and day["sessions"] == 1

    assert main(["history"]) == 0
    table = capsys.readouterr().out
    assert "—" not in table.splitlines()[1]  # the day has its numbers
    assert main(["plan", "--format", "json"]) == 0
    plan = _out_json(capsys)
    assert plan["advice"] != "start"
    with TrainingRecord.open() as rec:
        # recovery added no repetition for the calibration squeezes in the events
        assert [r.rep.index for r in rec.reps(1)] == [3, 4, 5, 6, 7]
        assert rec.session(1).ended_at == STARTED + timedelta(seconds=299)  # whole seconds


def test_a_calibration_squeeze_lasts_from_its_onset_to_the_end_of_its_fall_in_edf(
    home: Path, tmp_path: Path, recording: Path
) -> None:
    # the live detector stamps a repetition event with the repetition's onset, and a
    # calibration squeeze is stored as its events only (no scored repetition): its EDF
    # duration came out as the few hundredths between two stamps of its onset (0.07 s for a
    # 4-s squeeze seen in `perineo train --sim`)
    with TrainingRecord.open() as rec:
        sid = _start_session(rec, recording)
        for i, t in enumerate(CAL_ONSETS):
            r = make_rep(index=i, onset=t, hold=3.0, quick=0, peak=95.0)
            events = [
                Event(e.kind, r.onset_s + 0.05, e.detected_s, i)  # as stored live
                if e.kind is EventKind.REPETITION
                else e
                for e in rep_events(r)
            ]
            rec.add_events(sid, events)
    edf = tmp_path / "cal.edf"
    assert main(["export", str(sid), "--format", "edf", "--out", str(edf)]) == 0
    with pyedflib.EdfReader(str(edf)) as f:
        onsets, durations, texts = f.readAnnotations()
    cal = [
        (round(o, 2), round(d, 2))
        for o, d, x in zip(onsets, durations, texts, strict=True)
        if x.startswith("calibration squeeze")
    ]
    # onset 30 s, rise 0.8 s, hold 3 s, fall 0.8 s: 4.6 s from onset to the end of the fall
    assert cal == [(t, 4.6) for t in CAL_ONSETS]


def test_the_plans_hold_column_says_it_is_the_longest_hold(
    home: Path, recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # one session: its summary said "Mean hold 2.1 s", the plan's week "hold s 2.3" (the
    # week's longest hold, unnamed): two numbers for one thing
    with TrainingRecord.open() as rec:
        _store_session(rec, recording)
        longest = max(r.rep.hold_end_s - r.rep.hold_start_s for r in rec.reps(1))  # type: ignore[operator]
    for lang, head in (("en", "max hold s"), ("nn", "lengst hald s")):
        assert main(["plan", "--lang", lang]) == 0
        lines = capsys.readouterr().out.splitlines()
        header = next(line for line in lines if head in line)
        row = lines[lines.index(header) + 1]
        end = header.index(head) + len(head)  # right-aligned under its header
        assert row[:end].endswith(f"{longest:.1f}"), (header, row)


def test_history_sessions_keeps_its_columns_for_an_interrupted_session(
    home: Path, recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "interrupted" is longer than the status column: the numbers after it moved 3 places
    with TrainingRecord.open() as rec:
        _store_session(rec, recording)
        sid = _store_session(rec, recording, finish=False)
        _finish_session(rec, sid, SessionStatus.INTERRUPTED)
    assert main(["history", "--sessions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    done = next(line for line in lines if " done " in line)
    interrupted = next(line for line in lines if " interrupted " in line)
    assert len(done) == len(interrupted) == len(lines[0])  # every column in its place
    assert done[-16:] == interrupted[-16:]  # the same session's numbers, in the same places


def test_the_recovery_line_counts_one_repetition_in_the_singular() -> None:
    # seen after a killed session: "... (274.0 s) and 1 more repetitions from its recording"
    from perineo.store.recovery import Recovered

    one = Recovered(session_id=5, samples=27400, duration_s=274.0, reps_added=1, trimmed_bytes=0)
    assert one.line() == (
        "session 5 was interrupted; recovered 27400 samples (274.0 s) and 1 more repetition "
        "from its recording"
    )
    two = Recovered(session_id=5, samples=10, duration_s=0.1, reps_added=2, trimmed_bytes=0)
    assert two.line().endswith("and 2 more repetitions from its recording")
