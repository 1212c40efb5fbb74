"""GATT layout of the perineo probe: service and characteristic UUIDs, advertising.

The probe's own service uses one random 128-bit base; each attribute differs in bytes 2–3
(``52dcXXXX-…``). Battery and Device Information are the Bluetooth SIG standard services.
"""

from __future__ import annotations

from typing import Final


def _probe_uuid(short: int) -> str:
    return f"52dc{short:04x}-6245-4a6f-8950-6f9d730c748f"


def sig_uuid(short: int) -> str:
    """The full 128-bit form of a Bluetooth SIG 16-bit UUID (as bleak spells it)."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


PROBE_SERVICE_UUID: Final = _probe_uuid(0x0001)
STREAM_CHAR_UUID: Final = _probe_uuid(0x0002)  # notify: stream packets
CONTROL_CHAR_UUID: Final = _probe_uuid(0x0003)  # write with response: commands
STATUS_CHAR_UUID: Final = _probe_uuid(0x0004)  # read + notify: faults, saturation, temperature

BATTERY_SERVICE_UUID16: Final = 0x180F
BATTERY_LEVEL_UUID16: Final = 0x2A19  # uint8 percent
DEVICE_INFO_SERVICE_UUID16: Final = 0x180A
MANUFACTURER_NAME_UUID16: Final = 0x2A29
MODEL_NUMBER_UUID16: Final = 0x2A24
SERIAL_NUMBER_UUID16: Final = 0x2A25
HARDWARE_REVISION_UUID16: Final = 0x2A27
FIRMWARE_REVISION_UUID16: Final = 0x2A26

BATTERY_SERVICE_UUID: Final = sig_uuid(BATTERY_SERVICE_UUID16)
BATTERY_LEVEL_UUID: Final = sig_uuid(BATTERY_LEVEL_UUID16)
DEVICE_INFO_SERVICE_UUID: Final = sig_uuid(DEVICE_INFO_SERVICE_UUID16)
FIRMWARE_REVISION_UUID: Final = sig_uuid(FIRMWARE_REVISION_UUID16)

# Advertising: the probe service UUID in the advertisement, the name and the battery level
# (service data of the Battery service, one byte) in the scan response.
NAME_PREFIX: Final = "perineo-"
ATT_DEFAULT_MTU: Final = 23
ATT_HEADER_BYTES: Final = 3  # notification opcode + handle
MAX_ATTRIBUTE_BYTES: Final = 512


def max_payload(mtu: int) -> int:
    """Bytes of a notification's value that fit in one ATT PDU of ``mtu`` bytes."""
    return min(max(mtu, ATT_DEFAULT_MTU) - ATT_HEADER_BYTES, MAX_ATTRIBUTE_BYTES)
