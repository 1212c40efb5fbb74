"""Patients and their assessments over time, in the training record (schema 3).

Patients are known by a pseudonymous ID only: the clinic keeps the key that links it to a
person. IDs that look like something else (a national identity number, a birth date, an
e-mail address, a name with spaces) are refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from perineo.assess.model import Step, StepSpan
from perineo.errors import InputError
from perineo.store.db import Database, column

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{1,31}")
_DIGITS = re.compile(r"[0-9.\-_]+")


def check_patient_id(pid: str) -> str:
    """Return ``pid`` if it is a usable pseudonymous ID, else raise :class:`InputError`."""
    if not _ID.fullmatch(pid):
        raise InputError(
            f"patient ID {pid!r}: expected 2–32 letters, digits, '.', '-' or '_' "
            "(a pseudonymous code such as P-0042, never a name)"
        )
    digits = re.sub(r"\D", "", pid)
    if _DIGITS.fullmatch(pid) and len(digits) >= 6:
        raise InputError(
            f"patient ID {pid!r}: looks like a birth date or an identity number; "
            "use a pseudonymous code such as P-0042"
        )
    return pid


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    patient: str
    created_at: datetime
    session_id: int | None
    probe: str
    channels: tuple[str, ...]
    recording: Path | None
    steps: tuple[StepSpan, ...]
    result: dict[str, object]  # the report JSON of perineo.assess (PERFECT numbers and all)

    def summary(self) -> dict[str, object]:
        """What a later report compares with."""
        keys = ("power_cmH2O", "endurance_s", "repetitions", "fast", "resting_cmH2O", "perfect")
        return {"date": self.created_at.isoformat(), **{k: self.result.get(k) for k in keys}}


def save_assessment(
    db: Database,
    *,
    patient: str,
    probe: str,
    channels: tuple[str, ...],
    steps: tuple[StepSpan, ...],
    result: dict[str, object],
    recording: Path | None = None,
    session_id: int | None = None,
    created_at: datetime | None = None,
) -> int:
    check_patient_id(patient)
    when = (created_at or datetime.now(UTC)).astimezone(UTC)
    with db.transaction() as c:
        cur = c.execute(
            "INSERT INTO assessments (patient, created_at, session_id, probe, channels,"
            " recording, steps, result) VALUES (?,?,?,?,?,?,?,?)",
            (
                patient,
                when.isoformat(timespec="seconds"),
                session_id,
                probe,
                ",".join(channels),
                None if recording is None else str(recording),
                json.dumps([s.to_json() for s in steps]),
                json.dumps(result),
            ),
        )
        return int(cur.lastrowid or 0)


_COLS = "id, patient, created_at, session_id, probe, channels, recording, steps, result"


def assessments(db: Database, patient: str) -> list[AssessmentRecord]:
    """A patient's assessments, oldest first."""
    rows = db.conn.execute(
        f"SELECT {_COLS} FROM assessments WHERE patient = ? ORDER BY created_at, id", (patient,)
    ).fetchall()
    return [_record(r) for r in rows]


def assessment(db: Database, assessment_id: int) -> AssessmentRecord:
    row = db.conn.execute(
        f"SELECT {_COLS} FROM assessments WHERE id = ?", (assessment_id,)
    ).fetchone()
    if row is None:
        raise InputError(f"no assessment {assessment_id} in the training record")
    return _record(row)


def previous(db: Database, patient: str, before: datetime) -> AssessmentRecord | None:
    """The patient's last assessment made before ``before`` (None for a first one)."""
    earlier = [a for a in assessments(db, patient) if a.created_at < before.astimezone(UTC)]
    return earlier[-1] if earlier else None


def _record(row: tuple[object, ...]) -> AssessmentRecord:
    where = f"assessment {row[0]}"
    steps = tuple(
        StepSpan(Step(s["step"]), float(s["start_s"]), float(s["end_s"]))
        for s in json.loads(str(row[7]))
    )
    return AssessmentRecord(
        id=column(row[0], int, where, "id"),
        patient=str(row[1]),
        created_at=datetime.fromisoformat(str(row[2])),
        session_id=None if row[3] is None else column(row[3], int, where, "session_id"),
        probe=str(row[4]),
        channels=tuple(str(row[5]).split(",")),
        recording=None if row[6] is None else Path(str(row[6])),
        steps=steps,
        result=json.loads(str(row[8])),
    )
