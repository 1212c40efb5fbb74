"""Training record round-trips: sessions, events, repetitions with scores, calibration, symptoms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from perineo.errors import StoreError
from perineo.program.calibration import Calibration
from perineo.program.loader import get_program
from perineo.program.plan import Leakage, SymptomEntry
from perineo.program.scoring import score_analysis
from perineo.program.script import make_rep, rep_events
from perineo.signal.events import TechError
from perineo.store.sessions import SessionKind, SessionStatus, TrainingRecord

INTENSIVE = get_program("intensive")


def test_session_round_trip(tmp_path: Path):
    reps = [
        make_rep(index=0, onset=5.0),
        make_rep(index=1, onset=22.0, errors=(TechError.PUSH_DOWN,)),
    ]
    events = [e for r in reps for e in rep_events(r)]
    scores, summary = score_analysis(reps, INTENSIVE)
    cal = Calibration(
        5.0,
        40.0,
        (38.0, 40.0, 39.0),
        (True,) * 3,
        80.0,
        0.4,
        True,
        "2026-03-01T10:00:00+00:00",
        ("squeeze",),
    )
    t0 = datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
    with TrainingRecord.open(tmp_path / "p.db") as rec:
        cal_id = rec.save_calibration(cal)
        sid = rec.start_session(
            kind=SessionKind.TRAIN,
            program=INTENSIVE,
            source="sim:correct",
            channels=("squeeze", "abdominal"),
            recording=tmp_path / "r.csv",
            calibration_id=cal_id,
            started_at=t0,
        )
        rec.add_events(sid, events[:5])
        rec.add_events(sid, events[5:])
        for r, s in zip(reps, scores, strict=True):
            rec.save_rep(sid, r, s)
        rec.finish_session(sid, summary, ended_at=datetime(2026, 3, 1, 10, 9, tzinfo=UTC))
    with TrainingRecord.open(tmp_path / "p.db") as rec:
        info = rec.session(sid)
        assert info.started_at == t0 and info.status is SessionStatus.DONE
        assert info.program == "intensive" and info.channels == ("squeeze", "abdominal")
        assert info.recording == tmp_path / "r.csv" and info.calibration_id == cal_id
        assert info.summary == summary.to_json()
        assert rec.events(sid) == events
        back = rec.reps(sid)
        assert [b.rep for b in back] == reps
        assert [b.score for b in back] == scores
        assert rec.latest_calibration() == (cal_id, cal)
        assert rec.calibration(cal_id) == cal


def test_rescored_rep_replaces_the_old_score(tmp_path: Path):
    rep = make_rep()
    (s,), _ = score_analysis([rep], INTENSIVE)
    with TrainingRecord.open(tmp_path / "p.db") as rec:
        sid = rec.start_session(
            kind=SessionKind.TRAIN, program=INTENSIVE, source="x", channels=("squeeze",)
        )
        rec.save_rep(sid, rep, None)
        rec.save_rep(sid, rep, s)
        assert [r.score for r in rec.reps(sid)] == [s]


def test_latest_calibration_is_reused_until_redone(tmp_path: Path):
    def cal(mvc: float) -> Calibration:
        return Calibration(5.0, mvc, (mvc,), (True,), 60.0, 0.1, True, "2026-01-01T00:00:00+00:00")

    with TrainingRecord.open(tmp_path / "p.db") as rec:
        assert rec.latest_calibration() is None
        rec.save_calibration(cal(30.0))
        assert rec.latest_calibration()[1].mvc_cmH2O == 30.0
        rec.save_calibration(cal(35.0))
        assert rec.latest_calibration()[1].mvc_cmH2O == 35.0
        assert [c.mvc_cmH2O for c in rec.calibrations()] == [30.0, 35.0]


def test_symptoms_and_session_queries(tmp_path: Path):
    with TrainingRecord.open(tmp_path / "p.db") as rec:
        rec.add_symptom(SymptomEntry(date(2026, 3, 8), Leakage.WEEKLY))
        rec.add_symptom(SymptomEntry(date(2026, 3, 1), Leakage.DAILY, "after running"))
        assert [e.leakage for e in rec.symptoms()] == [Leakage.DAILY, Leakage.WEEKLY]
        assert rec.symptoms()[0].note == "after running"
        for day in (1, 2, 3):
            rec.start_session(
                kind=SessionKind.TRAIN,
                program=INTENSIVE,
                source="x",
                channels=("squeeze",),
                started_at=datetime(2026, 3, day, 9, tzinfo=UTC),
            )
        since = rec.sessions(since=datetime(2026, 3, 2, tzinfo=UTC))
        assert [s.started_at.day for s in since] == [2, 3]
        assert all(s.status is SessionStatus.OPEN for s in since)
        with pytest.raises(StoreError, match="no session 99"):
            rec.session(99)
        with pytest.raises(StoreError, match="no session 99"):
            rec.finish_session(99)


def test_a_failed_write_leaves_nothing_half_written(tmp_path: Path):
    with TrainingRecord.open(tmp_path / "p.db") as rec:
        sid = rec.start_session(
            kind=SessionKind.TRAIN, program=INTENSIVE, source="x", channels=("squeeze",)
        )
        good = rep_events(make_rep())
        rec.add_events(sid, good[:2])
        with pytest.raises(AttributeError):
            rec.add_events(sid, [*good[2:4], "not an event"])  # type: ignore[list-item]
        assert len(rec.events(sid)) == 2
