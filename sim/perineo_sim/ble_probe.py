"""The virtual probe over a real BLE stack: simulated samples served with the firmware's GATT.

A Bumble peripheral on a :class:`~perineo_sim.bumble_backend.VirtualAir` advertises like the
firmware (flags + probe service UUID; name + battery in the scan response), serves the probe
service (stream, control, status), Battery and Device Information, obeys the control
commands, and streams packets in perineo.protocol's bytes (byte-identical to the firmware's,
see tests/vectors), batched like the firmware (MTU and 40 ms). ``drop()`` forces a
disconnect, ``inject()`` sends raw bytes (malformed packets), ``drift_ppm`` skews its clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from bumble.att import ATT_Error, ErrorCode
from bumble.core import UUID, AdvertisingData
from bumble.device import Connection, Device
from bumble.gatt import Characteristic, CharacteristicValue, Service
from bumble.profiles.battery_service import BatteryService
from bumble.profiles.device_information_service import DeviceInformationService

from perineo.errors import ProtocolError
from perineo.protocol import (
    CONTROL_CHAR_UUID,
    PROBE_SERVICE_UUID,
    STATUS_CHAR_UUID,
    STREAM_CHAR_UUID,
    Fault,
    Opcode,
    ProbeStatus,
    State,
    StreamPacket,
    channels_from_mask,
    decode_command,
    encode_packet,
    encode_status,
    frames_that_fit,
    max_payload,
    to_counts,
)
from perineo.protocol.gatt import BATTERY_SERVICE_UUID16, NAME_PREFIX
from perineo.samples import Channel, FloatArray, SampleBlock
from perineo_sim.bumble_backend import STACK_ERRORS, VirtualAir, new_device

BATCH_LIMIT_S: Final = 0.040  # as firmware/probe/stream.py
ADV_INTERVAL_MS: Final = 20.0  # faster than the firmware's 100 ms: quicker tests
TIMESTAMP_MASK: Final = 0xFFFFFFFF
Signal = Callable[[FloatArray], dict[Channel, FloatArray]]


def block_signal(block: SampleBlock, *, loop: bool = True) -> Signal:
    """Values of ``block`` at any times (linear interpolation; looped over its length)."""
    t0, span = float(block.t[0]), float(block.t[-1] - block.t[0])

    def at(times: FloatArray) -> dict[Channel, FloatArray]:
        local = (times % span if loop else np.minimum(times, span)) + t0
        return {ch: np.interp(local, block.t, v) for ch, v in block.data.items()}

    return at


@dataclass(frozen=True)
class ProbeConfig:
    """How the virtual probe presents itself; ``clock_offset_us`` sets where its clock starts."""

    address: str = "F0:0D:00:00:00:01"
    battery_percent: int = 87
    sample_rate_hz: int = 100
    clock_offset_us: int = 0
    drift_ppm: float = 0.0
    temperature_c: float = 36.5


@dataclass
class ProbeCounters:
    frames_sampled: int = 0
    frames_sent: int = 0
    packets_sent: int = 0
    packets_failed: int = 0
    connections: int = 0
    commands: list[str] = field(default_factory=list)


class VirtualBleProbe:
    """A simulated probe that a bleak client can scan, connect and stream from."""

    def __init__(
        self,
        air: VirtualAir | None,
        signal: Signal,
        channels: tuple[Channel, ...],
        config: ProbeConfig | None = None,
        *,
        device: Device | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """On ``air`` (a virtual link), or on ``device`` (e.g. a USB dongle's controller)."""
        self.signal = signal
        self.available = channels
        self.config = config or ProbeConfig()
        self.clock = clock
        self.channels = channels
        self.rate_hz = self.config.sample_rate_hz
        self.counters = ProbeCounters()
        self.epoch = clock()  # host time of sample index 0
        if device is None:
            if air is None:
                raise ValueError("VirtualBleProbe needs a VirtualAir or a Bumble Device")
            device = new_device(air.link, self.config.address)
        self._device: Device = device
        self._connection: Connection | None = None
        self._streaming: asyncio.Task[None] | None = None
        self._injected: list[bytes] = []
        self._stream_char = Characteristic(
            STREAM_CHAR_UUID, Characteristic.Properties.NOTIFY, Characteristic.READABLE, b""
        )
        self._status_char: Characteristic[bytes] = Characteristic(
            STATUS_CHAR_UUID,
            Characteristic.Properties.READ | Characteristic.Properties.NOTIFY,
            Characteristic.READABLE,
            CharacteristicValue(read=lambda _conn: self.status_bytes()),
        )
        control: Characteristic[bytes] = Characteristic(
            CONTROL_CHAR_UUID,
            Characteristic.Properties.WRITE,
            Characteristic.WRITEABLE,
            CharacteristicValue(write=self._on_control),
        )
        self._device.add_services(
            [
                Service(PROBE_SERVICE_UUID, [self._stream_char, control, self._status_char]),
                BatteryService(lambda _conn: self.config.battery_percent),
                DeviceInformationService(
                    manufacturer_name="perineo (simulated)",
                    model_number="virtual probe",
                    firmware_revision="sim",
                ),
            ]
        )
        self._device.on(Device.EVENT_CONNECTION, self._on_connection)

    @property
    def address(self) -> str:
        return self.config.address

    @property
    def name(self) -> str:
        return NAME_PREFIX + self.config.address.replace(":", "")[-4:]

    # -- device clock and samples ----------------------------------------------------------

    def device_us(self, host_s: float) -> int:
        """The probe's 32-bit µs clock at host time ``host_s`` (offset and drift applied)."""
        elapsed = (host_s - self.epoch) * (1.0 + self.config.drift_ppm * 1e-6)
        return (self.config.clock_offset_us + round(elapsed * 1e6)) & TIMESTAMP_MASK

    def sample_time(self, index: int) -> float:
        """Host time at which sample ``index`` (on the probe's fixed grid) is taken."""
        return self.epoch + index / self.rate_hz

    def status_bytes(self) -> bytes:
        state = State.STREAMING if self._streaming is not None else State.IDLE
        return encode_status(
            ProbeStatus(
                Fault.NONE,
                (),
                state | State.TARED,
                self.rate_hz,
                self.channels,
                self.config.temperature_c,
            )
        )

    # -- GATT callbacks ----------------------------------------------------------------------

    def _on_connection(self, connection: Connection) -> None:
        self._connection = connection
        self.counters.connections += 1
        connection.on(Connection.EVENT_DISCONNECTION, lambda _reason: self._on_disconnection())

    def _on_disconnection(self) -> None:
        self._connection = None
        self._stop_streaming()  # like the firmware: a new connection must send START

    def _on_control(self, _connection: Connection, value: bytes) -> None:
        try:
            command = decode_command(value)
        except ProtocolError as exc:
            raise ATT_Error(ErrorCode.VALUE_NOT_ALLOWED) from exc
        self.counters.commands.append(command.op.name)
        if command.op is Opcode.SET_RATE and command.arg is not None:
            self.rate_hz = command.arg
        elif command.op is Opcode.SET_CHANNELS and command.arg is not None:
            chosen = channels_from_mask(command.arg)
            if not set(chosen) <= set(self.available):
                raise ATT_Error(ErrorCode.VALUE_NOT_ALLOWED)
            self.channels = chosen
        elif command.op is Opcode.START:
            self._stop_streaming()
            self._streaming = asyncio.get_running_loop().create_task(self._stream())
        elif command.op is Opcode.STOP:
            self._stop_streaming()

    def _stop_streaming(self) -> None:
        task, self._streaming = self._streaming, None
        if task is not None:
            task.cancel()

    # -- streaming ---------------------------------------------------------------------------

    def _frames_per_packet(self, connection: Connection) -> int:
        fit = frames_that_fit(len(self.channels), max_payload(connection.att_mtu))
        return max(1, min(fit, int(BATCH_LIMIT_S * self.rate_hz)))

    def _frames(self, first: int, count: int) -> tuple[tuple[int, ...], ...]:
        idx = np.arange(first, first + count)
        values = self.signal(idx / self.rate_hz)
        return tuple(
            tuple(to_counts(float(values[ch][i])) for ch in self.channels) for i in range(count)
        )

    async def _stream(self) -> None:
        sequence = 0
        index = math.ceil((self.clock() - self.epoch) * self.rate_hz)
        while (connection := self._connection) is not None:
            n = self._frames_per_packet(connection)
            last_due = self.sample_time(index + n - 1)
            await asyncio.sleep(max(0.0, last_due - self.clock()))
            while self._injected:
                await self._notify(connection, self._injected.pop(0))
            frames = self._frames(index, n)
            self.counters.frames_sampled += n
            packet = StreamPacket(
                sequence,
                self.device_us(self.sample_time(index)),
                self.rate_hz,
                self.channels,
                frames,
            )
            if await self._notify(connection, encode_packet(packet)):
                self.counters.frames_sent += n
            sequence = (sequence + 1) & 0xFFFF
            index += n

    async def _notify(self, connection: Connection, data: bytes) -> bool:
        try:
            await self._device.notify_subscriber(connection, self._stream_char, data)
        except STACK_ERRORS:  # the link died under the notification
            self.counters.packets_failed += 1
            return False
        self.counters.packets_sent += 1
        return True

    # -- life cycle ------------------------------------------------------------------------

    def inject(self, data: bytes) -> None:
        """Send ``data`` as the next stream notification (to test malformed packets)."""
        self._injected.append(bytes(data))

    def _advertising(self) -> tuple[bytes, bytes]:
        """The firmware's advertising bytes (firmware/probe/advert.py)."""
        battery = BATTERY_SERVICE_UUID16.to_bytes(2, "little") + bytes(
            [self.config.battery_percent]
        )
        adv = AdvertisingData(
            [
                (AdvertisingData.FLAGS, bytes([0x06])),
                (
                    AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
                    bytes(UUID(PROBE_SERVICE_UUID).to_bytes()),
                ),
                (AdvertisingData.SERVICE_DATA_16_BIT_UUID, battery),
            ]
        )
        resp = AdvertisingData([(AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode())])
        return bytes(adv), bytes(resp)

    async def start(self) -> None:
        await self._device.power_on()
        await self._advertise()

    async def _advertise(self) -> None:
        adv, resp = self._advertising()
        await self._device.start_advertising(
            auto_restart=True,
            advertising_data=adv,
            scan_response_data=resp,
            advertising_interval_min=ADV_INTERVAL_MS,
            advertising_interval_max=ADV_INTERVAL_MS,
        )

    async def drop(self, off_air_s: float = 0.0) -> None:
        """Force a disconnect (as out of range); stay silent ``off_air_s`` before advertising."""
        if off_air_s > 0:
            await self._device.stop_advertising()
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(*STACK_ERRORS):
                await connection.disconnect()
        if off_air_s > 0:
            await asyncio.sleep(off_air_s)
            await self._advertise()

    async def stop(self) -> None:
        self._stop_streaming()
        with contextlib.suppress(*STACK_ERRORS):
            await self._device.stop_advertising()
        await self.drop()
        with contextlib.suppress(*STACK_ERRORS):
            await self._device.power_off()
