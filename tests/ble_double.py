"""Bleak test doubles shared by the tests, at bleak's own back-end interface: scanners on
whose air named probes advertise, and a probe a client back end connects to."""

from __future__ import annotations

import asyncio

import numpy as np
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError

from perineo.protocol import (
    BATTERY_LEVEL_UUID,
    BATTERY_SERVICE_UUID,
    CONTROL_CHAR_UUID,
    PROBE_SERVICE_UUID,
    STATUS_CHAR_UUID,
    STREAM_CHAR_UUID,
    Opcode,
    StreamPacket,
    decode_command,
    encode_packet,
    encode_status,
)
from perineo.protocol.control import Fault, ProbeStatus, State
from perineo.protocol.packet import MISSING, SCALE, SEQUENCE_MODULUS, to_counts
from perineo.samples import SampleBlock


def hostile_scanner(*names: str) -> type[BaseBleakScanner]:
    """A bleak scanner back end on whose air probes named ``names`` advertise."""

    class HostileScanner(BaseBleakScanner):
        def __init__(self, callback, service_uuids, mode="active", **_platform) -> None:  # type: ignore[no-untyped-def]
            super().__init__(callback, service_uuids)

        async def start(self) -> None:
            for i, name in enumerate(names):
                adv = AdvertisementData(
                    name, {}, {BATTERY_SERVICE_UUID: bytes([50])}, [PROBE_SERVICE_UUID], None,
                    -40 - i, (),
                )  # fmt: skip
                address = f"F0:0D:00:00:00:{i:02X}"
                device = self.create_or_update_device(address, address, name, None, adv)
                self.call_detection_callbacks(device, adv)

        async def stop(self) -> None:
            pass

    return HostileScanner


