"""The stream packet: bytes on the stream characteristic, byte for byte as in docs/protocol.md.

Little-endian throughout. Header (9 bytes)::

    0    version (high nibble) | channel mask (low nibble: bit0 squeeze, bit1 abdominal,
         bit2 tilt, bit3 reserved = 0)
    1    n, samples per channel (frames), >= 1
    2-3  sequence number, uint16, +1 per packet, wraps
    4-7  device time of the first frame, uint32 microseconds, wraps
    8    sample rate, Hz (one of SAMPLE_RATES_HZ)

then n frames, each one int16 per channel in mask order, in 0.01 units (cmH2O or degrees);
-32768 marks a missing sample (sensor fault), decoded as NaN.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Final

import numpy as np

from perineo.errors import ProtocolError
from perineo.protocol.gatt import MAX_ATTRIBUTE_BYTES
from perineo.samples import CHANNEL_ORDER, Channel, FloatArray

PROTOCOL_VERSION: Final = 1
HEADER = struct.Struct("<BBHIB")
HEADER_BYTES: Final = HEADER.size  # 9
SAMPLE_BYTES: Final = 2
SCALE: Final = 0.01  # one count is 0.01 cmH2O or 0.01 degree
COUNTS_PER_UNIT: Final = 100.0
MISSING: Final = -32768
COUNT_MAX: Final = 32767
SAMPLE_RATES_HZ: Final = (25, 50, 100, 200)
TIMESTAMP_MODULUS: Final = 1 << 32
SEQUENCE_MODULUS: Final = 1 << 16
CHANNEL_BITS: Final = {Channel.SQUEEZE: 0x01, Channel.ABDOMINAL: 0x02, Channel.TILT: 0x04}
_RESERVED_MASK_BITS: Final = 0x08
_MAX_FRAMES: Final = 255


def channel_mask(channels: tuple[Channel, ...]) -> int:
    """The mask byte's low nibble for ``channels``."""
    mask = 0
    for ch in channels:
        mask |= CHANNEL_BITS[ch]
    return mask


def channels_from_mask(mask: int) -> tuple[Channel, ...]:
    """Channels in canonical order; raises ProtocolError unless ``squeeze`` is set."""
    if mask & _RESERVED_MASK_BITS or not 0 < mask < 16:
        raise ProtocolError(f"channel mask {mask:#x} invalid: expected bits 0-2 only")
    if not mask & CHANNEL_BITS[Channel.SQUEEZE]:
        raise ProtocolError(f"channel mask {mask:#x} lacks squeeze (bit 0)")
    return tuple(ch for ch in CHANNEL_ORDER if mask & CHANNEL_BITS[ch])


def to_counts(value: float) -> int:
    """A physical value (cmH2O or degrees) as int16 counts: rounded half up, clamped.

    NaN becomes MISSING; values out of range clamp to ±32767 (the firmware flags saturation
    in the status characteristic).
    """
    if math.isnan(value):
        return MISSING
    # value * 100 (not value / SCALE): the firmware computes it the same way, bit for bit
    scaled = value * COUNTS_PER_UNIT + 0.5
    if scaled >= COUNT_MAX + 1:
        return COUNT_MAX
    if scaled < -COUNT_MAX:
        return -COUNT_MAX
    return math.floor(scaled)


@dataclass(frozen=True)
class StreamPacket:
    """One decoded stream packet; ``frames`` holds raw int16 counts in channel order."""

    sequence: int
    timestamp_us: int
    sample_rate_hz: int
    channels: tuple[Channel, ...]
    frames: tuple[tuple[int, ...], ...]
    version: int = PROTOCOL_VERSION

    @property
    def n_frames(self) -> int:
        return len(self.frames)

    def values(self) -> dict[Channel, FloatArray]:
        """Samples in physical units per channel; missing samples are NaN."""
        counts = np.asarray(self.frames, dtype=np.float64).reshape(len(self.frames), -1)
        counts[counts == MISSING] = np.nan
        return {ch: counts[:, i] * SCALE for i, ch in enumerate(self.channels)}

    def frame_offsets_us(self) -> FloatArray:
        """Each frame's time after ``timestamp_us``, in microseconds."""
        return np.arange(len(self.frames), dtype=np.float64) * (1e6 / self.sample_rate_hz)


