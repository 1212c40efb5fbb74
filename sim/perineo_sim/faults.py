"""Fault injection at perineo's public seams, for the reliability proofs (docs/reliability.md).

Three seams, each the one a real fault passes through:

* :class:`FaultyLink` sits on the bytes of the stream characteristic: it drops, duplicates,
  reorders and corrupts notifications and jumps the probe's clock, as a noisy radio or a
  confused probe would. :func:`faulty_backend` puts it into a bleak back end (bleak's
  ``backend=`` seam), so the real :class:`~perineo.sources.ble.BleSource` reads through it.
* :func:`probe_packets` + :func:`run_link` play a scenario through the link and the
  source's own :class:`~perineo.sources.ble_assembler.PacketAssembler` in simulated time
  (no radio, no waiting) and account for every sample: delivered, lost inside a marked gap,
  lost outside one, duplicated.
* :class:`FaultySource` wraps any SampleSource and cuts outages into it (a drop that the
  source reports, as BleSource does).

Every fault draws from an explicit ``numpy.random.Generator``.
"""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from perineo.json_fields import number
from perineo.protocol import STREAM_CHAR_UUID, StreamPacket, encode_packet, to_counts
from perineo.protocol.packet import SEQUENCE_MODULUS, TIMESTAMP_MODULUS
from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.ble_assembler import PacketAssembler

_TS: Final = struct.Struct("<I")
_TS_OFFSET: Final = 4  # byte offset of the device timestamp in a stream packet
_HEADER: Final = 9


@dataclass(frozen=True)
class LinkFaults:
    """What goes wrong on the link, per notification (probabilities 0..1).

    ``clock_jumps``: (stream second, µs) — from that second on, the probe's clock reads that
    much more (negative: it jumped back, as after a reboot). ``outages``: (start s, length s)
    — nothing gets through (out of range, probe off); the link then restarts.
    """

    loss: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    corrupt: float = 0.0
    corrupt_header: bool = False  # corrupt header bytes too (sequence, time), not only values
    clock_jumps: tuple[tuple[float, int], ...] = ()
    outages: tuple[tuple[float, float], ...] = ()

    def __post_init__(self) -> None:
        for name in ("loss", "duplicate", "reorder", "corrupt"):
            p = getattr(self, name)
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"{name} must be a probability in 0..1, got {p!r}")

    def in_outage(self, t: float) -> bool:
        return any(start <= t < start + length for start, length in self.outages)


@dataclass
class LinkTally:
    """What the link did."""

    offered: int = 0
    dropped: int = 0
    duplicated: int = 0
    reordered: int = 0
    corrupted: int = 0
    clock_jumped: int = 0
    in_outage: int = 0


class FaultyLink:
    """Applies :class:`LinkFaults` to notifications: ``send(data, t)`` → what arrives now."""

    def __init__(self, faults: LinkFaults, rng: np.random.Generator) -> None:
        self.faults = faults
        self.rng = rng
        self.tally = LinkTally()
        self._held: bytes | None = None

    @property
    def holding(self) -> bool:
        """A packet is held back, to arrive after the next one."""
        return self._held is not None

    def clock_shift_us(self, t: float) -> int:
        return sum(jump for at, jump in self.faults.clock_jumps if t >= at)

    def send(self, data: bytes, t: float) -> list[bytes]:
        """Notifications delivered when the probe sends ``data`` at stream time ``t``."""
        f, rng = self.faults, self.rng
        self.tally.offered += 1
        if f.in_outage(t):
            self.tally.in_outage += 1
            self._held = None
            return []
        shift = self.clock_shift_us(t)
        if shift:
            self.tally.clock_jumped += 1
            data = _shift_timestamp(data, shift)
        if f.corrupt and rng.random() < f.corrupt:
            self.tally.corrupted += 1
            data = _corrupt(data, rng, f.corrupt_header)
        if f.loss and rng.random() < f.loss:
            self.tally.dropped += 1
            return []
        out = [data]
        if f.duplicate and rng.random() < f.duplicate:
            self.tally.duplicated += 1
            out.append(data)
        if self._held is not None:  # the held-back packet arrives after its successor
            out.append(self._held)
            self._held = None
        elif f.reorder and rng.random() < f.reorder:
            self.tally.reordered += 1
            self._held = out.pop(0)
        return out


def _shift_timestamp(data: bytes, shift_us: int) -> bytes:
    if len(data) < _HEADER:
        return data
    (ts,) = _TS.unpack_from(data, _TS_OFFSET)
    new = bytearray(data)
    _TS.pack_into(new, _TS_OFFSET, (ts + shift_us) % TIMESTAMP_MODULUS)
    return bytes(new)


