"""Export read back: the CSV contract, the JSON document, and EDF+ through a real EDF reader."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from perineo.errors import InputError, StoreError
from perineo.program.loader import get_program
from perineo.program.scoring import score_analysis
from perineo.program.script import make_rep, rep_events
from perineo.recording import read_recording, write_recording
from perineo.samples import Channel, SampleBlock
from perineo.signal.events import TechError
from perineo.store.export import ExportFormat, export_session, uniform
from perineo.store.sessions import SessionKind, TrainingRecord

pyedflib = pytest.importorskip("pyedflib")

INTENSIVE = get_program("intensive")
RATE = 50.0


def signal(t: np.ndarray) -> dict[Channel, np.ndarray]:
    return {
        Channel.SQUEEZE: 20 + 15 * np.clip(np.sin(t / 3), 0, None),
        Channel.ABDOMINAL: 8 + np.sin(2 * np.pi * 0.25 * t),
        Channel.TILT: 2 * np.sin(t / 5),
    }


@pytest.fixture
def session(tmp_path: Path) -> tuple[TrainingRecord, int, Path]:
    t = np.arange(0, 40, 1 / RATE)
    t = np.concatenate([t[t < 20], t[t >= 21.5]])  # a 1.5 s gap
    rec_path = tmp_path / "rec.csv"
    write_recording(rec_path, SampleBlock(t, signal(t)))
    reps = [
        make_rep(index=0, onset=3.0),
        make_rep(index=1, onset=22.0, errors=(TechError.PUSH_DOWN,)),
    ]
    scores, summary = score_analysis(reps, INTENSIVE)
    rec = TrainingRecord.open(tmp_path / "p.db")
    sid = rec.start_session(
        kind=SessionKind.TRAIN,
        program=INTENSIVE,
        source="sim",
        channels=("squeeze", "abdominal", "tilt"),
        recording=rec_path,
        started_at=datetime(2026, 5, 4, 8, 30, 15, tzinfo=UTC),
    )
    rec.add_events(sid, [e for r in reps for e in rep_events(r)])
    for r, s in zip(reps, scores, strict=True):
        rec.save_rep(sid, r, s)
    rec.finish_session(sid, summary)
    yield rec, sid, tmp_path
    rec.close()


def test_edf_reads_back_with_a_standard_reader(session):
    rec, sid, tmp = session
    out = tmp / "s.edf"
    export_session(rec, sid, ExportFormat.EDF, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with pyedflib.EdfReader(str(out)) as f:
        assert f.getSignalLabels() == ["squeeze", "abdominal", "tilt"]
        assert [f.getPhysicalDimension(i) for i in range(3)] == ["cmH2O", "cmH2O", "deg"]
        assert all(f.getSampleFrequency(i) == RATE for i in range(3))
        start = f.getStartdatetime()
        assert start == datetime(2026, 5, 4, 8, 30, 15, tzinfo=UTC).astimezone().replace(
            tzinfo=None
        )
        n = f.getNSamples()[0]
        t = np.arange(n) / RATE
        x = f.readSignal(0)
        truth = signal(t)[Channel.SQUEEZE]
        mask = t < 19.9  # before the gap (interpolated across it)
        assert np.abs(x[mask] - truth[mask]).max() < 0.01
        onsets, durations, texts = f.readAnnotations()
    notes = list(zip(np.round(onsets, 3), texts, strict=True))
    assert (3.0, "onset") in notes
    assert (3.8, "hold_start") in notes
    assert sum(text == "quick_lift" for _, text in notes) == 8
    assert (22.5, "error push_down") in notes
    reps = [
        (o, d, txt)
        for o, d, txt in zip(onsets, durations, texts, strict=True)
        if txt.startswith("set ")
    ]
    assert reps[0][2] == "set 1 rep 1 good 99"
    assert reps[0][0] == pytest.approx(3.0) and reps[0][1] == pytest.approx(10.6)
    assert reps[1][2].startswith("set 1 rep 2 redo") and "push_down" in reps[1][2]
    gap = [(o, d) for o, d, txt in zip(onsets, durations, texts, strict=True) if "gap" in txt]
    assert gap == [(pytest.approx(19.98), pytest.approx(1.52))]


def test_csv_export_is_the_recording_contract(session):
    rec, sid, tmp = session
    export_session(rec, sid, ExportFormat.CSV, tmp / "out.csv")
    back = read_recording(tmp / "out.csv")
    orig = read_recording(tmp / "rec.csv")
    assert back.channels == orig.channels
    np.testing.assert_allclose(back.t, orig.t)
    text = export_session(rec, sid, ExportFormat.CSV, None)
    assert text.splitlines()[0] == "t,squeeze,abdominal,tilt"


def test_json_export_has_everything(session):
    rec, sid, _ = session
    doc = json.loads(export_session(rec, sid, ExportFormat.JSON, None))
    assert doc["schema"] == "perineo.session/1"
    assert doc["session"]["id"] == sid and doc["program"]["name"] == "intensive"
    assert [r["verdict"] for r in doc["reps"]] == ["good", "redo"]
    assert doc["reps"][1]["reasons"] == ["push_down"]
    assert doc["summary"]["reps"] == 2
    assert doc["events"][0] == {
        "kind": "onset",
        "t": 3.0,
        "detected_s": 3.2,
        "rep": 0,
        "error": None,
        "value": None,
    }


def test_export_refuses_to_overwrite_and_needs_a_recording(session):
    rec, sid, tmp = session
    (tmp / "x.edf").write_text("keep")
    with pytest.raises(InputError, match="already exists"):
        export_session(rec, sid, ExportFormat.EDF, tmp / "x.edf")
    assert (tmp / "x.edf").read_text() == "keep"
    with pytest.raises(InputError, match="--out"):
        export_session(rec, sid, ExportFormat.EDF, None)
    other = rec.start_session(
        kind=SessionKind.TRAIN, program=INTENSIVE, source="x", channels=("squeeze",)
    )
    with pytest.raises(StoreError, match="no recording"):
        export_session(rec, other, ExportFormat.CSV, None)


def test_uniform_grid_and_gaps():
    t = np.array([0.0, 0.02, 0.04, 0.06, 0.5, 0.52])
    block = SampleBlock(t, {Channel.SQUEEZE: t * 10})
    u, rate, gaps = uniform(block)
    assert rate == 50.0 and gaps == [(0.06, 0.5)]
    np.testing.assert_allclose(np.diff(u.t), 0.02)
    np.testing.assert_allclose(u.data[Channel.SQUEEZE], u.t * 10)