class ProbeGattClient(BaseBleakClient):
    """A bleak client back end with the probe's GATT table: it connects at once, has no
    pairing or descriptors, reads the status (``status()``) and the battery level
    (``battery_percent()``), and keeps each notification callback by characteristic.
    A double subclasses it with what it streams on START (``write_gatt_char``)."""

    def __init__(self, address_or_ble_device, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(
            address_or_ble_device,
            disconnected_callback=kwargs.get("disconnected_callback"),
            timeout=kwargs.get("timeout", 10.0),
        )
        self._connected = False
        self._notify: dict[str, NotifyCallback] = {}
        self._task: asyncio.Task[None] | None = None

    def status(self) -> ProbeStatus:
        raise NotImplementedError

    def battery_percent(self) -> int:
        raise NotImplementedError

    @property
    def mtu_size(self) -> int:
        return 247

    @property
    def is_connected(self) -> bool:
        return self._connected

    async def connect(self, pair: bool, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.services = _probe_services()
        self._connected = True

    async def disconnect(self) -> None:
        self._connected = False
        if self._task is not None:
            self._task.cancel()

    async def pair(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        raise BleakError("no pairing")

    async def unpair(self) -> None:
        raise BleakError("no pairing")

    async def read_gatt_char(self, characteristic, **kwargs) -> bytearray:  # type: ignore[no-untyped-def]
        if characteristic.uuid == STATUS_CHAR_UUID:
            return bytearray(encode_status(self.status()))
        if characteristic.uuid == BATTERY_LEVEL_UUID:
            return bytearray([self.battery_percent()])
        raise BleakError(f"{characteristic.uuid} is not readable")

    async def read_gatt_descriptor(self, descriptor, **kwargs) -> bytearray:  # type: ignore[no-untyped-def]
        raise BleakError("no descriptors")

    async def write_gatt_descriptor(self, descriptor, data) -> None:  # type: ignore[no-untyped-def]
        raise BleakError("no descriptors")

    async def start_notify(self, characteristic, callback, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self._notify[characteristic.uuid] = callback

    async def stop_notify(self, characteristic) -> None:  # type: ignore[no-untyped-def]
        self._notify.pop(characteristic.uuid, None)


class ProbeDouble:
    """A probe at bleak's client interface that streams ``block`` once, then stays silent.

    The GATT table is the probe's (status, control, stream; battery). On START the samples
    go out in packets of ``frames`` frames; the packets numbered in ``lost`` are sent but
    never arrive (their sequence numbers are used up, as over the air). ``clock`` is the
    host clock to give the BLE source: each packet arrives ``latency_s`` after its last
    frame was sampled, so stream time equals the block's own time. ``delivered`` is what
    the source must decode, exactly (values rounded to the protocol's counts).
    """

    def __init__(
        self,
        block: SampleBlock,
        *,
        rate_hz: int = 100,
        frames: int = 4,
        lost: frozenset[int] = frozenset(),
        latency_s: float = 0.02,
        battery_percent: int = 64,
    ) -> None:
        counts = np.vectorize(to_counts, otypes=[np.int64])
        self.rate_hz = rate_hz
        self.channels = block.channels
        self._counts = np.column_stack([counts(block.data[c]) for c in block.channels])
        self._t = block.t
        self._frames = frames
        self._lost = lost
        self._latency_s = latency_s
        self.battery_percent = battery_percent
        self.now = latency_s + float(block.t[0])
        self.starts = 0  # START commands received
        keep = np.ones(len(block), dtype=bool)
        for n in lost:
            keep[n * frames : (n + 1) * frames] = False
        values = {
            c: np.where(self._counts[keep, i] == MISSING, np.nan, self._counts[keep, i] * SCALE)
            for i, c in enumerate(block.channels)
        }
        self.delivered = SampleBlock(block.t[keep], values)

    def clock(self) -> float:
        return self.now

    def packets(self) -> list[tuple[float, bytes]]:
        """(host arrival time, bytes) of every packet that arrives."""
        out = []
        for seq, start in enumerate(range(0, len(self._t), self._frames)):
            stop = min(start + self._frames, len(self._t))
            if seq in self._lost:
                continue
            packet = StreamPacket(
                sequence=seq % SEQUENCE_MODULUS,
                timestamp_us=round(float(self._t[start]) * 1e6),
                sample_rate_hz=self.rate_hz,
                channels=self.channels,
                frames=tuple(tuple(int(v) for v in row) for row in self._counts[start:stop]),
            )
            out.append((float(self._t[stop - 1]) + self._latency_s, encode_packet(packet)))
        return out

    def client(self) -> type[BaseBleakClient]:
        """A bleak client back-end class bound to this probe (``backend=`` of BleakClient)."""
        probe = self

        class ProbeClient(ProbeGattClient):
            def status(self) -> ProbeStatus:
                return ProbeStatus(Fault.NONE, (), State.IDLE, probe.rate_hz, probe.channels, 34.0)

            def battery_percent(self) -> int:
                return probe.battery_percent

            async def write_gatt_char(self, characteristic, data, response) -> None:  # type: ignore[no-untyped-def]
                command = decode_command(bytes(data))
                if command.op is Opcode.START and self._task is None:
                    probe.starts += 1
                    self._task = asyncio.get_running_loop().create_task(self._send())

            async def _send(self) -> None:
                for arrival, data in probe.packets():
                    await asyncio.sleep(0)
                    if not self._connected:
                        return
                    probe.now = arrival
                    self._notify[STREAM_CHAR_UUID](bytearray(data))

        return ProbeClient


def _probe_services() -> BleakGATTServiceCollection:
    services = BleakGATTServiceCollection()
    table = {
        PROBE_SERVICE_UUID: (
            (STATUS_CHAR_UUID, ["read", "notify"]),
            (CONTROL_CHAR_UUID, ["write"]),
            (STREAM_CHAR_UUID, ["notify"]),
        ),
        BATTERY_SERVICE_UUID: ((BATTERY_LEVEL_UUID, ["read"]),),
    }
    handle = 1
    for service_uuid, chars in table.items():
        service = BleakGATTService(None, handle, service_uuid)
        services.add_service(service)
        for uuid, props in chars:
            handle += 1
            char = BleakGATTCharacteristic(None, handle, uuid, props, lambda: 244, service)
            services.add_characteristic(char)
        handle += 1
    return services
