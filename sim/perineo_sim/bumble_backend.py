"""A small bleak back end driving a Bumble central on a virtual link (no radio).

``VirtualAir`` is one shared radio space: Bumble controllers on a ``LocalLink``. Probes
(``perineo_sim.ble_probe``) and one central live on it; ``air.client_backend`` and
``air.scanner_backend`` are bleak back-end classes bound to that central, passed to bleak
through its public ``backend=`` argument. Everything above — ATT, GATT discovery, MTU
exchange, notifications, disconnection — is Bumble's real host stack.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Final, TypeVar

from bleak.args import SizedBuffer
from bleak.assigned_numbers import CharacteristicPropertyName
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError
from bumble.controller import Controller
from bumble.core import UUID, BaseBumbleError
from bumble.device import Advertisement, Connection, Device, Peer
from bumble.gatt_client import CharacteristicProxy
from bumble.hci import (
    Address,
    HCI_LE_Advertising_Report_Event,
    HCI_LE_Extended_Advertising_Report_Event,
    HCI_Packet,
)
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

CENTRAL_ADDRESS: Final = "C0:00:00:00:00:01"
PREFERRED_MTU: Final = 247
DEFAULT_MTU: Final = 23
AD_UUID128_LISTS: Final = (0x06, 0x07)
AD_UUID16_LISTS: Final = (0x02, 0x03)
AD_NAMES: Final = (0x08, 0x09)
AD_SERVICE_DATA_16: Final = 0x16
AD_MANUFACTURER: Final = 0xFF
AD_TX_POWER: Final = 0x0A
# what Bumble raises when a link or request fails
STACK_ERRORS: Final = (BaseBumbleError, asyncio.TimeoutError, TimeoutError, ConnectionError)


def bleak_uuid(uuid: UUID) -> str:
    """A Bumble UUID as bleak spells it: 128-bit, lower case, dashed."""
    raw = bytes(uuid.to_bytes(force_128=True))[::-1].hex()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def _plain(address: Address) -> str:
    """``AA:BB:…`` without Bumble's ``/P`` (public) suffix."""
    return str(address).split("/")[0]


_Report = TypeVar(
    "_Report",
    HCI_LE_Advertising_Report_Event.Report,
    HCI_LE_Extended_Advertising_Report_Event.Report,
)
_SCAN_RESPONSES: Final = (
    HCI_LE_Advertising_Report_Event.EventType.SCAN_RSP,
    HCI_LE_Extended_Advertising_Report_Event.EventType.SCAN_RESPONSE,
)


class ScanResponseController(Controller):
    """Bumble's virtual controller, with scan responses that carry the scan response data.

    Bumble 0.0.236's controller answers an active scan with the advertising data twice, once
    labelled as the scan response, so a name sent in the scan response (as the firmware
    does) never reaches the scanner. This one looks up the advertiser on the link and
    reports its scan response data instead (none: no scan response).
    """

    def _scan_response_data(self, address: Address) -> bytes | None:
        advertiser = self.link.find_le_controller(address) if self.link else None
        if advertiser is None or advertiser is self:
            return None
        data = bytes(advertiser.le_legacy_advertiser.scan_response_data)
        sets = advertiser.advertising_sets.values()
        data = data or next((bytes(s.scan_response_data) for s in sets if s.enabled), b"")
        return data or None

    def _answered(self, reports: Sequence[_Report]) -> list[_Report]:
        out = []
        for report in reports:
            if report.event_type not in _SCAN_RESPONSES:
                out.append(report)
            elif (data := self._scan_response_data(report.address)) is not None:
                out.append(dataclasses.replace(report, data=data))
        return out

    def send_hci_packet(self, packet: HCI_Packet) -> None:
        if isinstance(packet, HCI_LE_Advertising_Report_Event):
            legacy = self._answered(packet.reports)
            if not legacy:
                return
            packet = HCI_LE_Advertising_Report_Event(legacy)
        elif isinstance(packet, HCI_LE_Extended_Advertising_Report_Event):
            extended = self._answered(packet.reports)
            if not extended:
                return
            packet = HCI_LE_Extended_Advertising_Report_Event(extended)
        super().send_hci_packet(packet)


def new_device(link: LocalLink, address: str) -> Device:
    """A Bumble device with its own virtual controller on ``link``."""
    controller = ScanResponseController(f"ctrl-{address}", link=link, public_address=address)
    return Device(address=Address(address), host=Host(controller, AsyncPipeSink(controller)))