def _corrupt(data: bytes, rng: np.random.Generator, header: bool) -> bytes:
    new = bytearray(data)
    lo = 0 if header or len(new) <= _HEADER else _HEADER
    for _ in range(int(rng.integers(1, 4))):
        i = int(rng.integers(lo, len(new)))
        new[i] ^= 1 << int(rng.integers(8))
    return bytes(new)


# -- the bleak back-end seam ---------------------------------------------------------------


def faulty_backend(backend: type[Any], link: FaultyLink) -> type[Any]:
    """A bleak client back end like ``backend`` whose stream notifications pass ``link``.

    The link's clock is the notification's arrival, counted from the first notification.
    A packet held back (reordered) reaches the host through the callback of the connection
    that carried it, even when that connection has dropped and a new one is streaming by
    the time it is handed over: a connection carries only its own packets (the probe
    restarts its stream on each START), but the host may deliver a queued one late.
    """
    import time

    origin: list[float] = []
    held_by: list[Callable[[bytearray], None]] = []  # the connection of the held packet

    async def start_notify(
        self: Any, characteristic: Any, callback: Callable[[bytearray], None], **kw: Any
    ) -> None:
        if str(characteristic.uuid).lower() != STREAM_CHAR_UUID.lower():
            await backend.start_notify(self, characteristic, callback, **kw)
            return

        def through_link(data: bytearray) -> None:
            now = time.monotonic()
            if not origin:
                origin.append(now)
            releasing = link.holding
            out = link.send(bytes(data), now - origin[0])
            for k, packet in enumerate(out):
                # send() puts the released packet last
                late = releasing and not link.holding and k == len(out) - 1
                (held_by[0] if late else callback)(bytearray(packet))
            if link.holding:
                held_by[:] = [callback]

        await backend.start_notify(self, characteristic, through_link, **kw)

    return type(f"Faulty{backend.__name__}", (backend,), {"start_notify": start_notify})


# -- simulated-time runs through the assembler ----------------------------------------------


@dataclass(frozen=True)
class SentPacket:
    """A packet as the probe sent it: ``index`` counts packets over the whole session."""

    index: int
    first_frame: int
    n_frames: int
    sent_s: float  # stream time at which its last frame was sampled
    link: int  # connection number: the sequence restarts on each new link
    data: bytes


def probe_packets(
    block: SampleBlock,
    rate_hz: int,
    frames_per_packet: int = 4,
    *,
    outages: Sequence[tuple[float, float]] = (),
    reboot_on_outage: bool = False,
    clock_offset_us: int = 0,
) -> list[SentPacket]:
    """Packets a probe streaming ``block`` (resampled to ``rate_hz``) would send.

    Pass the same ``outages`` to :class:`LinkFaults`, which drops what is sent during them;
    after one the probe starts a new link (sequence from 0) and, with ``reboot_on_outage``,
    its clock from 0 (switched off and on).
    """
    t0, t1 = float(block.t[0]), float(block.t[-1])
    n = int((t1 - t0) * rate_hz)
    grid = t0 + np.arange(n) / rate_hz
    values = {ch: np.interp(grid, block.t, v) for ch, v in block.data.items()}
    channels = block.channels
    counts = np.array(
        [[to_counts(float(values[ch][i])) for ch in channels] for i in range(n)], dtype=np.int64
    )

    def off(t: float) -> bool:
        return any(s <= t < s + d for s, d in outages)

    out: list[SentPacket] = []
    link, seq, was_off, clock_base = 0, 0, False, 0.0
    for first in range(0, n - frames_per_packet + 1, frames_per_packet):
        last_t = float(grid[first + frames_per_packet - 1])
        if off(last_t):  # sampled, never delivered (the link drops it in run_link)
            was_off = True
        elif was_off:
            link, seq, was_off = link + 1, 0, False
            if reboot_on_outage:
                clock_base = float(grid[first]) - t0
        device_us = clock_offset_us + round((float(grid[first]) - t0 - clock_base) * 1e6)
        packet = StreamPacket(
            seq,
            device_us % TIMESTAMP_MODULUS,
            rate_hz,
            channels,
            tuple(tuple(int(c) for c in row) for row in counts[first : first + frames_per_packet]),
        )
        data = encode_packet(packet)
        out.append(SentPacket(len(out), first, frames_per_packet, last_t, link, data))
        seq = (seq + 1) % SEQUENCE_MODULUS
    return out


