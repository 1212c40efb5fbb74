"""Fixtures shared across the test folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from perineo.recording import write_recording
from perineo_sim import load_scenario, simulate


@pytest.fixture
def rec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A short recording of the ``basic`` scenario, with a private ``PERINEO_HOME``."""
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    path = tmp_path / "v.csv"
    write_recording(path, simulate(load_scenario("basic"), seed=1).block)
    return path


@pytest.fixture
def umask0() -> Iterator[None]:
    """Run under umask 000: whatever perineo writes must set its own modes."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)
