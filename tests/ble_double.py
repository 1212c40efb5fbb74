"""Bleak test doubles shared by the tests: scanner back ends at bleak's own interface."""

from __future__ import annotations

from bleak.backends.scanner import AdvertisementData, BaseBleakScanner

from perineo.protocol import BATTERY_SERVICE_UUID, PROBE_SERVICE_UUID


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
