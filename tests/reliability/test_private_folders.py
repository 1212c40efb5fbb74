"""Folders 0700 and files 0600 whatever the umask; a folder perineo did not create keeps its
mode, and one that others can write to is refused (issue 15, item 8)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.files import file_mode

from perineo.cli import main
from perineo.errors import StoreError
from perineo.paths import ensure_private_dir
from perineo.sources.ble_support import remember_address


@pytest.fixture(autouse=True)
def _no_umask(umask0: None) -> None:
    """Every test here runs under umask 000."""


def test_created_folders_are_private_parents_too(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    ensure_private_dir(deep)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", deep):
        assert file_mode(folder) == 0o700


def test_remembered_probe_creates_a_private_home(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "new" / "home"
    monkeypatch.setenv("PERINEO_HOME", str(home))
    remember_address("F0:0D:00:00:00:01")
    for folder in (tmp_path / "new", home, home / "config"):
        assert file_mode(folder) == 0o700
    assert file_mode(home / "config" / "ble_devices.json") == 0o600


def test_an_existing_shared_folder_is_refused_not_chmodded(tmp_path: Path, monkeypatch, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2775)
    monkeypatch.setenv("PERINEO_HOME", str(shared))
    assert main(["history"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "can be written by other users" in err
    assert file_mode(shared) == 0o2775 and list(shared.iterdir()) == []
    with pytest.raises(StoreError, match="other users"):
        ensure_private_dir(Path("/tmp"))  # world-writable: refused, never locked


def test_an_existing_private_enough_folder_keeps_itsfile_mode(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    os.chmod(home, 0o750)
    monkeypatch.setenv("PERINEO_HOME", str(home))
    assert main(["history"]) == 0
    assert file_mode(home) == 0o750  # not perineo's to change


@pytest.mark.slow
def test_everything_under_the_data_folder_is_private(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("PERINEO_HOME", str(home))
    out = tmp_path / "rec.csv"
    assert main(["record", "--sim", "basic", "--speed", "inf", "--out", str(out)]) == 0
    assert file_mode(out) == 0o600
    for path in [home, *home.rglob("*")]:
        assert file_mode(path) == (0o700 if path.is_dir() else 0o600), path
