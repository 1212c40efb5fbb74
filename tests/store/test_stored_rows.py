"""Rows as earlier perineo wrote them still read; a malformed stored row names its field."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from perineo.errors import StoreError
from perineo.program.calibration import Calibration
from perineo.program.loader import get_program
from perineo.program.scoring import RepScore, score_analysis
from perineo.program.script import make_rep
from perineo.signal.events import Repetition, TechError
from perineo.store.db import Database
from perineo.store.history import day_totals, session_progress
from perineo.store.sessions import SessionKind, SessionStatus, TrainingRecord

INTENSIVE = get_program("intensive")
PERFECT = get_program("perfect")
CAL = Calibration(
    5.123,
    41.5,
    (38.25, 41.5, 39.0),
    (True, True, False),
    80.5,
    0.412,
    True,
    "2026-03-01T10:00:00+00:00",
    ("squeeze", "abdominal"),
    {"noise_cmH2O": 0.05},
)


def old_score_json(s: RepScore) -> dict[str, object]:
    """How ``save_rep`` laid out a score before the codec (``_score_json``)."""
    return {
        **s.to_json(),
        "index": s.index,
        "hold_s": s.hold_s,
        "quick_lifts": s.quick_lifts,
        "rest_s": s.rest_s,
    }


def write_old_record(path: Path, reps: list[Repetition]) -> None:
    """A training record written row by row as the code before the codec wrote it."""
    scores, summary = score_analysis(reps, INTENSIVE)
    _, perfect_summary = score_analysis(reps, PERFECT)
    with Database(path) as db, db.transaction() as c:
        c.execute(
            "INSERT INTO calibrations (created_at, rest_cmH2O, mvc_cmH2O, data) VALUES (?,?,?,?)",
            (CAL.created_at, CAL.rest_cmH2O, CAL.mvc_cmH2O, json.dumps(CAL.to_json())),
        )
        sessions = [
            (1, "train", "done", "intensive", json.dumps(INTENSIVE.to_json()), summary, 1),
            (2, "assess", "done", "perfect", json.dumps(PERFECT.to_json()), perfect_summary, None),
            (3, "record", "stopped", "-", json.dumps(None), None, None),
        ]
        for sid, kind, status, name, data, summ, cal in sessions:
            c.execute(
                "INSERT INTO sessions (id, started_at, ended_at, kind, status, program,"
                " program_data, source, channels, recording, calibration_id, summary)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    sid,
                    f"2026-03-0{sid}T09:00:00+00:00",
                    f"2026-03-0{sid}T09:05:00+00:00",
                    kind,
                    status,
                    name,
                    data,
                    "sim:correct",
                    "squeeze,abdominal",
                    None,
                    cal,
                    None if summ is None else json.dumps(summ.to_json()),
                ),
            )
        for r, s in zip(reps, scores, strict=True):
            c.execute(
                "INSERT OR REPLACE INTO reps VALUES (?,?,?,?,?,?,?)",
                (
                    1,
                    r.index,
                    s.set_no,
                    json.dumps(dataclasses.asdict(r)),
                    s.score,
                    s.verdict.value,
                    json.dumps(old_score_json(s)),
                ),
            )
        for r in reps:  # unscored, as recovery and `perineo record` store them
            c.execute(
                "INSERT INTO reps VALUES (?,?,?,?,NULL,NULL,NULL)",
                (3, r.index, 1, json.dumps(dataclasses.asdict(r))),
            )


def some_reps() -> list[Repetition]:
    reps = [
        make_rep(index=0, onset=5.0),
        make_rep(index=1, onset=22.25, errors=(TechError.PUSH_DOWN,), hold=None, quick=0),
        make_rep(index=2, onset=40.125, drop=None, level=None, peak=33.3333333),
    ]
    reps[2] = dataclasses.replace(
        reps[2], unverifiable=(TechError.BREATH_HOLD,), extra={"k": 0.1 + 0.2}
    )
    return reps


def test_a_record_written_by_the_old_code_reads_whole(tmp_path: Path):
    path = tmp_path / "perineo.db"
    reps = some_reps()
    write_old_record(path, reps)
    scores, summary = score_analysis(reps, INTENSIVE)
    _, perfect_summary = score_analysis(reps, PERFECT)
    with TrainingRecord.open(path) as rec:
        train, assess, record = rec.sessions()
        assert train.summary == summary.to_json() and train.totals is not None
        assert train.totals.to_json() == summary.to_json()
        assert train.totals.reps == 3 and len(train.totals.sets) == len(summary.sets)
        assert assess.kind is SessionKind.ASSESS and assess.totals is not None
        assert assess.summary == perfect_summary.to_json()  # perfect: at stored precision
        assert assess.totals.reps == perfect_summary.reps
        assert record.status is SessionStatus.STOPPED and record.totals is None
        assert rec.program_data(3) == {} and rec.program_data(1) == INTENSIVE.to_json()
        assert [r.rep for r in rec.reps(1)] == reps
        assert [r.score for r in rec.reps(1)] == scores
        assert [(r.rep, r.score) for r in rec.reps(3)] == [(r, None) for r in reps]
        assert rec.latest_calibration() == (1, CAL) and rec.calibrations() == [CAL]
        (day,) = day_totals([train])
        assert (day.reps, day.good, day.sets_done) == (3, summary.good, summary.sets_done)
        progress = session_progress(rec)
        assert [(p.program, p.reps, p.mvc_cmH2O) for p in progress] == [
            ("intensive", 3, CAL.mvc_cmH2O),
            ("perfect", 3, None),
        ]


def test_what_the_new_code_writes_is_byte_for_byte_the_old_layout(tmp_path: Path):
    reps = some_reps()
    scores, summary = score_analysis(reps, INTENSIVE)
    write_old_record(tmp_path / "old.db", reps)
    with TrainingRecord.open(tmp_path / "new.db") as rec:
        rec.save_calibration(CAL)
        sid = rec.start_session(
            kind=SessionKind.TRAIN,
            program=INTENSIVE,
            source="sim:correct",
            channels=("squeeze", "abdominal"),
            calibration_id=1,
            started_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
        )
        for r, s in zip(reps, scores, strict=True):
            rec.save_rep(sid, r, s)
        rec.finish_session(sid, summary, ended_at=datetime(2026, 3, 1, 9, 5, tzinfo=UTC))

    def rows(path: Path) -> tuple[list[tuple[object, ...]], ...]:
        with Database(path) as db:
            q = db.conn.execute
            return (
                q("SELECT * FROM reps WHERE session_id = 1 ORDER BY idx").fetchall(),
                q("SELECT summary, program_data FROM sessions WHERE id = 1").fetchall(),
                q("SELECT * FROM calibrations").fetchall(),
            )

    assert rows(tmp_path / "new.db") == rows(tmp_path / "old.db")


@pytest.mark.parametrize(
    ("sql", "read", "message"),
    [
        (
            "UPDATE reps SET data = json_set(data, '$.onset_s', 'soon') WHERE idx = 1",
            lambda rec: rec.reps(1),
            "training record, session 1, repetition 1: stored repetition is malformed:"
            " field 'onset_s' must be a number, not a string",
        ),
        (
            "UPDATE reps SET score_data = json_remove(score_data, '$.verdict') WHERE idx = 0",
            lambda rec: rec.reps(1),
            "training record, session 1, repetition 0: stored score is malformed:"
            " field 'verdict' is missing",
        ),
        (
            "UPDATE reps SET data = '{\"index\": ' WHERE idx = 2",
            lambda rec: rec.events(1),
            "training record, session 1, repetition 2: stored repetition is not JSON"
            " (Expecting value)",
        ),
        (
            "UPDATE sessions SET summary = json_set(summary, '$.reps', 'many') WHERE id = 1",
            lambda rec: rec.sessions(),
            "training record, session 1: stored summary is malformed:"
            " field 'reps' must be an integer, not a string",
        ),
        (
            "UPDATE sessions SET summary = '[1, 2]' WHERE id = 2",
            lambda rec: rec.session(2),
            "training record, session 2: stored summary is malformed:"
            " the summary must be a JSON object, not a list",
        ),
        (
            "UPDATE sessions SET status = 'paused' WHERE id = 3",
            lambda rec: rec.session(3),
            "training record, session 3: column 'status' is malformed",
        ),
        (
            "UPDATE calibrations SET data = json_set(data, '$.valid', json('[1]'))",
            lambda rec: rec.latest_calibration(),
            "training record, calibration 1: stored calibration is malformed:"
            " field 'valid' must be a list of true or false, not a number",
        ),
    ],
)
def test_a_malformed_stored_row_raises_one_line_naming_it(tmp_path: Path, sql, read, message):
    path = tmp_path / "perineo.db"
    write_old_record(path, some_reps())
    with Database(path) as db, db.transaction() as c:
        c.execute(sql)
    with TrainingRecord.open(path) as rec, pytest.raises(StoreError) as err:
        read(rec)
    assert str(err.value) == message and "\n" not in str(err.value)
