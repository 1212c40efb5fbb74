"""Privacy: a private data folder (0700, files 0600) whatever the umask, no network socket,
no patient ID or health value in logs, exports only where asked, remembered probes only."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from perineo.cli import main
from perineo.errors import SourceError
from perineo.samples import SourceStatus, StatusKind
from perineo.sources.ble import BleSource, Reconnect
from perineo.sources.ble_support import remember_address
from perineo_sim.ble_probe import ProbeConfig, VirtualBleProbe
from perineo_sim.ble_virtual import running_virtual_probe, scenario_block

PATIENT = "PSEUDO-4711-XQ"


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every socket made through the socket module must be AF_UNIX (asyncio's self-pipe is
    a socketpair, AF_UNIX on POSIX); name lookups and connections fail the test."""
    real = socket.socket
    families: list[int] = []

    class Guarded(real):  # type: ignore[misc, valid-type]
        def __init__(self, family: int = -1, *args: object, **kw: object) -> None:
            fam = socket.AF_INET if family == -1 else family
            families.append(int(fam))
            if fam != socket.AF_UNIX:
                raise NetworkUsed(f"a network socket was opened (family {fam})")
            super().__init__(family, *args, **kw)  # type: ignore[arg-type]

    def refuse(*_a: object, **_k: object) -> None:
        raise NetworkUsed("a network name lookup or connection was attempted")

    monkeypatch.setattr(socket, "socket", Guarded)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield families


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    old = os.umask(0)  # the app must not rely on the user's umask
    try:
        yield tmp_path
    finally:
        os.umask(old)


@pytest.mark.slow
def test_a_whole_session_stays_private_and_offline(
    home: Path, no_network: list[int], capsys: pytest.CaptureFixture[str], caplog
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, ours and the libraries'
    work = home / "work"
    asked = {work / "rec.csv", work / "s.csv", work / "s.json", work / "s.edf", work / "r.json"}
    for argv in (
        ["record", "--sim", "basic", "--speed", "inf", "--out", "rec.csv"],
        ["analyze", "rec.csv", "--format", "json"],
        ["history", "--sessions"],
        ["plan", "--leakage", "weekly", "--note", PATIENT],
        ["programs"],
        ["export", "1", "--format", "csv", "--out", "s.csv"],
        ["export", "1", "--format", "json", "--out", "s.json"],
        ["export", "1", "--format", "edf", "--out", "s.edf"],
        ["export", "1", "--format", "json"],  # to stdout: no file
        ["assess", "--patient", PATIENT, "--sim", "--no-ui", "--speed", "400"],
        ["report", "assessment:1", "--format", "json", "--out", "r.json"],
        ["report", "assessment:1", "--format", "json"],
    ):
        assert main(argv) == 0, argv
    out = capsys.readouterr()
    asyncio.run(_stream_from_remembered_probe(home))

    # no network, only asyncio's AF_UNIX self-pipe
    assert set(no_network) <= {int(socket.AF_UNIX)}
    # files outside the data folder: exactly the ones asked for
    assert set(work.iterdir()) == asked
    for path in asked:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    # every folder and file the app made in its data folder is private
    made = list((home / "home").rglob("*"))
    assert any(p.name == "perineo.db" for p in made)
    assert any(p.name == "ble_devices.json" for p in made)  # the remembered probe
    assert any(p.suffix == ".csv" for p in made)  # the assessment's recording
    for path in [home / "home", *made]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {mode:o}"
    # logs carry no patient ID and no health value
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PATIENT not in logged and "cmH2O" not in logged
    assert PATIENT not in out.err


def test_wal_and_shm_files_are_private_while_open(home: Path) -> None:
    from perineo.store.sessions import TrainingRecord

    with TrainingRecord.open() as rec:
        rec.db.conn.execute("CREATE TABLE IF NOT EXISTS probe_wal (x)")  # forces the WAL
        files = sorted((home / "home").iterdir())
        names = {p.name for p in files}
        assert {"perineo.db", "perineo.db-wal", "perineo.db-shm"} <= names
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600)


async def _stream_from_remembered_probe(home: Path) -> None:
    """Two probes on the air; the source, given no address, connects to the remembered one
    and never scans."""
    from bleak import BleakScanner

    block = scenario_block("basic")
    async with running_virtual_probe(block) as (air, _first):
        other = VirtualBleProbe(
            air,
            lambda t: {c: t * 0 for c in block.channels},
            block.channels,
            ProbeConfig(address="F0:0D:00:00:00:02"),
        )
        await other.start()
        remember_address(other.address)

        async def no_scan(*_a: object, **_k: object) -> None:
            raise AssertionError("scanned without being told to")

        real_start = BleakScanner.start
        BleakScanner.start = no_scan  # type: ignore[method-assign]
        try:
            source = BleSource(
                None,
                backend=air.client_backend,
                connect_timeout_s=1.0,
                reconnect=Reconnect(0.05, 0.2),
            )
            async for item in source.stream():
                if isinstance(item, SourceStatus) and item.kind is StatusKind.CONNECTED:
                    assert item.detail == other.address
                    await source.close()
        finally:
            BleakScanner.start = real_start  # type: ignore[method-assign]
            await other.stop()
        assert other.counters.connections == 1 and _first.counters.connections == 0


def test_no_remembered_probe_is_an_error_not_a_scan(home: Path) -> None:
    async def go() -> None:
        async for _item in BleSource(None).stream():
            pass

    with pytest.raises(SourceError, match="no probe address given or remembered"):
        asyncio.run(go())
