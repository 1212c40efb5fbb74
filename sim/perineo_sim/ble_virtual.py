"""The virtual probe, ready to use: for tests, ``perineo scan --virtual`` and ``--sim-ble``.

Source kinds (:func:`perineo.sources.registry.open_source`): ``ble-virtual`` (a scenario
looped by the virtual probe, :meth:`VirtualBleSource.from_scenario`) and
``ble-virtual-follow`` (the person who follows the coach, served over the virtual link,
:meth:`VirtualLinkFollower.create`). ``scan_virtual`` is ``perineo scan --virtual``.

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
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import TYPE_CHECKING, Final

import numpy as np
from bumble.device import Device

from perineo.samples import Channel, FloatArray, SampleBlock, StatusKind
from perineo.sources.base import SampleSource, SourceItem, streamed_twice
from perineo.sources.ble import BleSource, ProbeInfo, Reconnect
from perineo.sources.ble_support import scan_probes
from perineo_sim.ble_probe import ProbeConfig, Signal, VirtualBleProbe, block_signal
from perineo_sim.bumble_backend import VirtualAir
from perineo_sim.follow import CueFollowingSim

if TYPE_CHECKING:
    from perineo.program.calibration import CalStep
    from perineo.program.coach import Cue
    from perineo.program.model import Program

DEFAULT_SCENARIO: Final = "basic"


def scenario_block(scenario: str = DEFAULT_SCENARIO, seed: int = 1) -> SampleBlock:
    """The samples of a simulator scenario (name or path)."""
    from perineo_sim import load_scenario, simulate

    return simulate(load_scenario(scenario), seed).block


@contextlib.asynccontextmanager
async def running_virtual_probe(
    block: SampleBlock | None = None,
    config: ProbeConfig | None = None,
    signal: Signal | None = None,
) -> AsyncIterator[tuple[VirtualAir, VirtualBleProbe]]:
    """A virtual air with one advertising probe.

    It serves ``signal`` if given (then ``block`` only names the channels), else ``block``
    looped, else the basic scenario looped.
    """
    samples = block if block is not None else scenario_block()
    air = VirtualAir()
    served = block_signal(samples) if signal is None else signal
    probe = VirtualBleProbe(air, served, samples.channels, config)
    await probe.start()
    try:
        yield air, probe
    finally:
        await probe.stop()
        await air.close()


class BufferedSignal:
    """A live source's samples as a probe signal, ``delay_s`` behind (it arrives in chunks).

    Before the first sample and past the last one the nearest value is held.
    """

    def __init__(self, channels: tuple[Channel, ...], delay_s: float) -> None:
        self.channels = channels
        self.delay_s = delay_s
        self._blocks: list[SampleBlock] = []
        self._joined: SampleBlock | None = None

    def feed(self, block: SampleBlock) -> None:
        self._blocks.append(block)
        self._joined = None

    def __call__(self, times: FloatArray) -> dict[Channel, FloatArray]:
        if not self._blocks:
            return {ch: np.zeros(len(times)) for ch in self.channels}
        if self._joined is None:
            self._joined = SampleBlock.concat(self._blocks)
            self._blocks = [self._joined]
        t = self._joined.t
        return {ch: np.interp(times - self.delay_s, t, v) for ch, v in self._joined.data.items()}


class VirtualBleSource:
    """SampleSource: samples served by the virtual probe and read back by BleSource.

    ``from_scenario``/``from_block`` loop recorded samples; ``wrap(source)`` serves a live
    source (e.g. the simulated person who follows the coach) over the virtual link, in real
    time. ``drop_every_s`` forces a disconnect that often (the source reconnects and marks
    the gap).
    """

    def __init__(
        self,
        signal: Signal,
        channels: tuple[Channel, ...],
        *,
        config: ProbeConfig | None = None,
        drop_every_s: float | None = None,
        feeding: SampleSource | None = None,
    ) -> None:
        self._signal = signal
        self._channels = channels
        self._config = config or ProbeConfig()
        self._drop_every_s = drop_every_s
        self._feeding = feeding
        self._inner: BleSource | None = None
        self._closed = False
        self._streamed = False

    @classmethod
    def from_block(
        cls,
        block: SampleBlock,
        *,
        config: ProbeConfig | None = None,
        drop_every_s: float | None = None,
    ) -> VirtualBleSource:
        return cls(block_signal(block), block.channels, config=config, drop_every_s=drop_every_s)

    @classmethod
    def from_scenario(
        cls,
        scenario: str = DEFAULT_SCENARIO,
        seed: int = 1,
        *,
        config: ProbeConfig | None = None,
        drop_every_s: float | None = None,
    ) -> VirtualBleSource:
        """A scenario (name or TOML path) looped by the virtual probe."""
        block = scenario_block(scenario, seed)
        return cls.from_block(block, config=config, drop_every_s=drop_every_s)

    @classmethod
    def wrap(
        cls, source: SampleSource, delay_s: float = 0.2, *, drop_every_s: float | None = None
    ) -> VirtualBleSource:
        """Serve a live source (running in real time) through the virtual probe."""
        signal = BufferedSignal(source.channels, delay_s)
        return cls(signal, source.channels, feeding=source, drop_every_s=drop_every_s)

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self._channels

    @property
    def name(self) -> str:
        return f"ble-virtual:{self._config.address}"

    async def _dropper(self, probe: VirtualBleProbe, every_s: float) -> None:
        while True:
            await asyncio.sleep(every_s)
            await probe.drop()

    async def _feed(self, source: SampleSource, signal: BufferedSignal) -> None:
        async for item in source.stream():
            if isinstance(item, SampleBlock):
                signal.feed(item)
            elif item.kind is StatusKind.ENDED:
                break
        await asyncio.sleep(signal.delay_s)
        await self.close()

    def stream(self) -> AsyncIterator[SourceItem]:
        if self._streamed:
            raise streamed_twice(self.name)
        self._streamed = True
        return self._stream()

    async def _stream(self) -> AsyncIterator[SourceItem]:
        block = SampleBlock(np.zeros(0), {ch: np.zeros(0) for ch in self._channels})
        async with running_virtual_probe(block, self._config, self._signal) as (air, probe):
            inner = BleSource(
                probe.address,
                backend=air.client_backend,
                sample_rate_hz=self._config.sample_rate_hz,
                remember=False,
                connect_timeout_s=2.0,
                reconnect=Reconnect(first_delay_s=0.05, max_delay_s=1.0),
            )
            self._inner = inner
            loop = asyncio.get_running_loop()
            tasks = []
            if self._drop_every_s:
                tasks.append(loop.create_task(self._dropper(probe, self._drop_every_s)))
            if self._feeding is not None and isinstance(self._signal, BufferedSignal):
                tasks.append(loop.create_task(self._feed(self._feeding, self._signal)))
            try:
                if self._closed:
                    return
                async for item in inner.stream():
                    yield item
            finally:
                for task in tasks:
                    task.cancel()
                await inner.close()
                if self._feeding is not None:
                    await self._feeding.close()

    async def close(self) -> None:
        self._closed = True
        if self._inner is not None:
            await self._inner.close()


class VirtualLinkFollower:
    """``--sim-ble``: the cue-following simulated person served by the virtual probe over a
    real BLE stack (Bumble) and read back by the BLE source, in real time."""

    def __init__(self, follower: CueFollowingSim, *, drop_every_s: float | None = None) -> None:
        self._follower = follower
        self._source = VirtualBleSource.wrap(follower, drop_every_s=drop_every_s)

    @classmethod
    def create(
        cls,
        program: Program | str,
        *,
        seed: int = 0,
        habits: Mapping[str, float] | None = None,
        channels: Iterable[Channel | str] = tuple(Channel),
        duration_s: float | None = None,
        drop_every_s: float | None = None,
    ) -> VirtualLinkFollower:
        """The person of ``sim-follow`` (real time), over the virtual link; ``drop_every_s``
        forces a disconnect that often (the source reconnects and marks the gap)."""
        follower = CueFollowingSim.create(
            program, seed=seed, habits=habits, channels=channels, duration_s=duration_s
        )
        return cls(follower, drop_every_s=drop_every_s)

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self._source.channels

    @property
    def name(self) -> str:
        return self._source.name

    def stream(self) -> AsyncIterator[SourceItem]:
        return self._source.stream()

    async def close(self) -> None:
        await self._source.close()

    def follow(self, cue: Cue | CalStep, now_s: float) -> None:
        # the app's clock is the link's (host time); the person keeps her own
        self._follower.follow(cue, self._follower.person.now_s)


async def scan_virtual(timeout_s: float) -> list[ProbeInfo]:
    """``perineo scan --virtual``: scan a virtual air on which one probe advertises."""
    async with running_virtual_probe() as (air, _probe):
        return await scan_probes(timeout_s, backend=air.scanner_backend)


async def serve(transport: str, scenario: str, seed: int, config: ProbeConfig) -> None:
    """Advertise and stream a scenario from a real controller until interrupted."""
    from bumble.hci import Address
    from bumble.transport import open_transport

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
