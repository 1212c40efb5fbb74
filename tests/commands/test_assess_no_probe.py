"""An assessment whose probe cannot be reached leaves nothing behind: no assessment row,
no open session for the next command to 'recover' as interrupted (a killed one, which
recorded samples, still is: tests/commands/test_assess_crash.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from bleak.exc import BleakError
from tests.ble_double import ProbeGattClient

from perineo.cli import main
from perineo.commands import assess
from perineo.sources.ble import BleSource


class _Absent(ProbeGattClient):
    """A probe that is not there: bleak's client never connects."""

    async def connect(self, pair: bool, **kwargs) -> None:  # type: ignore[no-untyped-def]
        raise BleakError("Device with address AA:BB:CC:DD:EE:FF was not found")

    async def write_gatt_char(self, characteristic, data, response) -> None:  # type: ignore[no-untyped-def]
        raise BleakError("not connected")


def test_an_assessment_that_never_reached_its_probe_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("PERINEO_HOME", str(home))
    address = "AA:BB:CC:DD:EE:FF"

    def absent_probe(args):  # type: ignore[no-untyped-def]
        source = BleSource(address, backend=_Absent, connect_timeout_s=0.5, remember=False)
        return source, None, f"probe {address}"

    monkeypatch.setattr(assess, "_open", absent_probe)
    argv = ["assess", "--device", address, "--patient", "P-0042", "--no-ui"]
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert err.startswith("perineo: ") and address in err and len(err.splitlines()) == 1

    with sqlite3.connect(home / "perineo.db") as db:
        assert db.execute("SELECT count(*) FROM assessments").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM sessions WHERE status = 'open'").fetchone() == (0,)
    db.close()
    assert main(["assess", "--patient", "P-0042", "--history"]) == 0
    out = capsys.readouterr()
    assert "interrupted" not in out.err + out.out
    assert out.out.strip() == "P-0042: no assessments yet"
