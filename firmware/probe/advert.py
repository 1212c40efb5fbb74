"""Advertising and scan-response payloads (docs/protocol.md, "Advertising")."""

import binascii
import struct

from probe import wire

AD_FLAGS = 0x01
AD_UUID128_COMPLETE = 0x07
AD_NAME_COMPLETE = 0x09
AD_SERVICE_DATA_UUID16 = 0x16
FLAGS_LE_GENERAL_NO_BREDR = 0x06
MAX_PAYLOAD = 31


def uuid128_le(uuid):
    """A textual 128-bit UUID as the 16 little-endian bytes used in advertising and ATT."""
    raw = binascii.unhexlify(uuid.replace("-", ""))
    return bytes(raw[15 - i] for i in range(16))


def _field(ad_type, value):
    return bytes((len(value) + 1, ad_type)) + value


def device_name(address):
    """``perineo-XXXX`` from the last two bytes of a 6-byte address (MSB first)."""
    return wire.NAME_PREFIX + "%02X%02X" % (address[-2], address[-1])


def advertising_data(battery_percent):
    """Flags, the probe service UUID and the battery percent (26 of 31 bytes)."""
    data = _field(AD_FLAGS, bytes((FLAGS_LE_GENERAL_NO_BREDR,)))
    data += _field(AD_UUID128_COMPLETE, uuid128_le(wire.PROBE_SERVICE_UUID))
    data += _field(
        AD_SERVICE_DATA_UUID16,
        struct.pack("<HB", wire.BATTERY_SERVICE_UUID16, max(0, min(100, battery_percent))),
    )
    if len(data) > MAX_PAYLOAD:
        raise ValueError("advertising data too long")
    return data


def scan_response(name):
    """The complete local name."""
    data = _field(AD_NAME_COMPLETE, name.encode())
    if len(data) > MAX_PAYLOAD:
        raise ValueError("scan response too long")
    return data
