"""End to end over a real BLE host stack (Bumble, virtual controllers): scan → connect →
subscribe → notify → decode → forced drop → reconnect, through bleak's ``backend=`` seam."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest

from perineo.errors import SourceError
from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.base import SampleSource
from perineo.sources.ble import BleSource, Reconnect, scan
from perineo.sources.ble_support import remembered_address
from perineo_sim.ble_probe import ProbeConfig, VirtualBleProbe
from perineo_sim.ble_virtual import VirtualBleSource, running_virtual_probe
from perineo_sim.bumble_backend import BumbleBleakClient, VirtualAir, new_device

pytestmark = pytest.mark.slow  # a real BLE host stack (Bumble) in real time

T = TypeVar("T")
RATE = 100
FAST = Reconnect(first_delay_s=0.05, max_delay_s=0.5)


def _ramp_block(seconds: float = 60.0) -> SampleBlock:
    """squeeze counts = sample index: every decoded value names its sample."""
    t = np.arange(int(seconds * RATE)) / RATE
    return SampleBlock(
        t,
        {
            Channel.SQUEEZE: np.arange(len(t)) * 0.01,
            Channel.ABDOMINAL: np.full(len(t), 5.0),
            Channel.TILT: np.full(len(t), -1.5),
        },
    )


def _run(coro: Awaitable[T], timeout_s: float = 20.0) -> T:
    async def bounded() -> T:
        async with asyncio.timeout(timeout_s):
            return await coro

    return asyncio.run(bounded())


async def _collect(
    source: BleSource,
    seconds: float,
    during: Callable[[float], Awaitable[None]] | None = None,
) -> list:
    """Stream for ``seconds``; ``during(elapsed)`` is awaited after each item."""
    items: list = []
    start = time.monotonic()
    async for item in source.stream():
        items.append(item)
        elapsed = time.monotonic() - start
        if during is not None:
            await during(elapsed)
        if elapsed > seconds:
            await source.close()
    return items


def _source(air: VirtualAir, probe: VirtualBleProbe, **kw: object) -> BleSource:
    return BleSource(
        probe.address,
        backend=air.client_backend,
        remember=False,
        connect_timeout_s=1.0,
        reconnect=FAST,
        **kw,  # type: ignore[arg-type]
    )


def _kinds(items: list) -> list[StatusKind]:
    return [i.kind for i in items if isinstance(i, SourceStatus)]


def test_scan_lists_probes_by_service_uuid_only() -> None:
    async def go() -> list:
        async with running_virtual_probe(_ramp_block()) as (air, _probe):
            stranger = new_device(air.link, "F0:0D:00:00:00:99")  # advertises no probe service
            await stranger.power_on()
            await stranger.start_advertising(auto_restart=True, advertising_interval_min=20)
            return await scan(0.3, backend=air.scanner_backend)

    probes = _run(go())
    assert [p.address for p in probes] == ["F0:0D:00:00:00:01"]
    assert probes[0].battery_percent == 87 and probes[0].rssi is not None
    assert probes[0].name == "perineo-0001"  # from the scan response, as from the firmware


def test_perineo_scan_virtual_lists_the_probe_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from perineo.cli import main

    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    assert main(["scan", "--virtual", "--timeout", "0.5"]) == 0
    header, row = capsys.readouterr().out.splitlines()[:2]
    assert header.split() == ["NAME", "ADDRESS", "RSSI", "BATTERY"]
    assert row.split()[:2] == ["perineo-0001", "F0:0D:00:00:00:01"] and row.endswith("87 %")


def test_stream_decodes_every_sample_in_order() -> None:
    async def go() -> tuple[list, BleSource, VirtualBleProbe]:
        async with running_virtual_probe(_ramp_block()) as (air, probe):
            source = _source(air, probe)
            return await _collect(source, 1.5), source, probe

    items, source, probe = _run(go())
    assert _kinds(items)[:2] == [StatusKind.CONNECTED, StatusKind.BATTERY]
    assert _kinds(items)[-1] is StatusKind.ENDED
    assert StatusKind.GAP not in _kinds(items)
    blocks = [i for i in items if isinstance(i, SampleBlock)]
    assert source.channels == (Channel.SQUEEZE, Channel.ABDOMINAL, Channel.TILT)
    data = SampleBlock.concat(blocks)
    index = np.round(data.data[Channel.SQUEEZE] * 100).astype(int)
    assert len(index) >= 120
    assert np.array_equal(np.diff(index), np.ones(len(index) - 1, dtype=int))  # none lost
    assert np.all(data.data[Channel.TILT] == -1.5)
    assert np.allclose(np.diff(data.t), 0.01, atol=2e-3)
    assert probe.counters.commands[0] == "START" and probe.counters.commands[-1] == "STOP"
    assert probe.counters.frames_sent // probe.counters.packets_sent == 4  # MTU 247, 40 ms


@pytest.mark.parametrize(
    ("off_air_s", "connect_timeout_s"),
    [(0.4, 1.0), (1.2, 0.3)],  # second: several connection attempts time out first
)
def test_forced_drop_reconnects_and_marks_the_gap(
    off_air_s: float, connect_timeout_s: float
) -> None:
    async def go() -> tuple[list, BleSource]:
        async with running_virtual_probe(_ramp_block()) as (air, probe):
            source = BleSource(
                probe.address,
                backend=air.client_backend,
                remember=False,
                connect_timeout_s=connect_timeout_s,
                reconnect=FAST,
            )
            dropped = False

            async def drop(elapsed: float) -> None:
                nonlocal dropped
                if elapsed > 0.5 and not dropped:
                    dropped = True
                    asyncio.get_running_loop().create_task(probe.drop(off_air_s=off_air_s))

            return await _collect(source, 1.0 + off_air_s + 1.0, drop), source

    items, source = _run(go())
    kinds = _kinds(items)
    i = kinds.index(StatusKind.DISCONNECTED)
    assert kinds[i + 1] is StatusKind.CONNECTED
    gaps = [x for x in items if isinstance(x, SourceStatus) and x.kind is StatusKind.GAP]
    assert len(gaps) == 1
    assert off_air_s - 0.1 < gaps[0].end_s - gaps[0].t < off_air_s + 1.5
    assert source.counters.reconnects == 1
    blocks = [x for x in items if isinstance(x, SampleBlock)]
    t = np.concatenate([b.t for b in blocks])
    assert np.all(np.diff(t) > 0)
    after = [b for b in blocks if b.t[0] >= gaps[0].end_s - 1e-9]
    assert after, "samples after the reconnect"


def test_malformed_packet_is_counted_and_skipped() -> None:
    async def go() -> tuple[list, BleSource]:
        async with running_virtual_probe(_ramp_block()) as (air, probe):
            source = _source(air, probe)
            injected = False

            async def inject(elapsed: float) -> None:
                nonlocal injected
                if elapsed > 0.3 and not injected:
                    injected = True
                    probe.inject(b"\x27\x01\x00\x00garbage")

            return await _collect(source, 1.0, inject), source

    items, source = _run(go())
    assert source.counters.malformed == 1
    assert StatusKind.GAP not in _kinds(items)


def test_clock_wrap_and_reconnect_by_remembered_address(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path))
    config = ProbeConfig(clock_offset_us=2**32 - 400_000)  # wraps 0.4 s into the stream

    async def go() -> tuple[list, list]:
        async with running_virtual_probe(_ramp_block(), config) as (air, probe):
            first = BleSource(probe.address, backend=air.client_backend, connect_timeout_s=1.0)
            items = await _collect(first, 0.8)
            again = BleSource(None, backend=air.client_backend, connect_timeout_s=1.0)
            return items, await _collect(again, 0.3)

    items, again = _run(go())
    assert StatusKind.GAP not in _kinds(items)
    t = np.concatenate([b.t for b in items if isinstance(b, SampleBlock)])
    assert np.all(np.diff(t) < 0.02) and t[-1] > 0.6
    assert remembered_address() == "F0:0D:00:00:00:01"
    path = tmp_path / "config" / "ble_devices.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert any(isinstance(b, SampleBlock) for b in again)


class _NoBlueZ(BumbleBleakClient):
    async def connect(self, pair: bool, **_kw: object) -> None:
        raise FileNotFoundError(2, "No such file or directory")


def test_no_bluetooth_is_one_line_with_the_sim_hint() -> None:
    source = BleSource("AA:BB:CC:DD:EE:FF", backend=_NoBlueZ, remember=False)

    async def go() -> None:
        async for _ in source.stream():
            pass

    with pytest.raises(SourceError) as info:
        _run(go())
    message = str(info.value)
    assert "\n" not in message and "--sim" in message and "BlueZ" in message


def test_no_address_anywhere_is_a_source_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path))

    async def go() -> None:
        async for _ in BleSource(None, backend=_NoBlueZ).stream():
            pass

    with pytest.raises(SourceError, match="perineo scan"):
        _run(go())


def test_virtual_source_is_a_sample_source_and_streams() -> None:
    source = VirtualBleSource.from_block(_ramp_block())
    assert isinstance(source, SampleSource)
    assert isinstance(BleSource("AA:BB:CC:DD:EE:FF"), SampleSource)

    async def go() -> list:
        items = []
        async for item in source.stream():
            items.append(item)
            if sum(len(i) for i in items if isinstance(i, SampleBlock)) > 50:
                await source.close()
        return items

    items = _run(go())
    assert _kinds(items)[0] is StatusKind.CONNECTED and _kinds(items)[-1] is StatusKind.ENDED


def test_cancelling_the_consumer_stops_and_disconnects() -> None:
    """Ctrl-C cancels the task reading the stream: STOP is written and the link closed."""

    async def go() -> tuple[list[str], object, object]:
        async with running_virtual_probe(_ramp_block()) as (air, probe):
            source = _source(air, probe)

            async def consume() -> None:
                async for _ in source.stream():
                    pass

            task = asyncio.get_running_loop().create_task(consume())
            await asyncio.sleep(0.4)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(0.05)
            return probe.counters.commands, probe._connection, source._client

    commands, probe_link, client = _run(go())
    assert commands[-1] == "STOP" and probe_link is None and client is None


def test_wrap_serves_a_live_source_over_the_virtual_link() -> None:
    """Any SampleSource (here the simulator in real time) can be read back through BLE."""
    from perineo_sim.sources import SimSource

    live = SimSource("basic", 3, speed=1.0)
    source = VirtualBleSource.wrap(live, delay_s=0.2)
    assert source.channels == live.channels

    async def go() -> list:
        items = []
        start = time.monotonic()
        async for item in source.stream():
            items.append(item)
            if time.monotonic() - start > 1.5:
                await source.close()
        return items

    items = _run(go())
    data = SampleBlock.concat([i for i in items if isinstance(i, SampleBlock)])
    assert len(data) > 100 and data.channels == live.channels
    assert np.ptp(data.data[Channel.ABDOMINAL][-50:]) > 0  # real samples, not a held value
    assert _kinds(items)[-1] is StatusKind.ENDED
