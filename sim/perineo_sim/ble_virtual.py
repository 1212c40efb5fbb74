"""The virtual probe, ready to use: for tests, ``perineo scan --virtual`` and ``--sim-ble``.

Over the air from a USB Bluetooth dongle (Bumble's usb transport; see docs/protocol.md)::

    python -m perineo_sim.ble_virtual --transport usb:0 --scenario basic

``running_virtual_probe()`` starts a virtual air and a probe streaming a simulated scenario;
``VirtualBleSource`` is a SampleSource that does that and reads it through the real
:class:`~perineo.sources.ble.BleSource` over the bleak back end: what the app does with a
probe, minus the radio.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Final

from bumble.device import Device

from perineo.samples import Channel, SampleBlock
from perineo.sources.base import SourceItem
from perineo.sources.ble import BleSource, Reconnect
from perineo_sim.ble_probe import ProbeConfig, VirtualBleProbe, block_signal
from perineo_sim.bumble_backend import VirtualAir

DEFAULT_SCENARIO: Final = "basic"


def scenario_block(scenario: str = DEFAULT_SCENARIO, seed: int = 1) -> SampleBlock:
    """The samples of a simulator scenario (name or path)."""
    from perineo_sim import load_scenario, simulate

    return simulate(load_scenario(scenario), seed).block


@contextlib.asynccontextmanager
async def running_virtual_probe(
    block: SampleBlock | None = None, config: ProbeConfig | None = None
) -> AsyncIterator[tuple[VirtualAir, VirtualBleProbe]]:
    """A virtual air with one advertising probe (``block`` looped; default: the basic scenario)."""
    samples = block if block is not None else scenario_block()
    air = VirtualAir()
    probe = VirtualBleProbe(air, block_signal(samples), samples.channels, config)
    await probe.start()
    try:
        yield air, probe
    finally:
        await probe.stop()
        await air.close()


class VirtualBleSource:
    """SampleSource: a simulated scenario served by the virtual probe, read by BleSource.

    ``drop_every_s`` forces a disconnect that often (the source reconnects and marks the gap).
    """

    def __init__(
        self,
        block: SampleBlock,
        *,
        config: ProbeConfig | None = None,
        drop_every_s: float | None = None,
    ) -> None:
        self._block = block
        self._config = config or ProbeConfig()
        self._drop_every_s = drop_every_s
        self._inner: BleSource | None = None
        self._closed = False

    @classmethod
    def from_scenario(cls, scenario: str = DEFAULT_SCENARIO, seed: int = 1) -> VirtualBleSource:
        return cls(scenario_block(scenario, seed))

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self._block.channels

    @property
    def name(self) -> str:
        return f"ble-virtual:{self._config.address}"

    async def _dropper(self, probe: VirtualBleProbe, every_s: float) -> None:
        while True:
            await asyncio.sleep(every_s)
            await probe.drop()

    async def stream(self) -> AsyncIterator[SourceItem]:
        async with running_virtual_probe(self._block, self._config) as (air, probe):
            inner = BleSource(
                probe.address,
                backend=air.client_backend,
                sample_rate_hz=self._config.sample_rate_hz,
                remember=False,
                connect_timeout_s=2.0,
                reconnect=Reconnect(first_delay_s=0.05, max_delay_s=1.0),
            )
            self._inner = inner
            dropper = None
            if self._drop_every_s:
                dropper = asyncio.get_running_loop().create_task(
                    self._dropper(probe, self._drop_every_s)
                )
            try:
                if self._closed:
                    return
                async for item in inner.stream():
                    yield item
            finally:
                if dropper is not None:
                    dropper.cancel()
                await inner.close()

    async def close(self) -> None:
        self._closed = True
        if self._inner is not None:
            await self._inner.close()


async def serve(transport: str, scenario: str, seed: int, config: ProbeConfig) -> None:
    """Advertise and stream a scenario from a real controller until interrupted."""
    from bumble.hci import Address
    from bumble.transport import open_transport

    from perineo_sim.ble_probe import VirtualBleProbe, block_signal

    block = scenario_block(scenario, seed)
    async with await open_transport(transport) as (hci_source, hci_sink):
        device = Device.with_hci("perineo-virtual", Address(config.address), hci_source, hci_sink)
        probe = VirtualBleProbe(None, block_signal(block), block.channels, config, device=device)
        await probe.start()
        print(f"advertising as {probe.name} ({config.address}) on {transport}; Ctrl-C stops")
        try:
            await asyncio.Event().wait()
        finally:
            await probe.stop()


def main(argv: list[str] | None = None) -> int:
    import argparse

    from bumble.core import BaseBumbleError
    from usb1 import USBError  # Bumble's usb transport runs on libusb1

    parser = argparse.ArgumentParser(
        prog="python -m perineo_sim.ble_virtual",
        description="Serve the virtual probe from a real Bluetooth controller.",
    )
    parser.add_argument("--transport", default="usb:0", help="Bumble transport (default usb:0)")
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--address", default=ProbeConfig().address, help="static random address")
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.transport, args.scenario, args.seed, ProbeConfig(args.address)))
    except KeyboardInterrupt:
        return 0
    except (BaseBumbleError, OSError, ValueError, USBError) as exc:
        print(f"perineo_sim.ble_virtual: cannot open {args.transport}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