class VirtualAir:
    """A radio space without a radio: one LocalLink, one central for bleak."""

    def __init__(self, mtu: int = PREFERRED_MTU) -> None:
        self.mtu = mtu  # the ATT MTU the central asks for (23: no exchange)
        self.link = LocalLink()
        self._central: Device | None = None
        self._lock = asyncio.Lock()
        self._scanners = 0  # scans in progress on the central (scanner back end, connects)
        self.client_backend = type("BumbleClient", (BumbleBleakClient,), {"air": self})
        self.scanner_backend = type("BumbleScanner", (BumbleBleakScanner,), {"air": self})

    async def central(self) -> Device:
        async with self._lock:
            if self._central is None:
                device = new_device(self.link, CENTRAL_ADDRESS)
                await device.power_on()
                self._central = device
            return self._central

    async def wait_for_advertiser(self, address: str, timeout_s: float) -> None:
        """Return once ``address`` advertises; raises TimeoutError after ``timeout_s``.

        Connect only to an advertiser, as BlueZ does: Bumble 0.0.236's virtual controller
        ignores LE Create Connection Cancel, so a connection attempt to a silent device
        would stay pending for ever and block every later one.
        """
        central = await self.central()
        seen = asyncio.get_running_loop().create_future()
        wanted = address.upper()

        def on_advertisement(adv: Advertisement) -> None:
            if _plain(adv.address) == wanted and not seen.done():
                seen.set_result(None)

        central.on(Device.EVENT_ADVERTISEMENT, on_advertisement)
        await self.start_scan()
        try:
            async with asyncio.timeout(timeout_s):
                await seen
        finally:
            central.remove_listener(Device.EVENT_ADVERTISEMENT, on_advertisement)
            await self.stop_scan()

    async def start_scan(self) -> None:
        central = await self.central()
        self._scanners += 1
        if not central.is_scanning:
            await central.start_scanning(filter_duplicates=False)

    async def stop_scan(self) -> None:
        central = await self.central()
        self._scanners = max(0, self._scanners - 1)
        if self._scanners == 0 and central.is_scanning:
            await central.stop_scanning()

    async def close(self) -> None:
        if self._central is not None:
            for connection in list(self._central.connections.values()):
                with contextlib.suppress(*STACK_ERRORS):
                    await connection.disconnect()
            await self._central.power_off()
            self._central = None


# -- scanning ---------------------------------------------------------------------------


def _ad_fields(data: bytes) -> list[tuple[int, bytes]]:
    fields, i = [], 0
    while i < len(data) and data[i]:
        length = data[i]
        fields.append((data[i + 1], bytes(data[i + 2 : i + 1 + length])))
        i += 1 + length
    return fields


def _advertisement_data(raw: bytes, rssi: int) -> AdvertisementData:
    name: str | None = None
    uuids: list[str] = []
    service_data: dict[str, bytes] = {}
    manufacturer: dict[int, bytes] = {}
    tx_power: int | None = None
    for ad_type, value in _ad_fields(raw):
        if ad_type in AD_UUID128_LISTS:
            uuids += [
                bleak_uuid(UUID.from_bytes(value[i : i + 16])) for i in range(0, len(value), 16)
            ]
        elif ad_type in AD_UUID16_LISTS:
            uuids += [
                bleak_uuid(UUID.from_bytes(value[i : i + 2])) for i in range(0, len(value), 2)
            ]
        elif ad_type in AD_NAMES:
            name = value.decode("utf-8", "replace")
        elif ad_type == AD_SERVICE_DATA_16 and len(value) >= 2:
            service_data[bleak_uuid(UUID.from_bytes(value[:2]))] = value[2:]
        elif ad_type == AD_MANUFACTURER and len(value) >= 2:
            manufacturer[int.from_bytes(value[:2], "little")] = value[2:]
        elif ad_type == AD_TX_POWER and value:
            tx_power = int.from_bytes(value[:1], "little", signed=True)
    return AdvertisementData(name, manufacturer, service_data, uuids, tx_power, rssi, ())


