"""Fixtures shared across the test folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from perineo.store.recording import write_recording
from perineo_sim import load_scenario, simulate


@pytest.fixture
def rec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A short recording of the ``basic`` scenario, with a private ``PERINEO_HOME``."""
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    path = tmp_path / "v.csv"
    write_recording(path, simulate(load_scenario("basic"), seed=1).block)
    return path
