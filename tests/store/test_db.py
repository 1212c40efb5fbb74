"""The database file: migrations, newer schema, foreign and damaged files."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from perineo.errors import StoreError
from perineo.store.db import APPLICATION_ID, SCHEMA_VERSION, Database, db_path


def test_creates_private_current_schema_in_perineo_home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    with Database() as db:
        assert db.path == db_path() == tmp_path / "home" / "perineo.db"
        assert db.version == SCHEMA_VERSION
        mode = db.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    assert stat.S_IMODE((tmp_path / "home" / "perineo.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o700


def test_migrates_v1_to_current_keeping_data_and_a_backup(tmp_path: Path):
    path = tmp_path / "perineo.db"
    with Database(path, target_version=1) as db:
        assert db.version == 1
        with db.transaction() as c:
            c.execute(
                "INSERT INTO calibrations (created_at, rest_cmH2O, mvc_cmH2O, data)"
                " VALUES ('2026-01-01', 5, 40, '{}')"
            )
    with Database(path) as db:
        assert db.version == SCHEMA_VERSION
        assert db.conn.execute("SELECT mvc_cmH2O FROM calibrations").fetchone()[0] == 40
        db.conn.execute("SELECT * FROM symptoms")  # the v2 table exists
    backup = tmp_path / "perineo.db.v1.bak"
    assert backup.exists()
    with sqlite3.connect(backup) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch):
    path = tmp_path / "perineo.db"
    Database(path, target_version=1).close()
    import perineo.store.db as dbmod

    monkeypatch.setattr(dbmod, "MIGRATIONS", (*dbmod.MIGRATIONS, "CREATE TABLE broken ("))
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", len(dbmod.MIGRATIONS))
    with pytest.raises(StoreError, match=rf"from 1 to {len(dbmod.MIGRATIONS)}.*left at schema 1"):
        Database(path, target_version=len(dbmod.MIGRATIONS))
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
        assert "symptoms" not in tables


def test_newer_schema_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "perineo.db"
    Database(path).close()
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    v = SCHEMA_VERSION
    newer = rf"newer perineo \(schema {v + 1}; this version reads up to {v}\)"
    with pytest.raises(StoreError, match=newer):
        Database(path)
    assert path.read_bytes() == before


def test_not_sqlite_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "perineo.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not an SQLite database"):
        Database(path)
    assert path.read_bytes() == before


def test_someone_elses_sqlite_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE x (a)")
    with pytest.raises(StoreError, match="not a perineo training record"):
        Database(path)


def test_damaged_pages_are_refused(tmp_path: Path):
    path = tmp_path / "perineo.db"
    with Database(path) as db:
        with db.transaction() as c:
            c.executemany(
                "INSERT INTO symptoms (day, leakage, note, created_at) VALUES (?,?,?,?)",
                [("2026-01-01", "none", "x" * 200, "t")] * 200,
            )
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(path.read_bytes())
    assert len(raw) > 4096 * 3
    raw[4096 * 2 : 4096 * 2 + 512] = b"\xff" * 512  # scribble over a table page
    path.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match="damaged"):
        Database(path)


def test_application_id_marks_the_file(tmp_path: Path):
    with Database(tmp_path / "p.db") as db:
        assert db.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
