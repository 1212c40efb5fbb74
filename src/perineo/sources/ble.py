"""Samples from a perineo probe over Bluetooth Low Energy (bleak).

The notification callback only puts the bytes, their arrival time and the connection that
delivered them on a queue; decoding, gap detection and time mapping happen in ``stream()``
(ble_assembler). After a drop the source reconnects with backoff, reports DISCONNECTED,
CONNECTED and the GAP, and the session goes on; a notification of an earlier connection
that reaches it after that is counted (``late``) and skipped. ``backend=`` is bleak's
public seam: the Bumble virtual probe's back end (perineo_sim.bumble_backend) plugs in there.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Final

from perineo.errors import PerineoError, ProtocolError, SourceError
from perineo.protocol import (
    BATTERY_LEVEL_UUID,
    CONTROL_CHAR_UUID,
    SAMPLE_RATES_HZ,
    STATUS_CHAR_UUID,
    STREAM_CHAR_UUID,
    Command,
    Opcode,
    channel_mask,
    decode_status,
    encode_command,
)
from perineo.samples import CHANNEL_ORDER, Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.base import SourceItem, streamed_twice
from perineo.sources.ble_assembler import LinkCounters, PacketAssembler
from perineo.sources.ble_support import (
    ProbeInfo,
    bluetooth_error,
    bluetooth_errors,
    remember_address,
    remembered_address,
    scan_probes,
)

__all__ = ["BleSource", "ProbeInfo", "Reconnect", "scan"]

scan = scan_probes  # perineo.sources.ble.scan(timeout_s=5.0, *, backend=None)

if TYPE_CHECKING:
    from bleak import BleakClient
    from bleak.backends.client import BaseBleakClient

SHUTDOWN_TIMEOUT_S: Final = 2.0


@dataclass(frozen=True)
class Reconnect:
    """Backoff after a drop: first_delay_s, doubling up to max_delay_s; None: never give up."""

    first_delay_s: float = 0.1
    max_delay_s: float = 2.0
    factor: float = 2.0
    give_up_after_s: float | None = None


class _Event(Enum):
    STREAM = "stream"
    STATUS = "status"
    DROPPED = "dropped"
    CLOSE = "close"


class BleSource:
    """A :class:`~perineo.sources.base.SampleSource` reading a probe at ``address``.

    ``address=None`` uses the probe remembered from the last session. ``channels`` defaults
    to every channel the probe streams; ``channels`` is final once ``stream()`` has yielded
    CONNECTED.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        backend: type[BaseBleakClient] | None = None,
        sample_rate_hz: int = 100,
        channels: Iterable[Channel] | None = None,
        connect_timeout_s: float = 10.0,
        reconnect: Reconnect | None = None,
        remember: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if sample_rate_hz not in SAMPLE_RATES_HZ:
            raise SourceError(f"sample rate {sample_rate_hz} Hz: expected one of {SAMPLE_RATES_HZ}")
        self._address = address
        self._backend = backend
        self._rate = sample_rate_hz
        self._wanted = None if channels is None else frozenset(Channel(c) for c in channels)
        self._channels: tuple[Channel, ...] = tuple(
            c for c in CHANNEL_ORDER if self._wanted is None or c in self._wanted
        )
        self._timeout = connect_timeout_s
        self._reconnect = reconnect or Reconnect()
        self._remember = remember
        self._clock = clock
        # (event, bytes, arrival, the connection attempt that delivered it)
        self._queue: asyncio.Queue[tuple[_Event, bytes, float, int]] = asyncio.Queue()
        self._client: BleakClient | None = None
        self._link = 0  # counts connection attempts: a drop names the attempt it ends
        self._closing = asyncio.Event()
        self._started = False
        self._assembler: PacketAssembler | None = None
        self.counters = LinkCounters()

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self._channels

    @property
    def name(self) -> str:
        return f"ble:{self._address or 'remembered probe'}"

    @property
    def address(self) -> str | None:
        return self._address

    # -- bleak callbacks: nothing but the queue --------------------------------------------

    def _notified(self, event: _Event, link: int) -> Callable[[object, bytearray], None]:
        """The notification callback of connection attempt ``link``: each connection gets
        its own, so a notification that the host hands over after the link went down (and
        a new one came up) is known to be the old link's."""

        def on_notify(_char: object, data: bytearray) -> None:
            self._queue.put_nowait((event, bytes(data), self._clock(), link))

        return on_notify

    def _on_disconnect(self, client: BleakClient, link: int) -> None:
        if client is self._client:
            self._queue.put_nowait((_Event.DROPPED, b"", self._clock(), link))

    # -- connection ------------------------------------------------------------------------

    async def _connect_once(self) -> float | None:
        """Connect, configure and start streaming; returns the battery percent if read."""
        from bleak import BleakClient

        assert self._address is not None
        self._link += 1
        link = self._link
        client = BleakClient(
            self._address,
            disconnected_callback=lambda c: self._on_disconnect(c, link),
            timeout=self._timeout,
            backend=self._backend,
        )
        self._client = client
        await client.connect()
        try:
            status = decode_status(await client.read_gatt_char(STATUS_CHAR_UUID))
        except ProtocolError as exc:
            raise SourceError(f"probe {self._address} sent a bad status: {exc}") from exc
        if self._assembler is None:  # first connection: settle the channels
            offered = status.channels
            chosen = tuple(c for c in offered if self._wanted is None or c in self._wanted)
            if Channel.SQUEEZE not in chosen:
                raise SourceError(f"probe {self._address} does not stream squeeze")
            self._channels = chosen
        if channel_mask(status.channels) != channel_mask(self._channels):
            await self._command(Command(Opcode.SET_CHANNELS, channel_mask(self._channels)))
        if status.sample_rate_hz != self._rate:
            await self._command(Command(Opcode.SET_RATE, self._rate))
        await client.start_notify(STATUS_CHAR_UUID, self._notified(_Event.STATUS, link))
        await client.start_notify(STREAM_CHAR_UUID, self._notified(_Event.STREAM, link))
        await self._command(Command(Opcode.START))
        no_battery: tuple[type[BaseException], ...] = (*bluetooth_errors(), IndexError, KeyError)
        try:
            return float((await client.read_gatt_char(BATTERY_LEVEL_UUID))[0])
        except no_battery:
            return None

    async def _command(self, command: Command) -> None:
        assert self._client is not None
        await self._client.write_gatt_char(CONTROL_CHAR_UUID, encode_command(command), True)

    async def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        with contextlib.suppress(*bluetooth_errors()):
            async with asyncio.timeout(SHUTDOWN_TIMEOUT_S):
                if client.is_connected:
                    with contextlib.suppress(*bluetooth_errors()):
                        await client.write_gatt_char(
                            CONTROL_CHAR_UUID, encode_command(Command(Opcode.STOP)), True
                        )
                await client.disconnect()

    async def _first_connect(self) -> float | None:
        if self._address is None:
            self._address = remembered_address()
            if self._address is None:
                raise SourceError("no probe address given or remembered; run `perineo scan`").keyed(
                    "refusal.no_address"
                )
        try:
            battery = await self._connect_once()
        except SourceError:
            await self._drop_client()
            raise
        except bluetooth_errors() as exc:
            await self._drop_client()
            raise bluetooth_error(exc, f"connect to probe {self._address}") from exc
        if self._remember:
            with contextlib.suppress(OSError, PerineoError):
                remember_address(self._address, None)
        return battery

    async def _sleep_unless_closed(self, delay_s: float) -> bool:
        """Wait ``delay_s``; False if close() came first."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay_s):
                await self._closing.wait()
        return not self._closing.is_set()

    async def _reconnect_loop(self) -> tuple[bool, float | None]:
        """Reconnect with backoff: (reconnected, battery percent if read)."""
        started = self._clock()
        delay = self._reconnect.first_delay_s
        failed: tuple[type[BaseException], ...] = (*bluetooth_errors(), SourceError)
        while await self._sleep_unless_closed(delay):
            await self._drop_client()
            try:
                return True, await self._connect_once()
            except failed as exc:
                self.counters.last_error = str(exc) or type(exc).__name__
            except asyncio.CancelledError:
                # A disconnect during service discovery cancels bleak's own connect task,
                # and the CancelledError reaches us. Only a cancel of this task stops us.
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise
                self.counters.last_error = "link lost while connecting"
            limit = self._reconnect.give_up_after_s
            if limit is not None and self._clock() - started > limit:
                break
            delay = min(delay * self._reconnect.factor, self._reconnect.max_delay_s)
        return False, None

    # -- the stream ------------------------------------------------------------------------

    def stream(self) -> AsyncIterator[SourceItem]:
        if self._started:
            raise streamed_twice(self.name)
        self._started = True
        return self._stream()

    async def _stream(self) -> AsyncIterator[SourceItem]:
        origin = self._clock()
        try:
            battery = await self._first_connect()
            assembler = PacketAssembler(self._channels, origin)
            assembler.counters = self.counters
            self._assembler = assembler
            yield SourceStatus(StatusKind.CONNECTED, 0.0, detail=self._address or "")
            if battery is not None:
                yield SourceStatus(StatusKind.BATTERY, 0.0, value=battery)
            async for item in self._run(assembler, origin):
                yield item
        finally:
            await self._drop_client()

    async def _run(self, assembler: PacketAssembler, origin: float) -> AsyncIterator[SourceItem]:
        pending: deque[tuple[_Event, bytes, float, int]] = deque()
        while True:
            event, data, arrival, link = pending.popleft() if pending else await self._queue.get()
            now = arrival - origin
            if event is _Event.CLOSE or self._closing.is_set():
                yield SourceStatus(StatusKind.ENDED, now, detail="closed")
                return
            if link != self._link:
                # the drop of a failed reconnect attempt after a good one, or a notification
                # of a link that is gone: its sequence numbers are not the new link's (which
                # restart at 0), decoding it as the new link's would put old samples after
                # newer ones
                if event is _Event.STREAM:
                    self.counters.late += 1
                continue
            if event is _Event.DROPPED:
                yield SourceStatus(StatusKind.DISCONNECTED, now, detail="link lost")
                reconnected, battery = await self._reconnect_loop()
                if not reconnected:
                    detail = "closed" if self._closing.is_set() else "gave up reconnecting"
                    yield SourceStatus(StatusKind.ENDED, self._clock() - origin, detail=detail)
                    return
                self.counters.reconnects += 1
                assembler.new_link()
                yield SourceStatus(
                    StatusKind.CONNECTED, self._clock() - origin, detail="reconnected"
                )
                if battery is not None:
                    yield SourceStatus(StatusKind.BATTERY, self._clock() - origin, value=battery)
                continue
            if event is _Event.STATUS:
                item = self._status_item(data, now)
                if item is not None:
                    yield item
                continue
            items = assembler.feed(data, arrival)
            # decode what else has arrived in one go: one block instead of many small ones
            while not self._queue.empty():
                queued = self._queue.get_nowait()
                if queued[0] is not _Event.STREAM or queued[3] != self._link or pending:
                    pending.append(queued)
                    continue
                items += assembler.feed(queued[1], queued[2])
            for block in _merge_blocks(items):
                yield block

    def _status_item(self, data: bytes, now: float) -> SourceStatus | None:
        try:
            status = decode_status(data)
        except ProtocolError:
            self.counters.malformed += 1
            return None
        if not status.faults and not status.saturated:
            return None
        problems = [
            f.name.lower() for f in type(status.faults) if f and f.name and f in status.faults
        ]
        problems += [f"{c}_saturated" for c in status.saturated]
        return SourceStatus(
            StatusKind.QUALITY,
            now,
            detail=", ".join(problems),
            extra={"temperature_c": status.temperature_c, "faults": int(status.faults)},
        )

    async def close(self) -> None:
        """Stop streaming and disconnect; the stream ends with ENDED. Safe to call twice."""
        self._closing.set()
        self._queue.put_nowait((_Event.CLOSE, b"", self._clock(), self._link))
        await self._drop_client()


def _merge_blocks(items: list[SampleBlock | SourceStatus]) -> list[SourceItem]:
    """Join consecutive blocks (nothing between them) into one."""
    out: list[SourceItem] = []
    run: list[SampleBlock] = []
    for item in items:
        if isinstance(item, SampleBlock):
            run.append(item)
            continue
        if run:
            out.append(SampleBlock.concat(run) if len(run) > 1 else run[0])
            run = []
        out.append(item)
    if run:
        out.append(SampleBlock.concat(run) if len(run) > 1 else run[0])
    return out
