"""Radio faults over a real BLE host stack (Bumble, virtual controllers) into the real
BleSource: the faulty link sits in bleak's ``backend=`` seam, the probe drops off the air."""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest

from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.ble import BleSource, Reconnect
from perineo_sim.ble_virtual import running_virtual_probe
from perineo_sim.faults import FaultyLink, LinkFaults, faulty_backend

pytestmark = pytest.mark.slow  # a real BLE host stack (Bumble) in real time

RATE = 100


def _ramp(seconds: float = 120.0) -> SampleBlock:
    """squeeze counts = sample index: every decoded value names its sample."""
    t = np.arange(int(seconds * RATE)) / RATE
    return SampleBlock(t, {Channel.SQUEEZE: np.arange(len(t)) * 0.01})


def test_noisy_link_and_probe_off_air_over_bumble() -> None:
    link = FaultyLink(LinkFaults(loss=0.2, duplicate=0.1, reorder=0.1), np.random.default_rng(3))
    items: list[SampleBlock | SourceStatus] = []
    stamps: list[float] = []  # when each item arrived (host monotonic)
    back_on_air: list[float] = []

    async def go() -> BleSource:
        async with running_virtual_probe(_ramp()) as (air, probe):
            source = BleSource(
                probe.address,
                backend=faulty_backend(air.client_backend, link),
                remember=False,
                connect_timeout_s=0.5,
                reconnect=Reconnect(first_delay_s=0.05, max_delay_s=0.3),
            )

            async def off_air() -> None:
                await asyncio.sleep(1.5)
                await probe.drop(off_air_s=1.0)
                back_on_air.append(time.monotonic())

            task = asyncio.get_running_loop().create_task(off_air())
            start = time.monotonic()
            async with asyncio.timeout(15.0):
                async for item in source.stream():
                    items.append(item)
                    stamps.append(time.monotonic())
                    if time.monotonic() - start > 4.5:
                        await source.close()
            await task
            return source

    source = asyncio.run(go())
    kinds = [i.kind for i in items if isinstance(i, SourceStatus)]
    assert kinds.count(StatusKind.DISCONNECTED) == 1
    i_conn = [
        k
        for k, i in enumerate(items)
        if isinstance(i, SourceStatus) and i.kind is StatusKind.CONNECTED
    ]
    assert len(i_conn) == 2 and source.counters.reconnects == 1
    assert stamps[i_conn[1]] - back_on_air[0] < 1.0  # reconnected within a second
    tally = link.tally
    assert tally.dropped > 5 and tally.duplicated > 0 and tally.reordered > 0
    assert source.counters.duplicates >= link.tally.duplicated
    # every sample out once, in order; every hole in the sample index has a GAP before it
    prev: int | None = None
    gap_pending = False
    lost_in_gaps = 0
    for item in items:
        if isinstance(item, SourceStatus):
            gap_pending = gap_pending or item.kind is StatusKind.GAP
            continue
        index = np.round(item.data[Channel.SQUEEZE] * 100).astype(int)
        assert np.all(np.diff(index) == 1)
        if prev is not None:
            assert index[0] > prev, "a sample came out twice or out of order"
            if index[0] != prev + 1:
                assert gap_pending, f"samples {prev + 1}..{index[0] - 1} lost without a GAP"
                lost_in_gaps += int(index[0] - prev - 1)
        prev, gap_pending = int(index[-1]), False
    assert lost_in_gaps > 100  # the second off the air, and the lost packets
    print(
        f"bumble: {tally}, reconnected {stamps[i_conn[1]] - back_on_air[0]:.2f} s after"
        f" the probe came back, {lost_in_gaps} samples lost, all in marked gaps"
    )


def test_disconnect_storm_during_service_discovery_keeps_reconnecting() -> None:
    """A drop in a reconnect's service discovery makes bleak's connect raise CancelledError
    (its own connect task is cancelled). The stream must go on, mark the gap, end only when
    asked (issue 15, item 7)."""
    attempts: list[int] = []
    storm = {2, 3, 5}  # connections cut during discovery

    async def go() -> tuple[list[SampleBlock | SourceStatus], BleSource]:
        async with running_virtual_probe(_ramp()) as (air, probe):
            base = air.client_backend

            async def connect(self: object, *args: object, **kw: object) -> None:
                attempts.append(1)
                await base.connect(self, *args, **kw)
                if len(attempts) in storm:
                    await probe.drop()
                    raise asyncio.CancelledError  # as bleak's cancelled discovery does

            backend = type("StormClient", (base,), {"connect": connect})
            source = BleSource(
                probe.address,
                backend=backend,
                remember=False,
                connect_timeout_s=0.5,
                reconnect=Reconnect(first_delay_s=0.05, max_delay_s=0.2),
            )
            items: list[SampleBlock | SourceStatus] = []

            async def drops() -> None:
                for _ in range(2):
                    await asyncio.sleep(0.8)
                    await probe.drop()

            task = asyncio.get_running_loop().create_task(drops())
            start = time.monotonic()
            async with asyncio.timeout(15.0):
                async for item in source.stream():
                    items.append(item)
                    if time.monotonic() - start > 3.5:
                        await source.close()
            await task
            return items, source

    items, source = asyncio.run(go())
    kinds = [i.kind for i in items if isinstance(i, SourceStatus)]
    assert kinds[-1] is StatusKind.ENDED and items[-1].detail == "closed"  # type: ignore[union-attr]
    assert kinds.count(StatusKind.DISCONNECTED) == 2 and source.counters.reconnects == 2
    assert len(attempts) >= 5  # every storm attempt was retried
    gaps = [i for i in items if isinstance(i, SourceStatus) and i.kind is StatusKind.GAP]
    assert gaps and all(g.end_s is not None and g.end_s >= g.t for g in gaps)
    blocks = [i for i in items if isinstance(i, SampleBlock)]
    after = [b for b in blocks if b.t[0] > gaps[-1].t]
    assert after  # samples came again after the last reconnect
