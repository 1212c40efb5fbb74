"""Fixtures shared across the test folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from perineo.recording import write_recording
from perineo_sim import load_scenario, simulate


@pytest.fixture(autouse=True)
def _private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test keeps its data in a folder of its own: none reads or writes the data of
    the person running the tests (a test that needs a particular home sets its own)."""
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def _basic_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``basic`` scenario's recording, simulated and written once per test process
    (a third of a second each time, for some forty tests); ``rec`` hands out copies."""
    path = tmp_path_factory.mktemp("basic") / "v.csv"
    write_recording(path, simulate(load_scenario("basic"), seed=1).block)
    return path


@pytest.fixture
def rec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _basic_recording: Path) -> Path:
    """A short recording of the ``basic`` scenario, with a private ``PERINEO_HOME``: the
    test's own copy (contents and mode) of the one ``write_recording`` wrote."""
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    path = tmp_path / "v.csv"
    shutil.copy(_basic_recording, path)
    return path


@pytest.fixture
def umask0() -> Iterator[None]:
    """Run under umask 000: whatever perineo writes must set its own modes."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)
