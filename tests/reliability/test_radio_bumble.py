"""Radio faults over a real BLE host stack (Bumble, virtual controllers) into the real
BleSource: the faulty link sits in bleak's ``backend=`` seam, the probe drops off the air."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from bleak.backends.client import BaseBleakClient
from tests.sources.ble.bumble import samples_once_in_order, stream_over_bumble, through

from perineo.samples import SampleBlock, SourceStatus, StatusKind
from perineo_sim.ble_probe import VirtualBleProbe
from perineo_sim.faults import FaultyLink, LinkFaults

pytestmark = pytest.mark.slow  # a real BLE host stack (Bumble) in real time

OFF_AIR_S = 1.0


def test_noisy_link_and_probe_off_air_over_bumble() -> None:
    link = FaultyLink(LinkFaults(loss=0.2, duplicate=0.1, reorder=0.1), np.random.default_rng(3))

    async def off_air(probe: VirtualBleProbe) -> None:
        await asyncio.sleep(1.5)
        await probe.drop(off_air_s=OFF_AIR_S)

    items, source = asyncio.run(
        stream_over_bumble(through(link), off_air, lambda _s, elapsed: elapsed > 4.5)
    )
    kinds = [i.kind for i in items if isinstance(i, SourceStatus)]
    assert kinds.count(StatusKind.DISCONNECTED) == 1
    i_conn = [
        k
        for k, i in enumerate(items)
        if isinstance(i, SourceStatus) and i.kind is StatusKind.CONNECTED
    ]
    assert len(i_conn) == 2 and source.counters.reconnects == 1
    # on the source's own time stamps, not when the test's loop got round to an item: from
    # the last sample before the drop to the first sample after the reconnection (the GAP
    # the reconnection reported), less the time the probe was off the air
    gap = next(
        i for i in items[i_conn[1] :] if isinstance(i, SourceStatus) and i.kind is StatusKind.GAP
    )
    assert gap.end_s is not None
    reconnect_s = gap.end_s - gap.t - OFF_AIR_S
    assert 0.0 < reconnect_s < 1.0  # the gap holds the second off the air, and little more
    tally = link.tally
    assert tally.dropped > 5 and tally.duplicated > 0 and tally.reordered > 0
    assert source.counters.duplicates >= link.tally.duplicated
    # every sample out once, in order; every hole in the sample index has a GAP before it
    lost_in_gaps = samples_once_in_order(items)
    assert lost_in_gaps > 100  # the second off the air, and the lost packets
    print(
        f"bumble: {tally}, first sample {reconnect_s:.2f} s after the probe came back,"
        f" {lost_in_gaps} samples lost, all in marked gaps"
    )


def test_disconnect_storm_during_service_discovery_keeps_reconnecting() -> None:
    """A drop in a reconnect's service discovery makes bleak's connect raise CancelledError
    (its own connect task is cancelled). The stream must go on, mark the gap, end only when
    asked (issue 15, item 7)."""
    attempts: list[int] = []
    storm = {2, 3, 5}  # connections cut during discovery

    def stormy(base: type[BaseBleakClient], probe: VirtualBleProbe) -> type[BaseBleakClient]:
        async def connect(self: object, *args: object, **kw: object) -> None:
            attempts.append(1)
            await base.connect(self, *args, **kw)  # type: ignore[arg-type]
            if len(attempts) in storm:
                await probe.drop()
                raise asyncio.CancelledError  # as bleak's cancelled discovery does

        return type("StormClient", (base,), {"connect": connect})

    async def drops(probe: VirtualBleProbe) -> None:
        for _ in range(2):
            await asyncio.sleep(0.8)
            await probe.drop()

    items, source = asyncio.run(
        stream_over_bumble(stormy, drops, lambda _s, elapsed: elapsed > 3.5, max_delay_s=0.2)
    )
    kinds = [i.kind for i in items if isinstance(i, SourceStatus)]
    assert kinds[-1] is StatusKind.ENDED and items[-1].detail == "closed"  # type: ignore[union-attr]
    assert kinds.count(StatusKind.DISCONNECTED) == 2 and source.counters.reconnects == 2
    assert len(attempts) >= 5  # every storm attempt was retried
    gaps = [i for i in items if isinstance(i, SourceStatus) and i.kind is StatusKind.GAP]
    assert gaps and all(g.end_s is not None and g.end_s >= g.t for g in gaps)
    blocks = [i for i in items if isinstance(i, SampleBlock)]
    after = [b for b in blocks if b.t[0] > gaps[-1].t]
    assert after  # samples came again after the last reconnect
