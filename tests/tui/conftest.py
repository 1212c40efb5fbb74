"""Fixtures for the app's tests: a private training record per test, no colour surprises."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from perineo.program.loader import get_program
from perineo.program.model import Program
from perineo.store.sessions import TrainingRecord


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``PERINEO_HOME`` in a temporary folder, and a terminal without NO_COLOR."""
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path / "home"


@pytest.fixture
def record(home: Path) -> Iterator[TrainingRecord]:
    rec = TrainingRecord.open()
    yield rec
    rec.close()


@pytest.fixture
def intensive() -> Program:
    return get_program("intensive")
