"""The probe's side of the protocol (docs/protocol.md), byte-identical to perineo.protocol.

Encodes stream packets and status, decodes control commands. Written for MicroPython:
no dataclasses, no typing, only struct.
"""

import struct

PROBE_SERVICE_UUID = "52dc0001-6245-4a6f-8950-6f9d730c748f"
STREAM_CHAR_UUID = "52dc0002-6245-4a6f-8950-6f9d730c748f"
CONTROL_CHAR_UUID = "52dc0003-6245-4a6f-8950-6f9d730c748f"
STATUS_CHAR_UUID = "52dc0004-6245-4a6f-8950-6f9d730c748f"
BATTERY_SERVICE_UUID16 = 0x180F
BATTERY_LEVEL_UUID16 = 0x2A19
DEVICE_INFO_SERVICE_UUID16 = 0x180A
MANUFACTURER_NAME_UUID16 = 0x2A29
MODEL_NUMBER_UUID16 = 0x2A24
SERIAL_NUMBER_UUID16 = 0x2A25
HARDWARE_REVISION_UUID16 = 0x2A27
FIRMWARE_REVISION_UUID16 = 0x2A26
NAME_PREFIX = "perineo-"

PROTOCOL_VERSION = 1
STATUS_VERSION = 1
HEADER_FORMAT = "<BBHIB"
HEADER_BYTES = 9
STATUS_FORMAT = "<BBBBBBh"
SAMPLE_BYTES = 2
MISSING = -32768
COUNT_MAX = 32767
SAMPLE_RATES_HZ = (25, 50, 100, 200)
MAX_FRAMES = 255
MAX_ATTRIBUTE_BYTES = 512
ATT_HEADER_BYTES = 3
ATT_DEFAULT_MTU = 23

MASK_SQUEEZE = 0x01
MASK_ABDOMINAL = 0x02
MASK_TILT = 0x04
MASK_ALL = 0x07

OP_TARE = 0x01
OP_SET_RATE = 0x02
OP_START = 0x03
OP_STOP = 0x04
OP_IDENTIFY = 0x05
OP_SET_CHANNELS = 0x06
IDENTIFY_MAX_S = 60
_WITH_ARG = (OP_SET_RATE, OP_IDENTIFY, OP_SET_CHANNELS)
_NO_ARG = (OP_TARE, OP_START, OP_STOP)

FAULT_SQUEEZE = 0x01
FAULT_ABDOMINAL = 0x02
FAULT_IMU = 0x04
FAULT_BATTERY_LOW = 0x08
FAULT_TARE_UNSTABLE = 0x10

STATE_STREAMING = 0x01
STATE_TARED = 0x02
STATE_IDENTIFYING = 0x04


class CommandError(ValueError):
    """A control write the probe refuses (answered with an ATT error)."""


def to_counts(value):
    """Physical value (cmH2O, degrees) -> int16 counts of 0.01; None/NaN -> MISSING.

    Returns (counts, saturated).
    """
    if value is None or value != value:
        return MISSING, False
    scaled = value * 100.0 + 0.5
    if scaled >= COUNT_MAX + 1:
        return COUNT_MAX, True
    if scaled < -COUNT_MAX:
        return -COUNT_MAX, True
    counts = int(scaled // 1)
    return counts, False


def channel_count(mask):
    return (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1)


def valid_mask(mask):
    return 0 < mask <= MASK_ALL and mask & MASK_SQUEEZE


def max_payload(mtu):
    if mtu < ATT_DEFAULT_MTU:
        mtu = ATT_DEFAULT_MTU
    return min(mtu - ATT_HEADER_BYTES, MAX_ATTRIBUTE_BYTES)


def frames_that_fit(n_channels, payload_bytes):
    room = (min(payload_bytes, MAX_ATTRIBUTE_BYTES) - HEADER_BYTES) // (n_channels * SAMPLE_BYTES)
    return max(0, min(room, MAX_FRAMES))


def encode_packet(sequence, timestamp_us, rate_hz, mask, frames):
    """One stream packet. ``frames``: list of tuples of int16 counts in mask order."""
    n = len(frames)
    k = channel_count(mask)
    out = bytearray(HEADER_BYTES + n * k * SAMPLE_BYTES)
    struct.pack_into(
        HEADER_FORMAT,
        out,
        0,
        (PROTOCOL_VERSION << 4) | mask,
        n,
        sequence & 0xFFFF,
        timestamp_us & 0xFFFFFFFF,
        rate_hz,
    )
    offset = HEADER_BYTES
    for frame in frames:
        for value in frame:
            struct.pack_into("<h", out, offset, value)
            offset += SAMPLE_BYTES
    return bytes(out)


def decode_command(data):
    """(opcode, argument or None) from a control write; CommandError if malformed."""
    if not data:
        raise CommandError("empty command")
    op = data[0]
    if op in _NO_ARG:
        if len(data) != 1:
            raise CommandError("command takes no argument")
        return op, None
    if op not in _WITH_ARG:
        raise CommandError("unknown opcode")
    if len(data) != 2:
        raise CommandError("command needs one argument byte")
    arg = data[1]
    if op == OP_SET_RATE and arg not in SAMPLE_RATES_HZ:
        raise CommandError("unsupported sample rate")
    if op == OP_IDENTIFY and not 1 <= arg <= IDENTIFY_MAX_S:
        raise CommandError("identify seconds out of range")
    if op == OP_SET_CHANNELS and not valid_mask(arg):
        raise CommandError("channel mask must include squeeze")
    return op, arg


def encode_status(faults, saturated_mask, state, rate_hz, mask, temperature_c):
    temp, _ = to_counts(temperature_c)
    return struct.pack(
        STATUS_FORMAT,
        STATUS_VERSION,
        faults,
        saturated_mask & mask,
        state,
        rate_hz,
        mask,
        temp,
    )
