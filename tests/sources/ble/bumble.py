"""The real BleSource over a real BLE host stack (Bumble, virtual controllers), the probe
served by the simulator, its link through a client back end the test chooses (a faulty
one: ``through(link)``); and the check that every sample came out once, in order, with
every hole marked."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

import numpy as np
from bleak.backends.client import BaseBleakClient

from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.base import SourceItem
from perineo.sources.ble import BleSource, Reconnect
from perineo_sim.ble_probe import VirtualBleProbe
from perineo_sim.ble_virtual import running_virtual_probe
from perineo_sim.faults import FaultyLink, faulty_backend

RATE = 100

Backend = Callable[[type[BaseBleakClient], VirtualBleProbe], type[BaseBleakClient]]


def ramp(seconds: float = 120.0) -> SampleBlock:
    """squeeze counts = sample index: every decoded value names its sample."""
    t = np.arange(int(seconds * RATE)) / RATE
    return SampleBlock(t, {Channel.SQUEEZE: np.arange(len(t), dtype=np.float64) * 0.01})


def through(link: FaultyLink) -> Backend:
    """The virtual air's client back end, its stream notifications passing ``link``."""
    return lambda client, _probe: faulty_backend(client, link)


async def stream_over_bumble(
    backend: Backend,
    during: Callable[[VirtualBleProbe], Coroutine[Any, Any, None]],
    until: Callable[[BleSource, float], bool],
    *,
    max_delay_s: float = 0.3,
    seconds: float = 120.0,
    timeout_s: float = 15.0,
) -> tuple[list[SourceItem], BleSource]:
    """Stream a probe serving ``ramp(seconds)`` into a BleSource (0.5-s connect timeout,
    reconnect backoff from 0.05 s to ``max_delay_s``) while ``during(probe)`` runs beside
    it; close the source once ``until(source, seconds streamed)`` holds. Returns the items
    and the source once ``during`` is done too."""
    async with running_virtual_probe(ramp(seconds)) as (air, probe):
        source = BleSource(
            probe.address,
            backend=backend(air.client_backend, probe),
            remember=False,
            connect_timeout_s=0.5,
            reconnect=Reconnect(first_delay_s=0.05, max_delay_s=max_delay_s),
        )
        task = asyncio.get_running_loop().create_task(during(probe))
        items: list[SourceItem] = []
        start = time.monotonic()
        async with asyncio.timeout(timeout_s):
            async for item in source.stream():
                items.append(item)
                if until(source, time.monotonic() - start):
                    await source.close()
        await task
        return items, source


def samples_once_in_order(items: list[SourceItem]) -> int:
    """Assert that every sample (squeeze = its index) came out once and in order, and that
    every hole in the index has a GAP before it; returns how many samples the holes hold."""
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
    return lost_in_gaps