class BumbleBleakScanner(BaseBleakScanner):
    """bleak scanner back end: active scanning on the virtual air's central."""

    air: ClassVar[VirtualAir]

    def __init__(
        self,
        detection_callback: AdvertisementDataCallback | None,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        **_platform_args: object,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._raw: dict[str, tuple[bytes, bytes]] = {}
        self._device: Device | None = None

    async def start(self) -> None:
        self.seen_devices = {}
        self._raw = {}
        self._device = await self.air.central()
        self._device.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        await self.air.start_scan()

    async def stop(self) -> None:
        if self._device is not None:
            self._device.remove_listener(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
            await self.air.stop_scan()
            self._device = None

    def _on_advertisement(self, adv: Advertisement) -> None:
        key = _plain(adv.address)
        adv_bytes, resp_bytes = self._raw.get(key, (b"", b""))
        if adv.is_scan_response:
            resp_bytes = adv.data_bytes
        else:
            adv_bytes = adv.data_bytes
        self._raw[key] = (adv_bytes, resp_bytes)
        data = _advertisement_data(adv_bytes + resp_bytes, adv.rssi)
        if not self.is_allowed_uuid(data.service_uuids):
            return
        device = self.create_or_update_device(key, key, data.local_name, adv, data)
        self.call_detection_callbacks(device, data)


# -- connecting -------------------------------------------------------------------------


_PROPERTY_NAMES: Final[dict[int, CharacteristicPropertyName]] = {
    0x01: "broadcast",
    0x02: "read",
    0x04: "write-without-response",
    0x08: "write",
    0x10: "notify",
    0x20: "indicate",
    0x40: "authenticated-signed-writes",
    0x80: "extended-properties",
}


class BumbleBleakClient(BaseBleakClient):
    """bleak client back end: a Bumble GATT client over a virtual LE connection."""

    air: ClassVar[VirtualAir]

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        disconnected_callback: Callable[[], None] | None,
        timeout: float,
        **_platform_args: Any,
    ) -> None:
        super().__init__(
            address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout
        )
        self._connection: Connection | None = None
        self._peer: Peer | None = None
        self._mtu = DEFAULT_MTU
        self._leaving = False
        self._name = str(self.address)

    @property
    def name(self) -> str:
        return self._name

    @property
    def mtu_size(self) -> int:
        return self._mtu

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **_kwargs: Any) -> None:
        central = await self.air.central()
        try:
            async with asyncio.timeout(self._timeout):
                await self.air.wait_for_advertiser(self.address, self._timeout)
                connection = await central.connect(Address(self.address), timeout=self._timeout)
                self._connection = connection
                connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
                self._peer = Peer(connection)
                if self.air.mtu > DEFAULT_MTU:
                    self._mtu = await self._peer.request_mtu(self.air.mtu)
                self.services = await self._discover(self._peer)
        except STACK_ERRORS as exc:
            await self._abandon()
            raise BleakError(f"virtual connect to {self.address} failed: {exc!r}") from exc

    async def _abandon(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._leaving = True
            with contextlib.suppress(*STACK_ERRORS):
                await connection.disconnect()

    async def _discover(self, peer: Peer) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        for service in await peer.discover_services():
            bleak_service = BleakGATTService(service, service.handle, bleak_uuid(service.uuid))
            collection.add_service(bleak_service)
            for char in await peer.discover_characteristics(service=service):
                props: list[CharacteristicPropertyName] = [
                    n for bit, n in _PROPERTY_NAMES.items() if char.properties & bit
                ]
                bleak_char = BleakGATTCharacteristic(
                    char,
                    char.handle,
                    bleak_uuid(char.uuid),
                    props,
                    lambda: self._mtu - 3,
                    bleak_service,
                )
                collection.add_characteristic(bleak_char)
                for desc in await peer.discover_descriptors(char):
                    collection.add_descriptor(
                        BleakGATTDescriptor(desc, desc.handle, bleak_uuid(desc.type), bleak_char)
                    )
        return collection

    def _on_disconnection(self, _reason: int) -> None:
        self._connection = None
        self._peer = None
        if not self._leaving and self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        await self._abandon()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise BleakError("pairing is not supported on the virtual link")

    async def unpair(self) -> None:
        raise BleakError("pairing is not supported on the virtual link")

    def _require_peer(self) -> Peer:
        if self._peer is None:
            raise BleakError("not connected")
        return self._peer

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **_kw: Any
    ) -> bytearray:
        try:
            return bytearray(await self._require_peer().read_value(characteristic.obj))
        except STACK_ERRORS as exc:
            raise BleakError(f"read failed: {exc!r}") from exc

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **_kw: Any
    ) -> bytearray:
        try:
            return bytearray(await self._require_peer().read_value(descriptor.obj))
        except STACK_ERRORS as exc:
            raise BleakError(f"read failed: {exc!r}") from exc

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        try:
            await self._require_peer().write_value(characteristic.obj, bytes(data), response)
        except STACK_ERRORS as exc:
            raise BleakError(f"write failed: {exc!r}") from exc

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        try:
            await self._require_peer().write_value(descriptor.obj, bytes(data), True)
        except STACK_ERRORS as exc:
            raise BleakError(f"write failed: {exc!r}") from exc

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **_kw: Any
    ) -> None:
        proxy: CharacteristicProxy[bytes] = characteristic.obj

        def deliver(value: bytes) -> None:
            callback(bytearray(value))

        try:
            await self._require_peer().subscribe(proxy, deliver)
        except STACK_ERRORS as exc:
            raise BleakError(f"subscribe failed: {exc!r}") from exc

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        try:
            await self._require_peer().unsubscribe(characteristic.obj)
        except STACK_ERRORS as exc:
            raise BleakError(f"unsubscribe failed: {exc!r}") from exc