@dataclass
class LinkRun:
    """What came out of the assembler, and the accounting of every sample."""

    channels: tuple[Channel, ...]
    items: list[SampleBlock | SourceStatus] = field(default_factory=list)
    frames_sent: int = 0
    frames_out: int = 0
    frames_lost_in_gaps: int = 0
    frames_lost_unmarked: int = 0
    frames_lost_at_end: int = 0  # the last packets lost: nothing came after to mark them
    frames_duplicated: int = 0
    frames_wrong_value: int = 0  # output samples whose value differs from what was sent
    frames_unknown: int = 0  # output samples of packets whose header was corrupted
    gaps: int = 0
    gaps_without_loss: int = 0  # gaps marked where nothing was lost (clock jumps)
    reconnects: int = 0
    recover_s: list[float] = field(default_factory=list)  # outage end → next sample out
    link: LinkTally = field(default_factory=LinkTally)
    malformed: int = 0

    @property
    def blocks(self) -> list[SampleBlock]:
        return [b for b in self.items if isinstance(b, SampleBlock)]


def run_link(
    packets: Sequence[SentPacket],
    faults: LinkFaults,
    rng: np.random.Generator,
    *,
    channels: tuple[Channel, ...],
    latency_s: float = 0.015,
    jitter_s: float = 0.010,
) -> LinkRun:
    """Send ``packets`` through a :class:`FaultyLink` into a PacketAssembler.

    The assembler is the one BleSource uses; ``new_link()`` is called when the probe starts
    a new connection, as BleSource does after reconnecting.
    """
    link = FaultyLink(faults, rng)
    asm = PacketAssembler(channels, 0.0)
    run = LinkRun(channels, link=link.tally)
    sent_counts = {p.index: _counts(p.data) for p in packets}
    accepted: list[SentPacket] = []  # in the order their blocks came out
    gap_before: list[bool] = []
    current_link = 0
    outage_ended: float | None = None
    for p in packets:
        run.frames_sent += p.n_frames
        if p.link != current_link:
            current_link = p.link
            asm.new_link()
            run.reconnects += 1
            outage_ended = p.sent_s - p.n_frames / _rate(p.data)
        arrival = p.sent_s + latency_s + float(rng.exponential(jitter_s))
        for data in link.send(p.data, p.sent_s):
            origin = _origin(data, p, packets)
            items = asm.feed(data, arrival)
            gap = False
            for item in items:
                run.items.append(item)
                if isinstance(item, SourceStatus):
                    gap = gap or item.kind is StatusKind.GAP
                    continue
                run.frames_out += len(item)
                if origin is None:  # its header was corrupted yet it decoded
                    run.frames_unknown += len(item)
                    continue
                accepted.append(origin)
                gap_before.append(gap)
                got = np.column_stack([np.round(item.data[c] * 100) for c in channels])
                want = sent_counts[origin.index]
                run.frames_wrong_value += int((np.abs(got - want) > 0.5).any(axis=1).sum())
                if outage_ended is not None:
                    run.recover_s.append(arrival - outage_ended)
                    outage_ended = None
    run.gaps = sum(1 for i in run.items if isinstance(i, SourceStatus) and i.kind is StatusKind.GAP)
    run.malformed = asm.counters.malformed
    _account(run, packets, accepted, gap_before, faults)
    return run


def _rate(data: bytes) -> int:
    return data[8] if len(data) > 8 and data[8] else 100


def _counts(data: bytes) -> np.ndarray:
    n, k = data[1], bin(data[0] & 0x0F).count("1")
    return np.array(struct.unpack_from(f"<{n * k}h", data, _HEADER), dtype=np.float64).reshape(n, k)


def _origin(data: bytes, sending: SentPacket, packets: Sequence[SentPacket]) -> SentPacket | None:
    """The packet a delivered notification came from, by its header's first four bytes
    (version, mask, frames, sequence) among the last few sent; None if those were corrupted."""
    for q in packets[max(0, sending.index - 3) : sending.index + 1][::-1]:
        if data[:4] == q.data[:4] and q.link == sending.link:
            return q
    return None


