"""Keep a live session in the training record as it happens (each write one transaction).

The session row is opened by the driver once it knows what it holds — a training session
once the calibration in force is known (just measured or reused), a plain recording at its
first block — so it names them; events from before are kept and written then. The row's
``started_at`` is the moment the first block arrived (the zero of the recording's clock,
which every export lines up with), not the moment the row was opened.

If the training record cannot be written (disk full), the journal stops writing, says so
once (``on_failure``) and the live session goes on without it: a row already open stays
open, so the next start recovers the session from its recording.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from perineo.errors import StoreError
from perineo.program.calibration import Calibration
from perineo.program.model import Program
from perineo.program.scoring import RepScore, Summary
from perineo.signal.events import Event, Repetition
from perineo.store.sessions import SessionKind, SessionStatus, TrainingRecord, now_utc

T = TypeVar("T")


class SessionJournal:
    def __init__(
        self,
        record: TrainingRecord,
        program: Program | None,
        source_name: str,
        recording: Path | None,
        *,
        kind: SessionKind = SessionKind.TRAIN,
    ) -> None:
        self.record: TrainingRecord | None = record
        self.program = program
        self.source_name = source_name
        self.recording = recording
        self.kind = kind
        self._channels: tuple[str, ...] = ()
        self.started_at: datetime | None = None  # when the first block arrived
        self.session_id: int | None = None
        self.failed: StoreError | None = None
        self.on_failure: Callable[[StoreError], None] | None = None
        self._pending: list[Event] = []

    @property
    def channels(self) -> tuple[str, ...]:
        return self._channels

    @channels.setter
    def channels(self, channels: tuple[str, ...]) -> None:
        """Set by the pipeline at the first block: the session's start."""
        self._channels = channels
        if self.started_at is None:
            self.started_at = now_utc()

    def latest_calibration(self) -> tuple[int, Calibration] | None:
        return None if self.record is None else self.record.latest_calibration()

    def _store(self, write: Callable[[TrainingRecord], T]) -> T | None:
        record = self.record
        if record is None:
            return None
        try:
            return write(record)
        except StoreError as exc:
            self.failed, self.record = exc, None
            if self.on_failure is not None:
                self.on_failure(exc)
            return None

    def start(
        self, calibration: Calibration | None = None, cal_id: int | None = None
    ) -> int | None:
        """Open the session row; a new ``calibration`` is saved unless ``cal_id`` is given."""
        if calibration is not None and cal_id is None:
            saved = self._store(lambda r: r.save_calibration(calibration))
            cal_id = saved
        if self.record is None:
            return None
        sid = self._store(
            lambda r: r.start_session(
                kind=self.kind,
                program=self.program,
                source=self.source_name,
                channels=self.channels,
                recording=self.recording,
                calibration_id=cal_id,
                started_at=self.started_at,
            )
        )
        self.session_id = sid
        pending, self._pending = self._pending, []
        self.events(pending)
        return self.session_id

    def events(self, events: Sequence[Event]) -> None:
        if not events or self.record is None:
            return
        sid = self.session_id
        if sid is None:
            self._pending.extend(events)
        else:
            self._store(lambda r: r.add_events(sid, events))

    def scored(self, rep: Repetition, score: RepScore | None) -> None:
        sid = self.session_id
        if sid is not None:
            self._store(lambda r: r.save_rep(sid, rep, score))

    def uncounted(self, rep: int, onset_s: float) -> None:
        """A squeeze begun while paused: kept as no repetition, also for recovery."""
        sid = self.session_id
        if sid is not None:
            self._store(lambda r: r.mark_uncounted(sid, rep, onset_s))

    def finish(self, summary: Summary | None, status: SessionStatus) -> int | None:
        """Close the session row (opened now if it never was: a session stopped early).

        Returns the session's id only if the whole session is in the training record: None
        when any write failed, so nothing is reported saved that was not.
        """
        if self.session_id is None:
            self.start(None)
        sid = self.session_id
        if sid is not None:
            self._store(lambda r: r.finish_session(sid, summary, status=status))
        return sid if self.failed is None else None
