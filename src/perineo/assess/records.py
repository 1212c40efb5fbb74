"""Patients and their assessments over time, in the training record (schemas 3 and 4).

An assessment is stored as it starts (:func:`begin_assessment`: the patient, the probe, the
recording, the training-record session that holds its liveness lock) and completed at its
end (:func:`complete_assessment`). If its process dies, the next start recovers it like a
training session (:func:`recover_assessment`): its PERFECT is worked out from the recording,
as ``perineo report`` would, and it is kept, marked ``interrupted``, with its patient.

Patients are known by a pseudonymous ID only: the clinic keeps the key that links it to a
person. IDs that look like something else (a national identity number, a birth date, an
e-mail address, a name with spaces) are refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from perineo.assess.model import Step, StepSpan
from perineo.errors import InputError
from perineo.store.db import Database, column
from perineo.store.recovery import AFTER_RECOVERY
from perineo.store.sessions import SessionKind

if TYPE_CHECKING:
    from perineo.samples import SampleBlock
    from perineo.signal.events import Repetition

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


class AssessStatus(StrEnum):
    RUNNING = "running"  # started, not yet ended (or its process died: recovered next start)
    DONE = "done"
    INTERRUPTED = "interrupted"  # its process died; PERFECT from what the recording kept


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
    status: AssessStatus = AssessStatus.DONE

    def summary(self) -> dict[str, object]:
        """What a later report compares with."""
        keys = ("power_cmH2O", "endurance_s", "repetitions", "fast", "resting_cmH2O", "perfect")
        return {
            "date": self.created_at.isoformat(),
            "status": self.status.value,
            **{k: self.result.get(k) for k in keys},
        }


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
    return _insert(
        db, patient, probe, channels, recording, session_id, created_at,
        steps=json.dumps([s.to_json() for s in steps]),
        result=json.dumps(result),
        status=AssessStatus.DONE,
    )  # fmt: skip


def begin_assessment(
    db: Database,
    *,
    patient: str,
    probe: str,
    channels: tuple[str, ...],
    recording: Path | None,
    session_id: int | None,
    created_at: datetime | None = None,
) -> int:
    """Store an assessment as it starts (``running``, no result yet); returns its id."""
    return _insert(
        db, patient, probe, channels, recording, session_id, created_at,
        steps="[]", result="{}", status=AssessStatus.RUNNING,
    )  # fmt: skip


def _insert(
    db: Database,
    patient: str,
    probe: str,
    channels: tuple[str, ...],
    recording: Path | None,
    session_id: int | None,
    created_at: datetime | None,
    *,
    steps: str,
    result: str,
    status: AssessStatus,
) -> int:
    """One assessment row (``steps`` and ``result`` as stored JSON); returns its id."""
    check_patient_id(patient)
    when = (created_at or datetime.now(UTC)).astimezone(UTC)
    with db.transaction() as c:
        cur = c.execute(
            "INSERT INTO assessments (patient, created_at, session_id, probe, channels,"
            " recording, steps, result, status) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                patient,
                when.isoformat(timespec="seconds"),
                session_id,
                probe,
                ",".join(channels),
                None if recording is None else str(recording),
                steps,
                result,
                status.value,
            ),
        )
        return int(cur.lastrowid or 0)


def complete_assessment(
    db: Database,
    assessment_id: int,
    *,
    channels: tuple[str, ...],
    steps: tuple[StepSpan, ...],
    result: dict[str, object],
    status: AssessStatus = AssessStatus.DONE,
) -> None:
    """Store an assessment's steps and PERFECT result (at its end, or by recovery)."""
    with db.transaction() as c:
        c.execute(
            "UPDATE assessments SET channels = ?, steps = ?, result = ?, status = ? WHERE id = ?",
            (
                ",".join(channels),
                json.dumps([s.to_json() for s in steps]),
                json.dumps(result),
                status.value,
                assessment_id,
            ),
        )


def drop_assessment(db: Database, assessment_id: int) -> None:
    """Forget an assessment that recorded nothing (begun, no samples came)."""
    with db.transaction() as c:
        c.execute("DELETE FROM assessments WHERE id = ?", (assessment_id,))


def recover_assessment(
    db: Database, session_id: int, block: SampleBlock | None, reps: list[Repetition]
) -> int | None:
    """Complete the ``running`` assessment of an interrupted session from its recording.

    Its PERFECT is what ``perineo report`` finds in the samples kept (steps inferred from
    the repetitions); with no samples its result stays empty. Returns its id, if any.
    """
    from perineo.assess.scheme import perfect

    row = db.conn.execute(
        "SELECT id FROM assessments WHERE session_id = ? AND status = ?",
        (session_id, AssessStatus.RUNNING.value),
    ).fetchone()
    if row is None:
        return None
    aid = int(row[0])
    if block is None or len(block) < 2:
        with db.transaction() as c:
            c.execute(
                "UPDATE assessments SET status = ? WHERE id = ?",
                (AssessStatus.INTERRUPTED.value, aid),
            )
        return aid
    found = perfect(block, reps)
    complete_assessment(
        db,
        aid,
        channels=found.channels,
        steps=found.steps,
        result={**found.to_json(), "interrupted": True},
        status=AssessStatus.INTERRUPTED,
    )
    return aid


_COLS = "id, patient, created_at, session_id, probe, channels, recording, steps, result, status"


def assessments(db: Database, patient: str) -> list[AssessmentRecord]:
    """A patient's assessments, oldest first (one still running is not among them)."""
    rows = db.conn.execute(
        f"SELECT {_COLS} FROM assessments WHERE patient = ? AND status != ?"
        " ORDER BY created_at, id",
        (patient, AssessStatus.RUNNING.value),
    ).fetchall()
    return [_record(r) for r in rows]


def assessment(db: Database, assessment_id: int) -> AssessmentRecord:
    row = db.conn.execute(
        f"SELECT {_COLS} FROM assessments WHERE id = ?", (assessment_id,)
    ).fetchone()
    if row is None:
        raise InputError(f"no assessment {assessment_id} in the training record").keyed(
            "refusal.no_assessment", n=assessment_id
        )
    found = _record(row)
    if found.status is AssessStatus.RUNNING:
        raise InputError(
            f"assessment {assessment_id} has not ended: it is still running, or was cut short"
            f" (then `perineo assess --patient {found.patient} --history` recovers it)"
        )
    return found


def assessment_of_session(db: Database, session_id: int) -> AssessmentRecord | None:
    """The assessment a training-record session ran (None: none, or it has not ended)."""
    row = db.conn.execute(
        f"SELECT {_COLS} FROM assessments WHERE session_id = ? AND status != ?",
        (session_id, AssessStatus.RUNNING.value),
    ).fetchone()
    return None if row is None else _record(row)


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
        status=AssessStatus(str(row[9])),
    )


AFTER_RECOVERY[SessionKind.ASSESS.value] = recover_assessment  # when the store recovers one