def packet_bytes(n_channels: int, n_frames: int) -> int:
    """Length of a packet with this many channels and frames."""
    return HEADER_BYTES + n_channels * n_frames * SAMPLE_BYTES


def frames_that_fit(n_channels: int, payload_bytes: int) -> int:
    """How many frames fit in ``payload_bytes`` (at least 1 for any valid payload >= 15)."""
    room = (min(payload_bytes, MAX_ATTRIBUTE_BYTES) - HEADER_BYTES) // (n_channels * SAMPLE_BYTES)
    return max(0, min(room, _MAX_FRAMES))


def encode_packet(packet: StreamPacket) -> bytes:
    """The packet's bytes; raises ProtocolError if a field is out of range."""
    mask = channel_mask(packet.channels)
    channels_from_mask(mask)
    if packet.version != PROTOCOL_VERSION:
        raise ProtocolError(f"version {packet.version} unsupported: expected {PROTOCOL_VERSION}")
    if packet.sample_rate_hz not in SAMPLE_RATES_HZ:
        raise ProtocolError(
            f"sample rate {packet.sample_rate_hz} Hz: expected one of {SAMPLE_RATES_HZ}"
        )
    n = len(packet.frames)
    if not 1 <= n <= _MAX_FRAMES or packet_bytes(len(packet.channels), n) > MAX_ATTRIBUTE_BYTES:
        raise ProtocolError(f"{n} frames do not fit one packet")
    if not 0 <= packet.sequence < SEQUENCE_MODULUS:
        raise ProtocolError(f"sequence {packet.sequence} out of range 0..65535")
    if not 0 <= packet.timestamp_us < TIMESTAMP_MODULUS:
        raise ProtocolError(f"timestamp {packet.timestamp_us} us out of range 0..2**32-1")
    flat: list[int] = []
    for frame in packet.frames:
        if len(frame) != len(packet.channels):
            raise ProtocolError(f"frame has {len(frame)} values: expected {len(packet.channels)}")
        flat.extend(frame)
    if any(not MISSING <= v <= COUNT_MAX for v in flat):
        raise ProtocolError("sample counts must be int16")
    header = HEADER.pack(
        (PROTOCOL_VERSION << 4) | mask,
        n,
        packet.sequence,
        packet.timestamp_us,
        packet.sample_rate_hz,
    )
    return header + struct.pack(f"<{len(flat)}h", *flat)


def as_bytes(data: object) -> bytes:
    """``data`` as bytes if it is bytes-like; ProtocolError otherwise."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError(f"expected bytes, got {type(data).__name__}")
    return bytes(data)


def decode_packet(data: bytes | bytearray | memoryview) -> StreamPacket:
    """Decode one stream packet; raises ProtocolError (and nothing else) if it is malformed."""
    data = as_bytes(data)
    if len(data) < HEADER_BYTES:
        raise ProtocolError(f"packet of {len(data)} bytes: expected at least {HEADER_BYTES}")
    if len(data) > MAX_ATTRIBUTE_BYTES:
        raise ProtocolError(f"packet of {len(data)} bytes: expected at most {MAX_ATTRIBUTE_BYTES}")
    first, n, sequence, timestamp_us, rate = HEADER.unpack_from(data)
    version = first >> 4
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f"packet version {version}: expected {PROTOCOL_VERSION}")
    channels = channels_from_mask(first & 0x0F)
    if n == 0:
        raise ProtocolError("packet holds 0 frames: expected at least 1")
    if rate not in SAMPLE_RATES_HZ:
        raise ProtocolError(f"sample rate {rate} Hz: expected one of {SAMPLE_RATES_HZ}")
    expected = packet_bytes(len(channels), n)
    if len(data) != expected:
        raise ProtocolError(
            f"packet of {len(data)} bytes for {n} frames x {len(channels)} channels: "
            f"expected {expected}"
        )
    flat = struct.unpack_from(f"<{n * len(channels)}h", data, HEADER_BYTES)
    k = len(channels)
    frames = tuple(flat[i : i + k] for i in range(0, len(flat), k))
    return StreamPacket(sequence, timestamp_us, rate, channels, frames, version)
