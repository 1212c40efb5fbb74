"""The training record's SQLite database: versioned migrations, WAL, explicit transactions.

The schema version lives in ``PRAGMA user_version`` and the file is marked as perineo's with
``PRAGMA application_id``. Opening a database written by a newer perineo, someone else's
file or a damaged one raises :class:`StoreError` and leaves the file untouched; before a
migration the old file is copied next to it, so nothing is ever lost silently.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from perineo.errors import StoreError
from perineo.paths import FILE_MODE, data_dir

DB_NAME = "perineo.db"
APPLICATION_ID = 0x5045524E  # "PERN"
_SQLITE_MAGIC = b"SQLite format 3\x00"

# One entry a schema version; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: sessions with their events, repetitions and scores; calibrations
    """
    CREATE TABLE calibrations (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        rest_cmH2O REAL NOT NULL,
        mvc_cmH2O REAL NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        program TEXT NOT NULL,
        program_data TEXT NOT NULL,
        source TEXT NOT NULL,
        channels TEXT NOT NULL,
        recording TEXT,
        calibration_id INTEGER REFERENCES calibrations(id),
        summary TEXT
    );
    CREATE TABLE events (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        t REAL NOT NULL,
        detected_s REAL NOT NULL,
        rep INTEGER NOT NULL,
        error TEXT,
        value REAL,
        PRIMARY KEY (session_id, seq)
    );
    CREATE TABLE reps (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        set_no INTEGER NOT NULL,
        data TEXT NOT NULL,
        score INTEGER,
        verdict TEXT,
        score_data TEXT,
        PRIMARY KEY (session_id, idx)
    );
    """,
    # 2: the weekly symptom check; sessions by time
    """
    CREATE TABLE symptoms (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        leakage TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE INDEX sessions_started ON sessions (started_at);
    CREATE INDEX symptoms_day ON symptoms (day);
    """,
    # 3: clinic assessments (PERFECT) per pseudonymous patient (perineo.assess.records)
    """
    CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        patient TEXT NOT NULL,
        created_at TEXT NOT NULL,
        session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
        probe TEXT NOT NULL,
        channels TEXT NOT NULL,
        recording TEXT,
        steps TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE INDEX assessments_patient ON assessments (patient, created_at);
    """,
    # 4: an assessment is stored as it starts ('running'), completed at its end ('done') or
    # by recovery after a crash ('interrupted', its PERFECT worked out from the recording)
    """
    ALTER TABLE assessments ADD COLUMN status TEXT NOT NULL DEFAULT 'done';
    """,
    # 5: the squeezes a training session saw begin while paused (no repetitions): their
    # detector index and onset, so that recovery after a crash does not count one it finds
    # again in the recording
    """
    CREATE TABLE uncounted (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        rep INTEGER NOT NULL,
        t REAL NOT NULL,
        PRIMARY KEY (session_id, rep)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def db_path() -> Path:
    return data_dir() / DB_NAME


class Database:
    """An open training record. Use :meth:`transaction` for every write."""

    def __init__(self, path: Path | None = None, *, target_version: int = SCHEMA_VERSION) -> None:
        self.path = db_path() if path is None else Path(path)
        _check_file(self.path)
        fresh = not self.path.exists()
        try:
            if fresh:  # create it private before SQLite does, with the process umask
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the training record: {exc}") from None
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._check_and_migrate(target_version)
            self.conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:  # full or read-only disk, locked: not damage
            self.conn.close()
            raise StoreError(
                f"{self.path}: cannot open the training record ({exc}); it was left untouched"
            ) from None
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(
                f"{self.path}: the training record is damaged ({exc}); it was left untouched"
            ) from None
        except StoreError:
            self.conn.close()
            raise

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_and_migrate(self, target: int) -> None:
        check = self.conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise StoreError(
                f"{self.path}: the training record is damaged ({check}); it was left untouched"
            )
        app = int(self.conn.execute("PRAGMA application_id").fetchone()[0])
        version = self.version
        tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app not in (0, APPLICATION_ID) or (app == 0 and (version or tables)):
            raise StoreError(
                f"{self.path}: is an SQLite database but not a perineo training record; "
                "left untouched"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: was written by a newer perineo (schema {version}; this version "
                f"reads up to {SCHEMA_VERSION}); upgrade perineo to open it"
            )
        if version < target:
            if version > 0:
                self._backup(version)
            self._migrate(version, target)

    def _backup(self, version: int) -> Path:
        dest = self.path.with_name(f"{self.path.name}.v{version}.bak")
        try:
            os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
            with sqlite3.connect(dest) as copy:
                self.conn.backup(copy)
            copy.close()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"{self.path}: cannot back up before upgrading the schema ({exc}); not upgraded"
            ) from None
        return dest

    def _migrate(self, version: int, target: int) -> None:
        try:
            with self.transaction():
                for i in range(version, target):
                    for statement in _statements(MIGRATIONS[i]):
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {target}")
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: cannot upgrade the schema from {version} to {target} ({exc}); "
                f"left at schema {version}"
            ) from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back if anything inside raises."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot write the training record: {exc}") from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot write the training record: {exc}") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_file(path: Path) -> None:
    """Refuse a file that is not SQLite at all, before SQLite touches it."""
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a training record")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the training record: {exc}") from None
    if head and head != _SQLITE_MAGIC:
        raise StoreError(f"{path}: is not an SQLite database (damaged?); it was left untouched")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


C = TypeVar("C", int, str)


def column(value: object, kind: type[C], where: str, name: str) -> C:
    """A column's value, checked to be of the SQLite type the schema gives it.

    ``where`` names the row (``session 3``): a malformed one raises a one-line StoreError.
    """
    if not isinstance(value, kind) or isinstance(value, bool):
        raise StoreError(f"training record, {where}: column {name!r} is malformed")
    return value