def _account(
    run: LinkRun,
    packets: Sequence[SentPacket],
    accepted: list[SentPacket],
    gap_before: list[bool],
    faults: LinkFaults,
) -> None:
    """Every frame sent: out once, or lost with a GAP marked where it should have been."""
    seen: set[int] = set()
    for p in accepted:
        if p.index in seen:
            run.frames_duplicated += p.n_frames
        seen.add(p.index)
    for k, p in enumerate(accepted):
        prev = accepted[k - 1] if k else None
        missing = p.index - prev.index - 1 if prev is not None else p.index
        new_link = prev is not None and p.link != prev.link
        if missing > 0 or new_link:
            lost = sum(q.n_frames for q in packets[(prev.index + 1 if prev else 0) : p.index])
            if gap_before[k] or prev is None:
                run.frames_lost_in_gaps += lost
            else:
                run.frames_lost_unmarked += lost
        elif gap_before[k]:
            run.gaps_without_loss += 1
    last = accepted[-1].index if accepted else -1
    for q in packets[last + 1 :]:
        if faults.in_outage(q.sent_s):
            run.frames_lost_in_gaps += q.n_frames
        elif q.index >= len(packets) - 3:
            run.frames_lost_at_end += q.n_frames
        else:
            run.frames_lost_unmarked += q.n_frames


# -- the SampleSource seam ----------------------------------------------------------------


class FaultySource:
    """Wraps a SampleSource; during each outage (start s, length s) its samples are cut and
    reported as BleSource reports a drop: DISCONNECTED, then CONNECTED and the GAP."""

    def __init__(self, inner: Any, outages: Sequence[tuple[float, float]]) -> None:
        self.inner = inner
        self.outages = tuple(sorted(outages))

    @property
    def channels(self) -> tuple[Channel, ...]:
        return tuple(self.inner.channels)

    @property
    def name(self) -> str:
        return f"faulty:{self.inner.name}"

    async def stream(self) -> AsyncIterator[SampleBlock | SourceStatus]:
        last_t: float | None = None
        down = False
        async for item in self.inner.stream():
            if not isinstance(item, SampleBlock):
                yield item
                continue
            keep = np.ones(len(item), dtype=bool)
            for s, d in self.outages:
                keep &= ~((item.t >= s) & (item.t < s + d))
            edges = np.flatnonzero(np.diff(keep.astype(np.int8))) + 1
            for a, b in zip([0, *edges.tolist()], [*edges.tolist(), len(item)], strict=True):
                if a == b:
                    continue
                first = float(item.t[a])
                if not keep[a]:
                    if not down:
                        down = True
                        yield SourceStatus(StatusKind.DISCONNECTED, first, detail="link lost")
                    continue
                if down:
                    down = False
                    yield SourceStatus(StatusKind.CONNECTED, first, detail="reconnected")
                    start = first if last_t is None else last_t
                    yield SourceStatus(StatusKind.GAP, start, detail="outage", end_s=first)
                last_t = float(item.t[b - 1])
                yield item.slice(a, b)

    async def close(self) -> None:
        await self.inner.close()


# -- what the detector makes of it ----------------------------------------------------------


@dataclass
class Detected:
    """The detector's output over a faulty run, compared with the simulator's truth."""

    reps: list[dict[str, object]]
    true_positive: int
    phantom: int  # detected repetitions matching no true one (onset within 1 s)
    missed: int
    outside: int  # detected repetitions whose onset lies in no true repetition at all
    phantom_releases: int  # RELEASE events with no true release within 1 s
    gap_events: int


def detect_items(
    items: Sequence[SampleBlock | SourceStatus],
    channels: tuple[Channel, ...],
    truth_reps: Sequence[dict[str, object]],
) -> Detected:
    """Feed blocks and GAPs to the live detector as the app does; score against truth."""
    from perineo.signal.detect import Detector
    from perineo.signal.events import EventKind
    from perineo_sim.compare import score

    det = Detector(channels)
    events = []
    for item in items:
        if isinstance(item, SampleBlock):
            events += det.push(item)
        elif item.kind is StatusKind.GAP and item.end_s is not None:
            events += det.mark_gap(item.t, item.end_s)
    events += det.finish()
    reps = [
        e.repetition.to_json()
        for e in events
        if e.kind is EventKind.REPETITION and e.repetition is not None
    ]
    tally = score(truth_reps, reps)
    releases = [number(r, "release_s") for r in truth_reps]
    phantom_releases = sum(
        1
        for e in events
        if e.kind is EventKind.RELEASE and not any(abs(e.t - r) <= 1.0 for r in releases)
    )
    gap_events = sum(1 for e in events if e.kind is EventKind.GAP)
    spans = [(number(r, "onset_s") - 1.0, number(r, "end_s")) for r in truth_reps]
    outside = sum(1 for r in reps if not any(a <= number(r, "onset_s") <= b for a, b in spans))
    return Detected(reps, tally.tp, tally.fp, tally.fn, outside, phantom_releases, gap_events)
