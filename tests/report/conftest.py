from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from perineo.cli import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture(scope="session")
def _assessed_twice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder where P-0042 was assessed twice by the simulated patient (seeds 2 and
    4), made once: each test gets its own copy of it (``two_assessments``)."""
    made = tmp_path_factory.mktemp("assessed") / "home"
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(io.StringIO()):
        mp.setenv("PERINEO_HOME", str(made))
        for seed in (2, 4):
            argv = ["assess", "--patient", "P-0042", "--sim", "--speed", "inf", "--no-ui"]
            assert main([*argv, "--seed", str(seed)]) == 0
    return made


@pytest.fixture
def two_assessments(home: Path, _assessed_twice: Path) -> Path:
    """P-0042 assessed twice by the simulated patient (seeds 2 and 4), quickly: a copy of
    the data folder the first test using it made (its recordings are read where they were
    made, and are not written to). Its tests are in one xdist_group ("two-assessments"), so
    a parallel run assesses once."""
    shutil.copytree(_assessed_twice, home / "home")
    return home
