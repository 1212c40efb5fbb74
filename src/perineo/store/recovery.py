"""Sessions cut short by a crash: who is still running, and what a dead session's recording keeps.

A running session holds an exclusive ``flock`` on ``running/session-<id>.lock`` beside the
database, taken inside the transaction that creates the session row, so no other process
can see the row without the lock. The kernel drops the lock when the process dies, however
it dies (SIGKILL, power loss aside). On the next start, every ``open`` session whose lock is
free was interrupted: its recording (flushed every second) is read back, a row cut by the
crash is trimmed, repetitions that became final only in the last seconds are found again by
the same causal detector, and the session is marked ``interrupted`` with the summary of the
repetitions scored before the crash (so history and plan count them).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from perineo.errors import RecordingError
from perineo.paths import FILE_MODE, ensure_private_dir

if TYPE_CHECKING:
    from collections.abc import Callable

    from perineo.program.scoring import Summary
    from perineo.samples import SampleBlock
    from perineo.signal.events import Repetition
    from perineo.store.db import Database
    from perineo.store.sessions import TrainingRecord

if sys.platform != "win32":  # Windows has no flock: no liveness locks, no recovery
    import fcntl

LOCK_FOLDER = "running"

# What recovering a session of a kind does beyond the training record, by kind (the
# session kind's value): `perineo.assess.records` registers the assessment's (its PERFECT
# from the recording, its patient kept), so that the store need not know the clinic.
AFTER_RECOVERY: dict[
    str, Callable[[Database, int, SampleBlock | None, list[Repetition]], object]
] = {}


@dataclass(frozen=True)
class Recovered:
    """One interrupted session brought back from its recording."""

    session_id: int
    samples: int  # samples kept in the recording
    duration_s: float  # stream time they cover
    reps_added: int  # repetitions that were in the recording but not yet in the record
    trimmed_bytes: int  # a row cut in the middle by the crash, removed

    def line(self) -> str:
        """What it says, in English (a command says :attr:`key` in its language)."""
        reps = "repetition" if self.reps_added == 1 else "repetitions"
        return (
            f"session {self.session_id} was interrupted; recovered {self.samples} samples "
            f"({self.duration_s:.1f} s) and {self.reps_added} more {reps} from its recording"
        )

    @property
    def key(self) -> str:
        """The catalogue's text for :meth:`line` (the store says no words itself)."""
        return "recovered.one" if self.reps_added == 1 else "recovered.many"

    @property
    def values(self) -> dict[str, object]:
        """The values :attr:`key`'s text is said with."""
        return {
            "id": self.session_id,
            "samples": self.samples,
            "s": self.duration_s,
            "reps": self.reps_added,
        }


class SessionLock:
    """The flock that says a session's process is alive."""

    def __init__(self, folder: Path, session_id: int) -> None:
        self.path = folder / LOCK_FOLDER / f"session-{session_id}.lock"
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock (creating the file 0600); False if another process holds it."""
        if sys.platform == "win32":  # pragma: no cover
            return True
        ensure_private_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def held_elsewhere(self) -> bool:
        if not self.path.exists():
            return False
        if self.acquire():
            self.release()
            return False
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                self.path.unlink(missing_ok=True)
            finally:
                os.close(fd)


def trim_cut_row(path: Path) -> int:
    """Remove a last row without its newline (written when the process died); bytes cut."""
    try:
        size = path.stat().st_size
        with path.open("rb+") as fh:
            tail = min(size, 4096)
            fh.seek(size - tail)
            end = fh.read(tail)
            if not end or end.endswith(b"\n"):
                return 0
            keep = size - tail + end.rfind(b"\n") + 1 if b"\n" in end else 0
            if keep == 0:
                return 0  # not even a complete header: leave it for the reader to report
            fh.truncate(keep)
            return size - keep
    except OSError:
        return 0


def recover_interrupted(record: TrainingRecord) -> list[Recovered]:
    """Mark every dead ``open`` session interrupted, recovering what its recording kept."""
    from perineo.store.sessions import SessionStatus

    if sys.platform == "win32":  # pragma: no cover
        return []
    folder = record.db.path.parent
    out: list[Recovered] = []
    for info in record.sessions():
        if info.status is not SessionStatus.OPEN or info.id in record.live_sessions:
            continue
        lock = SessionLock(folder, info.id)
        if not lock.acquire():
            continue  # its process is alive (another window, another recording)
        try:
            out.append(_recover_one(record, info.id, info.recording))
        finally:
            lock.release()
    return out


def _recover_one(record: TrainingRecord, session_id: int, recording: Path | None) -> Recovered:
    from datetime import timedelta

    from perineo.recording import read_recording
    from perineo.signal.analysis import analyze_block
    from perineo.store.sessions import SessionStatus

    trimmed, samples, duration, added = 0, 0, 0.0, 0
    info = record.session(session_id)
    ended = info.started_at
    block, reps = None, []
    if recording is not None and recording.is_file():
        trimmed = trim_cut_row(recording)
        try:
            rec = read_recording(recording)
        except RecordingError:
            rec = None  # header only, or damaged: the session keeps what the record has
        if rec is not None:
            samples = len(rec.t)
            duration = float(rec.t[-1] - rec.t[0]) if samples > 1 else 0.0
            ended = info.started_at + timedelta(seconds=float(rec.t[-1]))
            analysis = analyze_block(rec.block)
            added = record.append_recovered(session_id, analysis.events, analysis.reps)
            block, reps = rec.block, list(analysis.reps)
    after = AFTER_RECOVERY.get(info.kind.value)
    if after is not None:  # an assessment's too, with its patient
        after(record.db, session_id, block, reps)
    summary = _stored_summary(record, session_id, info.program)
    record.finish_session(session_id, summary, status=SessionStatus.INTERRUPTED, ended_at=ended)
    return Recovered(session_id, samples, duration, added, trimmed)


def _stored_summary(record: TrainingRecord, session_id: int, program: str) -> Summary | None:
    """The summary of the repetitions scored before the crash, as the screen showed them.

    Repetitions found again in the recording after the last score are kept but not scored
    here (nobody was coached through them), so they do not count towards the dose.
    """
    from perineo.errors import PerineoError
    from perineo.program.loader import get_program
    from perineo.program.scoring import summarize

    scored = [r for r in record.reps(session_id) if r.score is not None]
    if not scored:
        return None
    try:
        prog = get_program(program)
    except PerineoError:
        return None  # its program is gone: the repetitions stay, unsummarised
    return summarize([r.rep for r in scored], [r.score for r in scored if r.score], prog)


def report(
    recovered: list[Recovered],
    stream: TextIO | None = None,
    words: Callable[[Recovered], str] | None = None,
) -> None:
    """One line a recovered session, on stderr (no health values, only counts), in the
    ``words`` of the command's language (English without them)."""
    for r in recovered:
        print(f"perineo: {(words or Recovered.line)(r)}", file=stream or sys.stderr)
