"""Stream packets → sample blocks and gap events: sequence checks, time mapping, counters."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from perineo.errors import ProtocolError
from perineo.protocol import StreamPacket, decode_packet
from perineo.protocol.packet import SEQUENCE_MODULUS, TIMESTAMP_MODULUS
from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.ble_clock import ClockMapper, DeviceClock

GAP_TOLERANCE_PERIODS: Final = 1.5  # frames further apart than this are a gap in time
QUALITY_WINDOW_S: Final = 5.0  # link quality: packets over the last 5 s ...
QUALITY_EVERY_S: Final = 1.0  # ... reported every second
RESYNC_AFTER: Final = 3  # consecutive "stale" packets in sequence: the stream, resynced
_AHEAD: Final = SEQUENCE_MODULUS // 2
_HALF_TS: Final = TIMESTAMP_MODULUS // 2


@dataclass
class LinkCounters:
    """What the source has seen; ``malformed`` packets were skipped, never raised."""

    packets: int = 0
    frames: int = 0
    malformed: int = 0
    duplicates: int = 0
    lost_packets: int = 0
    gaps: int = 0
    wrong_channels: int = 0
    reconnects: int = 0
    resyncs: int = 0  # sequence counting restarted after a corrupted sequence number
    late: int = 0  # packets of a connection already gone, arriving after a reconnect: skipped
    last_error: str = ""
    extra: dict[str, float] = field(default_factory=dict)


class LinkQuality:
    """Share of packets that arrived usable over the last few seconds, reported every second
    as a QUALITY status whose ``value`` (0..1) the status line shows."""

    def __init__(
        self, window_s: float = QUALITY_WINDOW_S, every_s: float = QUALITY_EVERY_S
    ) -> None:
        self.window_s = window_s
        self.every_s = every_s
        self._seen: deque[tuple[float, int, int]] = deque()  # (arrival, usable, lost)
        self._next_s: float | None = None

    def add(self, arrival_s: float, usable: int, lost: int) -> None:
        self._seen.append((arrival_s, usable, lost))

    def update(self, arrival_s: float, origin_s: float) -> SourceStatus | None:
        if self._next_s is None:
            self._next_s = arrival_s + self.every_s
        if arrival_s < self._next_s:
            return None
        self._next_s = arrival_s + self.every_s
        while self._seen and self._seen[0][0] < arrival_s - self.window_s:
            self._seen.popleft()
        usable = sum(u for _, u, _ in self._seen)
        total = usable + sum(lost for _, _, lost in self._seen)
        if total == 0:
            return None
        return SourceStatus(
            StatusKind.QUALITY, arrival_s - origin_s, detail="link", value=usable / total
        )


class PacketAssembler:
    """Turns raw notification bytes into :class:`SampleBlock` and GAP items.

    ``t`` of a block is stream time: host seconds (from the clock mapper) minus
    ``host_origin_s``. ``new_link()`` after a reconnect: the probe restarts its sequence,
    the time since the last sample becomes a GAP.
    """

    def __init__(self, channels: tuple[Channel, ...], host_origin_s: float) -> None:
        self.channels = channels
        self.host_origin_s = host_origin_s
        self.counters = LinkCounters()
        self._device_clock = DeviceClock()
        self._mapper = ClockMapper()
        self._expected_seq: int | None = None
        self._stale_run: tuple[int, int] | None = None  # (last stale sequence, run length)
        self._last_raw_us: int | None = None  # device time of the last packet accepted
        self._last_t: float | None = None
        self._last_device_s: float | None = None
        self._period_s: float | None = None
        self._quality = LinkQuality()

    def new_link(self) -> None:
        self._expected_seq = None
        self._stale_run = None

    def feed(self, data: bytes, arrival_s: float) -> list[SampleBlock | SourceStatus]:
        """Decode one notification that arrived at host time ``arrival_s``."""
        items = self._feed(data, arrival_s)
        quality = self._quality.update(arrival_s, self.host_origin_s)
        return items if quality is None else [*items, quality]

    def _feed(self, data: bytes, arrival_s: float) -> list[SampleBlock | SourceStatus]:
        try:
            packet = decode_packet(data)
        except ProtocolError as exc:
            self.counters.malformed += 1
            self.counters.last_error = str(exc)
            self._quality.add(arrival_s, 0, 1)
            return []
        if packet.channels != self.channels:
            self.counters.wrong_channels += 1
            return []
        lost = self._check_sequence(packet)
        if lost is None:
            return []
        self.counters.packets += 1
        self.counters.frames += packet.n_frames
        self._quality.add(arrival_s, 1, lost)
        return self._to_items(packet, arrival_s, lost)

    def _check_sequence(self, packet: StreamPacket) -> int | None:
        """Packets lost before this one, or None for a duplicate/stale packet."""
        expected = self._expected_seq
        self._expected_seq = (packet.sequence + 1) % SEQUENCE_MODULUS
        if expected is None:
            return 0
        ahead = (packet.sequence - expected) % SEQUENCE_MODULUS
        if ahead >= _AHEAD:
            # stale, unless the "stale" packets keep counting up on their own: then the
            # expected number was wrong (a corrupted sequence jumped it far ahead)
            # (and that are newer than what was accepted: old packets replayed are not)
            run = self._stale_run
            follows = run is not None and packet.sequence == (run[0] + 1) % SEQUENCE_MODULUS
            newer = (
                self._last_raw_us is None
                or (packet.timestamp_us - self._last_raw_us) % TIMESTAMP_MODULUS < _HALF_TS
            )
            self._stale_run = (packet.sequence, run[1] + 1 if follows and run and newer else 1)
            if self._stale_run[1] < RESYNC_AFTER:
                self.counters.duplicates += 1
                self._expected_seq = expected
                return None
            self.counters.resyncs += 1
            ahead = RESYNC_AFTER - 1  # the packets of the run, dropped before it was trusted
        self._stale_run = None
        self.counters.lost_packets += ahead
        return ahead

    def _to_items(
        self, packet: StreamPacket, arrival_s: float, lost: int
    ) -> list[SampleBlock | SourceStatus]:
        reboots = self._device_clock.reboots
        self._last_raw_us = packet.timestamp_us
        first_device_s = self._device_clock.unwrap(packet.timestamp_us)
        if self._device_clock.reboots != reboots:
            self._mapper.reset()
        period = 1.0 / packet.sample_rate_hz
        device_s = first_device_s + np.arange(packet.n_frames, dtype=np.float64) * period
        self._mapper.observe(float(device_s[-1]), arrival_s)
        t = self._mapper.to_host(device_s) - self.host_origin_s
        if self._last_t is not None and t[0] <= self._last_t:
            # the mapping moved down by a little jitter: keep time strictly increasing
            t = t + (self._last_t - t[0]) + 1e-6
        items: list[SampleBlock | SourceStatus] = []
        if self._last_t is not None and self._last_device_s is not None:  # set together
            spacing = float(first_device_s - self._last_device_s)
            last_period = self._period_s or period
            # after a reboot the device axis was stitched end to end: only host time shows
            # how long the probe was away
            rebooted = self._device_clock.reboots != reboots
            if rebooted:
                spacing = float(t[0]) - self._last_t
            if lost or spacing > GAP_TOLERANCE_PERIODS * max(last_period, period):
                self.counters.gaps += 1
                # a loss that meets an early arrival: the gap is empty, never negative
                start = min(self._last_t + last_period, float(t[0]))
                items.append(
                    SourceStatus(
                        StatusKind.GAP,
                        start,
                        detail=f"{lost} packets lost" if lost else "samples missing",
                        end_s=float(t[0]),
                        value=float(lost),
                    )
                )
        self._last_t = float(t[-1])
        self._last_device_s = float(device_s[-1])
        self._period_s = period
        values = packet.values()
        items.append(SampleBlock(t, {ch: values[ch] for ch in self.channels}))
        return items
