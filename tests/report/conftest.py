from __future__ import annotations

from pathlib import Path

import pytest

from perineo.cli import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture
def two_assessments(home: Path, capsys) -> Path:
    """P-0042 assessed twice by the simulated patient (seeds 2 and 4), quickly."""
    for seed in (2, 4):
        argv = ["assess", "--patient", "P-0042", "--sim", "--speed", "inf", "--no-ui"]
        assert main([*argv, "--seed", str(seed)]) == 0
    capsys.readouterr()
    return home
