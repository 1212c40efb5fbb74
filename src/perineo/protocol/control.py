"""Control and status characteristics: commands written by the host, state read back.

Control (write with response): one opcode byte, then its argument byte if it has one.
Status (read + notify), 8 bytes little-endian::

    0    status version (1)
    1    fault flags (Fault)
    2    saturation flags, one bit per channel as in the stream channel mask
    3    state flags (State)
    4    sample rate, Hz
    5    channel mask of the channels the probe streams
    6-7  probe temperature, int16, 0.01 degC (-32768 unknown)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum, IntFlag
from typing import Final

from perineo.errors import ProtocolError
from perineo.protocol.packet import (
    MISSING,
    SAMPLE_RATES_HZ,
    SCALE,
    as_bytes,
    channel_mask,
    channels_from_mask,
    to_counts,
)
from perineo.samples import Channel


class Opcode(IntEnum):
    TARE = 0x01  # zero both pressure channels and the tilt at the current reading
    SET_RATE = 0x02  # argument: sample rate in Hz (one of SAMPLE_RATES_HZ)
    START = 0x03  # start streaming
    STOP = 0x04  # stop streaming
    IDENTIFY = 0x05  # argument: seconds to blink the LED (1..60)
    SET_CHANNELS = 0x06  # argument: channel mask (squeeze required)


_WITH_ARG: Final = frozenset({Opcode.SET_RATE, Opcode.IDENTIFY, Opcode.SET_CHANNELS})
IDENTIFY_MAX_S: Final = 60


@dataclass(frozen=True)
class Command:
    """A control command; ``arg`` is present exactly for opcodes that take one."""

    op: Opcode
    arg: int | None = None


def _check_arg(op: Opcode, arg: int | None) -> None:
    if op not in _WITH_ARG:
        if arg is not None:
            raise ProtocolError(f"command {op.name} takes no argument")
        return
    if arg is None:
        raise ProtocolError(f"command {op.name} needs an argument")
    if op is Opcode.SET_RATE and arg not in SAMPLE_RATES_HZ:
        raise ProtocolError(f"SET_RATE {arg} Hz: expected one of {SAMPLE_RATES_HZ}")
    if op is Opcode.IDENTIFY and not 1 <= arg <= IDENTIFY_MAX_S:
        raise ProtocolError(f"IDENTIFY {arg} s: expected 1..{IDENTIFY_MAX_S}")
    if op is Opcode.SET_CHANNELS:
        channels_from_mask(arg)


def encode_command(command: Command) -> bytes:
    _check_arg(command.op, command.arg)
    if command.arg is None:
        return bytes((command.op,))
    return bytes((command.op, command.arg))


def decode_command(data: bytes | bytearray | memoryview) -> Command:
    """Decode a control write; raises ProtocolError (only) if malformed."""
    data = as_bytes(data)
    if not data:
        raise ProtocolError("empty command: expected an opcode byte")
    try:
        op = Opcode(data[0])
    except ValueError:
        raise ProtocolError(f"unknown opcode {data[0]:#04x}") from None
    expected = 2 if op in _WITH_ARG else 1
    if len(data) != expected:
        raise ProtocolError(f"command {op.name} of {len(data)} bytes: expected {expected}")
    arg = data[1] if expected == 2 else None
    _check_arg(op, arg)
    return Command(op, arg)


class Fault(IntFlag):
    NONE = 0
    SQUEEZE_SENSOR = 0x01
    ABDOMINAL_SENSOR = 0x02
    IMU = 0x04
    BATTERY_LOW = 0x08
    TARE_UNSTABLE = 0x10  # the reading moved during tare; zero not changed


class State(IntFlag):
    IDLE = 0
    STREAMING = 0x01
    TARED = 0x02
    IDENTIFYING = 0x04


STATUS_VERSION: Final = 1
STATUS = struct.Struct("<BBBBBBh")


@dataclass(frozen=True)
class ProbeStatus:
    faults: Fault
    saturated: tuple[Channel, ...]
    state: State
    sample_rate_hz: int
    channels: tuple[Channel, ...]
    temperature_c: float | None


def encode_status(status: ProbeStatus) -> bytes:
    temp = MISSING if status.temperature_c is None else to_counts(status.temperature_c)
    return STATUS.pack(
        STATUS_VERSION,
        int(status.faults),
        channel_mask(status.saturated),
        int(status.state),
        status.sample_rate_hz,
        channel_mask(status.channels),
        temp,
    )


def decode_status(data: bytes | bytearray | memoryview) -> ProbeStatus:
    """Decode the status characteristic; raises ProtocolError (only) if malformed."""
    data = as_bytes(data)
    if len(data) != STATUS.size:
        raise ProtocolError(f"status of {len(data)} bytes: expected {STATUS.size}")
    version, faults, saturated, state, rate, mask, temp = STATUS.unpack(data)
    if version != STATUS_VERSION:
        raise ProtocolError(f"status version {version}: expected {STATUS_VERSION}")
    if faults & ~0x1F or state & ~0x07 or saturated & ~mask:
        raise ProtocolError("status has reserved or inconsistent flag bits set")
    if rate not in SAMPLE_RATES_HZ:
        raise ProtocolError(f"status sample rate {rate} Hz: expected one of {SAMPLE_RATES_HZ}")
    channels = channels_from_mask(mask)
    sat = tuple(ch for ch in channels if channel_mask((ch,)) & saturated)
    return ProbeStatus(
        Fault(faults),
        sat,
        State(state),
        rate,
        channels,
        None if temp == MISSING else temp * SCALE,
    )
