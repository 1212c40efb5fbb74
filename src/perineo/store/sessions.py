"""Sessions in the training record: program, calibration, events, scores, symptom checks.

Every write is one transaction, so a crash leaves what was written before it whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from perineo.errors import StoreError
from perineo.json_fields import FieldError, JsonObject, as_object
from perineo.program.calibration import Calibration
from perineo.program.model import Program
from perineo.program.plan import Leakage, SymptomEntry
from perineo.program.scoring import RepScore, Summary
from perineo.signal.events import Event, EventKind, Repetition, TechError
from perineo.store.codec import (
    calibration_from_json,
    calibration_to_json,
    rep_from_json,
    rep_to_json,
    score_from_json,
    score_to_json,
    summary_from_json,
    summary_to_json,
)
from perineo.store.db import Database, column
from perineo.store.recovery import Recovered, SessionLock, recover_interrupted

NO_PROGRAM = "-"  # a session recorded without a program
SAME_ONSET_S = 0.5  # a squeeze found again this close to a stored onset is that squeeze


class SessionKind(StrEnum):
    TRAIN = "train"
    ASSESS = "assess"
    RECORD = "record"  # recorded without coaching (``perineo record``)


class SessionStatus(StrEnum):
    OPEN = "open"  # still running, or the program stopped without finishing it
    DONE = "done"
    STOPPED = "stopped"  # ended early by the user
    INTERRUPTED = "interrupted"  # its process died (crash, kill); recovered from its recording


@dataclass(frozen=True)
class SessionInfo:
    id: int
    started_at: datetime
    ended_at: datetime | None
    kind: SessionKind
    status: SessionStatus
    program: str
    source: str
    channels: tuple[str, ...]
    recording: Path | None
    calibration_id: int | None
    summary: dict[str, object] | None  # as stored (Summary.to_json): what export writes
    totals: Summary | None = None  # the same summary, typed

    @property
    def day(self) -> date:
        return self.started_at.astimezone().date()

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "ended_at": None if self.ended_at is None else self.ended_at.isoformat(),
            "kind": self.kind.value,
            "status": self.status.value,
            "program": self.program,
            "source": self.source,
            "channels": list(self.channels),
            "recording": None if self.recording is None else str(self.recording),
            "calibration_id": self.calibration_id,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class RepRecord:
    rep: Repetition
    score: RepScore | None


def now_utc() -> datetime:
    return datetime.now(UTC)


class TrainingRecord:
    """The user's training record: open with :meth:`open` (default: the user data folder)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.live_sessions: dict[int, SessionLock] = {}  # started here, not finished yet

    @classmethod
    def open(cls, path: Path | None = None) -> TrainingRecord:
        return cls(Database(path))

    @classmethod
    def open_at_start(
        cls, path: Path | None = None, *, words: Callable[[Recovered], str] | None = None
    ) -> TrainingRecord:
        """Open as a command starts: recover sessions a crash interrupted, one line each
        (in ``words``, the command's language)."""
        from perineo.store.recovery import report

        record = cls.open(path)
        try:
            report(record.recover_interrupted(), words=words)
        except BaseException:
            record.close()
            raise
        return record

    def close(self) -> None:
        for lock in self.live_sessions.values():
            lock.release()
        self.live_sessions.clear()
        self.db.close()

    def recover_interrupted(self) -> list[Recovered]:
        """Sessions whose process died: recovered from their recordings, marked interrupted."""
        return recover_interrupted(self)

    def __enter__(self) -> TrainingRecord:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions -------------------------------------------------------------------------

    def start_session(
        self,
        *,
        kind: SessionKind,
        program: Program | None,
        source: str,
        channels: Sequence[str],
        recording: Path | None = None,
        calibration_id: int | None = None,
        started_at: datetime | None = None,
    ) -> int:
        started = started_at or now_utc()
        with self.db.transaction() as c:
            cur = c.execute(
                "INSERT INTO sessions (started_at, kind, status, program, program_data, source,"
                " channels, recording, calibration_id) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    _iso(started),
                    kind.value,
                    SessionStatus.OPEN.value,
                    NO_PROGRAM if program is None else program.name,
                    json.dumps(None if program is None else program.to_json()),
                    source,
                    ",".join(channels),
                    None if recording is None else str(recording),
                    calibration_id,
                ),
            )
            session_id = int(cur.lastrowid or 0)
            # locked before the row is committed: no one sees it open without its lock
            lock = SessionLock(self.db.path.parent, session_id)
            if lock.acquire():
                self.live_sessions[session_id] = lock
            return session_id

    def add_events(self, session_id: int, events: Sequence[Event]) -> None:
        """Append events (in order) to a session."""
        if not events:
            return
        with self.db.transaction() as c:
            row = c.execute(
                "SELECT coalesce(max(seq), -1) FROM events WHERE session_id = ?", (session_id,)
            ).fetchone()
            seq = int(row[0]) + 1
            c.executemany(_INSERT_EVENT, _event_rows(session_id, seq, events))

    def save_rep(self, session_id: int, rep: Repetition, score: RepScore | None) -> None:
        """Store a repetition and its score (again, if it was re-scored)."""
        with self.db.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO reps VALUES (?,?,?,?,?,?,?)",
                (
                    session_id,
                    rep.index,
                    1 if score is None else score.set_no,
                    json.dumps(rep_to_json(rep)),  # full precision; enums are strings
                    None if score is None else score.score,
                    None if score is None else score.verdict.value,
                    None if score is None else json.dumps(score_to_json(score)),
                ),
            )

    def finish_session(
        self,
        session_id: int,
        summary: Summary | None = None,
        *,
        status: SessionStatus = SessionStatus.DONE,
        ended_at: datetime | None = None,
    ) -> None:
        with self.db.transaction() as c:
            cur = c.execute(
                "UPDATE sessions SET ended_at = ?, status = ?, summary = ? WHERE id = ?",
                (
                    _iso(ended_at or now_utc()),
                    status.value,
                    None if summary is None else json.dumps(summary_to_json(summary)),
                    session_id,
                ),
            )
            if cur.rowcount != 1:
                raise StoreError(f"no session {session_id} in the training record").keyed(
                    "refusal.no_session", n=session_id
                )
        lock = self.live_sessions.pop(session_id, None)
        if lock is not None:
            lock.release()

    def mark_uncounted(self, session_id: int, rep: int, onset_s: float) -> None:
        """Keep that the squeeze ``rep`` (its onset at ``onset_s``) is no repetition: it
        began while the session was paused."""
        with self.db.transaction() as c:
            c.execute("INSERT OR REPLACE INTO uncounted VALUES (?,?,?)", (session_id, rep, onset_s))

    def uncounted(self, session_id: int) -> dict[int, float]:
        """The squeezes the session saw begin while paused: detector index → onset."""
        rows = self.db.conn.execute(
            "SELECT rep, t FROM uncounted WHERE session_id = ?", (session_id,)
        ).fetchall()
        return {int(rep): float(t) for rep, t in rows}

    def append_recovered(
        self, session_id: int, events: Sequence[Event], reps: Sequence[Repetition]
    ) -> int:
        """Add what a re-analysis of the recording found after the last stored event.

        Stored repetitions (and their scores) are kept. Only repetitions after the last one
        the live session saw end are added (unscored, in the last set): one it saw end and
        did not store was a calibration squeeze, never a repetition; nor is one it saw begin
        while paused (:meth:`mark_uncounted`). Returns how many.
        """
        stored = self.reps(session_id)
        row = self.db.conn.execute(
            "SELECT max(t) FROM events WHERE session_id = ? AND kind = 'onset' AND rep IN"
            " (SELECT rep FROM events WHERE session_id = ? AND kind = 'repetition')",
            (session_id, session_id),
        ).fetchone()
        seen = [float(row[0])] if row[0] is not None else []
        last_onset = max([r.rep.onset_s for r in stored] + seen, default=None)
        set_no = max((r.score.set_no for r in stored if r.score is not None), default=1)
        paused = self.uncounted(session_id).values()
        later = [
            r
            for r in reps
            if (last_onset is None or r.onset_s > last_onset + 1e-6)
            and not any(abs(r.onset_s - t) <= SAME_ONSET_S for t in paused)
        ]
        with self.db.transaction() as c:
            row = c.execute(
                "SELECT coalesce(max(seq), -1), max(detected_s) FROM events WHERE session_id = ?",
                (session_id,),
            ).fetchone()
            seq, last = int(row[0]) + 1, row[1]
            new = [e for e in events if last is None or e.detected_s > float(last)]
            c.executemany(_INSERT_EVENT, _event_rows(session_id, seq, new))
            before = c.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO reps VALUES (?,?,?,?,NULL,NULL,NULL)",
                [(session_id, r.index, set_no, json.dumps(rep_to_json(r))) for r in later],
            )
            return int(c.total_changes - before)

    def session(self, session_id: int) -> SessionInfo:
        row = self.db.conn.execute(_SESSION_SQL + " WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"no session {session_id} in the training record").keyed(
                "refusal.no_session", n=session_id
            )
        return _session(row)

    def program_data(self, session_id: int) -> dict[str, object]:
        """The program as it was when the session ran (user programs change)."""
        row = self.db.conn.execute(
            "SELECT program_data FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no session {session_id} in the training record").keyed(
                "refusal.no_session", n=session_id
            )
        if row[0] == "null":
            return {}  # recorded without a program
        return dict(_decode(row[0], dict, f"session {session_id}", "program"))

    def sessions(self, since: datetime | None = None) -> list[SessionInfo]:
        if since is None:
            rows = self.db.conn.execute(_SESSION_SQL + " ORDER BY started_at, id").fetchall()
        else:
            rows = self.db.conn.execute(
                _SESSION_SQL + " WHERE started_at >= ? ORDER BY started_at, id", (_iso(since),)
            ).fetchall()
        return [_session(r) for r in rows]

    def events(self, session_id: int) -> list[Event]:
        """The session's events in order; ``repetition`` events carry their stored repetition."""
        rows = self.db.conn.execute(
            "SELECT kind, t, detected_s, rep, error, value FROM events WHERE session_id = ?"
            " ORDER BY seq",
            (session_id,),
        ).fetchall()
        final = {r.rep.index: r.rep for r in self.reps(session_id)}
        return [
            Event(
                EventKind(k),
                t,
                d,
                rep,
                None if e is None else TechError(e),
                v,
                final.get(rep) if k == EventKind.REPETITION.value else None,
            )
            for k, t, d, rep, e, v in rows
        ]

    def reps(self, session_id: int) -> list[RepRecord]:
        rows = self.db.conn.execute(
            "SELECT idx, data, score_data FROM reps WHERE session_id = ? ORDER BY idx",
            (session_id,),
        ).fetchall()
        out = []
        for idx, d, s in rows:
            where = f"session {session_id}, repetition {idx}"
            rep = _decode(d, rep_from_json, where, "repetition")
            score = None if s is None else _decode(s, score_from_json, where, "score")
            out.append(RepRecord(rep, score))
        return out

    # -- calibration ----------------------------------------------------------------------

    def save_calibration(self, cal: Calibration) -> int:
        with self.db.transaction() as c:
            cur = c.execute(
                "INSERT INTO calibrations (created_at, rest_cmH2O, mvc_cmH2O, data)"
                " VALUES (?,?,?,?)",
                (
                    cal.created_at,
                    cal.rest_cmH2O,
                    cal.mvc_cmH2O,
                    json.dumps(calibration_to_json(cal)),
                ),
            )
            return int(cur.lastrowid or 0)

    def latest_calibration(self) -> tuple[int, Calibration] | None:
        """The calibration in force: the newest, reused until calibration is redone."""
        row = self.db.conn.execute(
            "SELECT id, data FROM calibrations ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row[0]), _calibration(int(row[0]), row[1]))

    def calibration(self, cal_id: int) -> Calibration:
        row = self.db.conn.execute(
            "SELECT data FROM calibrations WHERE id = ?", (cal_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no calibration {cal_id} in the training record")
        return _calibration(cal_id, row[0])

    def calibrations(self) -> list[Calibration]:
        rows = self.db.conn.execute("SELECT id, data FROM calibrations ORDER BY id").fetchall()
        return [_calibration(int(i), d) for i, d in rows]

    # -- symptom checks -------------------------------------------------------------------

    def add_symptom(self, entry: SymptomEntry) -> int:
        with self.db.transaction() as c:
            cur = c.execute(
                "INSERT INTO symptoms (day, leakage, note, created_at) VALUES (?,?,?,?)",
                (entry.day.isoformat(), entry.leakage.value, entry.note, _iso(now_utc())),
            )
            return int(cur.lastrowid or 0)

    def symptoms(self) -> list[SymptomEntry]:
        rows = self.db.conn.execute(
            "SELECT day, leakage, note FROM symptoms ORDER BY day, id"
        ).fetchall()
        return [SymptomEntry(date.fromisoformat(d), Leakage(k), n) for d, k, n in rows]


_SESSION_SQL = (
    "SELECT id, started_at, ended_at, kind, status, program, source, channels, recording,"
    " calibration_id, summary FROM sessions"
)


def _iso(t: datetime) -> str:
    if t.tzinfo is None:
        raise StoreError("session times must carry a time zone")
    return t.astimezone(UTC).isoformat(timespec="seconds")


def _session(row: tuple[object, ...]) -> SessionInfo:
    sid, started, ended, kind, status, prog, source, chans, rec, cal, summary = row
    where = f"session {sid}"
    data = None if summary is None else _decode(summary, as_object, where, "summary")
    return SessionInfo(
        id=column(sid, int, where, "id"),
        started_at=datetime.fromisoformat(column(started, str, where, "started_at")),
        ended_at=None
        if ended is None
        else datetime.fromisoformat(column(ended, str, where, "ended_at")),
        kind=_enum(kind, SessionKind, where, "kind"),
        status=_enum(status, SessionStatus, where, "status"),
        program=str(prog),
        source=str(source),
        channels=tuple(c for c in str(chans).split(",") if c),
        recording=None if rec is None else Path(str(rec)),
        calibration_id=None if cal is None else column(cal, int, where, "calibration_id"),
        summary=None if data is None else dict(data),
        totals=None if data is None else _decode_object(data, summary_from_json, where, "summary"),
    )


def _calibration(cal_id: int, data: object) -> Calibration:
    return _decode(data, calibration_from_json, f"calibration {cal_id}", "calibration")


T = TypeVar("T")
E = TypeVar("E", SessionKind, SessionStatus)


def _enum(value: object, kind: type[E], where: str, name: str) -> E:
    try:
        return kind(column(value, str, where, name))
    except ValueError as e:
        raise StoreError(f"training record, {where}: column {name!r} is malformed") from e


def _decode(text: object, read: Callable[[JsonObject], T], where: str, what: str) -> T:
    """A stored JSON column read back; a malformed one raises a one-line StoreError."""
    try:
        data = json.loads(column(text, str, where, what))
    except json.JSONDecodeError as e:
        raise StoreError(f"training record, {where}: stored {what} is not JSON ({e.msg})") from e
    return _decode_object(data, read, where, what)


def _decode_object(data: object, read: Callable[[JsonObject], T], where: str, what: str) -> T:
    try:
        return read(as_object(data, f"the {what}"))
    except FieldError as e:
        raise StoreError(f"training record, {where}: stored {what} is malformed: {e}") from e


_INSERT_EVENT = "INSERT INTO events VALUES (?,?,?,?,?,?,?,?)"


def _event_rows(session_id: int, seq: int, events: Sequence[Event]) -> list[tuple[object, ...]]:
    """Rows of the events table, numbered on from ``seq``."""
    return [
        (
            session_id,
            seq + i,
            e.kind.value,
            e.t,
            e.detected_s,
            e.rep,
            None if e.error is None else e.error.value,
            e.value,
        )
        for i, e in enumerate(events)
    ]
