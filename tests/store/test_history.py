"""Days and weeks from stored sessions: sets add up over a day; maintenance counts sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from perineo.program.calibration import Calibration
from perineo.program.loader import get_program, load_programs
from perineo.program.scoring import score_analysis
from perineo.program.script import make_rep
from perineo.store.history import day_totals, session_progress, week_totals
from perineo.store.sessions import SessionKind, TrainingRecord


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """Days are local dates: pin the local time zone."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def one_set_session(
    rec: TrainingRecord, program: str, when: datetime, n: int = 8, cal_id: int | None = None
) -> int:
    prog = get_program(program)
    reps = []
    onset = 5.0
    for i in range(n):
        r = make_rep(index=i, onset=onset)
        reps.append(r)
        onset = r.end_s + 4.0
    _, summary = score_analysis(reps, prog)
    sid = rec.start_session(
        kind=SessionKind.TRAIN,
        program=prog,
        source="x",
        channels=("squeeze",),
        started_at=when,
        calibration_id=cal_id,
    )
    rec.finish_session(sid, summary)
    return sid


def test_sets_spread_over_a_day_meet_the_daily_dose(tmp_path: Path):
    with TrainingRecord.open(tmp_path / "p.db") as rec:
        for hour in (7, 12, 19):  # three sets spread over Monday
            one_set_session(rec, "intensive", datetime(2026, 3, 2, hour, tzinfo=UTC))
        one_set_session(rec, "intensive", datetime(2026, 3, 3, 12, tzinfo=UTC))
        one_set_session(rec, "intensive", datetime(2026, 3, 4, 12, tzinfo=UTC), n=5)
        days = day_totals(rec.sessions())
    assert [(d.sessions, d.sets_done, d.sets_target, d.dose_met) for d in days] == [
        (3, 3, 3, True),
        (1, 1, 3, False),
        (1, 0, 3, False),
    ]
    assert days[0].reps == 24 and days[0].good == 24 and days[0].mean_score > 90


def test_maintenance_week_needs_one_session(tmp_path: Path):
    with TrainingRecord.open(tmp_path / "p.db") as rec:
        one_set_session(rec, "maintenance", datetime(2026, 3, 4, 12, tzinfo=UTC))
        one_set_session(rec, "intensive", datetime(2026, 3, 10, 12, tzinfo=UTC))
        weeks = week_totals(rec.sessions(), load_programs())
    assert [(w.week_start, w.sessions, w.dose_met) for w in weeks] == [
        (date(2026, 3, 2), 1, True),
        (date(2026, 3, 9), 1, False),
    ]


def test_session_progress_carries_the_calibrated_mvc(tmp_path: Path):
    cal = Calibration(5.0, 42.0, (42.0,), (True,), 60.0, 0.2, True, "2026-03-01T00:00:00+00:00")
    with TrainingRecord.open(tmp_path / "p.db") as rec:
        cal_id = rec.save_calibration(cal)
        one_set_session(rec, "intensive", datetime(2026, 3, 2, 12, tzinfo=UTC), cal_id=cal_id)
        rec.start_session(
            kind=SessionKind.RECORD, program=None, source="x", channels=("squeeze",)
        )  # no summary: not progress
        progress = session_progress(rec)
    (p,) = progress
    assert p.program == "intensive" and p.mvc_cmH2O == 42.0 and p.reps == 8
    assert p.median_hold_s is not None and p.dose_met is False
