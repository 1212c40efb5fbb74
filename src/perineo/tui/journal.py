"""Keep a live session in the training record as it happens (each write one transaction).

The session row is written once the calibration in force is known (just measured or
reused), so it names it; events from before that are kept and written then.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from perineo.program.calibration import Calibration
from perineo.program.model import Program
from perineo.program.scoring import RepScore, Summary
from perineo.signal.events import Event, Repetition
from perineo.store.sessions import SessionKind, SessionStatus, TrainingRecord


class SessionJournal:
    def __init__(
        self,
        record: TrainingRecord,
        program: Program,
        source_name: str,
        recording: Path | None,
    ) -> None:
        self.record = record
        self.program = program
        self.source_name = source_name
        self.recording = recording
        self.channels: tuple[str, ...] = ()
        self.session_id: int | None = None
        self._pending: list[Event] = []

    def latest_calibration(self) -> tuple[int, Calibration] | None:
        return self.record.latest_calibration()

    def start(self, calibration: Calibration | None, cal_id: int | None = None) -> int:
        """Open the session row; a new ``calibration`` is saved unless ``cal_id`` is given."""
        if calibration is not None and cal_id is None:
            cal_id = self.record.save_calibration(calibration)
        self.session_id = self.record.start_session(
            kind=SessionKind.TRAIN,
            program=self.program,
            source=self.source_name,
            channels=self.channels,
            recording=self.recording,
            calibration_id=cal_id,
        )
        self.events(self._pending)
        self._pending = []
        return self.session_id

    def events(self, events: Sequence[Event]) -> None:
        if not events:
            return
        if self.session_id is None:
            self._pending.extend(events)
        else:
            self.record.add_events(self.session_id, events)

    def scored(self, rep: Repetition, score: RepScore) -> None:
        if self.session_id is not None:
            self.record.save_rep(self.session_id, rep, score)

    def finish(self, summary: Summary | None, completed: bool) -> int:
        if self.session_id is None:
            self.start(None)
        assert self.session_id is not None
        status = SessionStatus.DONE if completed else SessionStatus.STOPPED
        self.record.finish_session(self.session_id, summary, status=status)
        return self.session_id
