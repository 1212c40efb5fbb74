"""Packet assembly and clock mapping without a radio: gaps, duplicates, wrap, drift."""

from __future__ import annotations

import numpy as np
import pytest

from perineo.protocol import StreamPacket, encode_packet
from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.ble_assembler import PacketAssembler
from perineo.sources.ble_clock import ClockMapper, DeviceClock

CH3 = (Channel.SQUEEZE, Channel.ABDOMINAL, Channel.TILT)
RATE = 100


def _packet(seq: int, t_us: int, n: int = 4, value: int = 0) -> bytes:
    frames = tuple((value + i, -i, 5) for i in range(n))
    return encode_packet(StreamPacket(seq & 0xFFFF, t_us & 0xFFFFFFFF, RATE, CH3, frames))


def _blocks(items: list) -> list[SampleBlock]:
    return [i for i in items if isinstance(i, SampleBlock)]


def _gaps(items: list) -> list[SourceStatus]:
    return [i for i in items if isinstance(i, SourceStatus) and i.kind is StatusKind.GAP]


def test_consecutive_packets_make_increasing_blocks_without_gaps() -> None:
    asm = PacketAssembler(CH3, host_origin_s=100.0)
    items = []
    for k in range(50):
        items += asm.feed(_packet(k, 40_000 * k, value=k), arrival_s=100.05 + 0.04 * k)
    blocks = _blocks(items)
    assert len(blocks) == 50 and not _gaps(items)
    t = np.concatenate([b.t for b in blocks])
    assert np.all(np.diff(t) > 0)
    assert np.allclose(np.diff(t), 0.01, atol=1e-4)
    assert blocks[3].data[Channel.SQUEEZE][1] == pytest.approx(0.04)
    assert asm.counters.frames == 200 and asm.counters.lost_packets == 0


def test_lost_packets_become_one_gap_with_its_span() -> None:
    asm = PacketAssembler(CH3, 0.0)
    asm.feed(_packet(0, 0), 0.05)
    items = asm.feed(_packet(3, 120_000), 0.17)
    (gap,) = _gaps(items)
    assert gap.value == 2.0
    # host times carry the 20 ms transport of the first arrival: last sample at 0.05
    assert gap.t == pytest.approx(0.06, abs=1e-3)  # one period after the last sample
    assert gap.end_s == pytest.approx(0.14, abs=1e-3)  # the next sample received
    assert asm.counters.lost_packets == 2 and asm.counters.gaps == 1


def test_a_loss_meeting_an_early_arrival_is_never_a_negative_gap() -> None:
    asm = PacketAssembler(CH3, 0.0)
    asm.feed(_packet(0, 0), 0.05)
    # one packet lost, and the next one's samples overlap the last ones in time
    items = asm.feed(_packet(2, 20_000), 0.06)
    (gap,) = _gaps(items)
    assert gap.value == 1.0 and gap.end_s is not None
    assert gap.end_s >= gap.t


def test_duplicates_and_malformed_are_skipped_and_counted() -> None:
    asm = PacketAssembler(CH3, 0.0)
    asm.feed(_packet(0, 0), 0.05)
    asm.feed(_packet(1, 40_000), 0.09)
    assert asm.feed(_packet(1, 40_000), 0.10) == []
    assert asm.feed(b"\x17\x01garbage", 0.11) == []
    wrong = encode_packet(StreamPacket(2, 80_000, RATE, (Channel.SQUEEZE,), ((1,),)))
    assert asm.feed(wrong, 0.12) == []
    items = asm.feed(_packet(2, 80_000), 0.13)
    assert _blocks(items) and not _gaps(items)
    c = asm.counters
    assert (c.duplicates, c.malformed, c.wrong_channels) == (1, 1, 1)
    assert "expected" in c.last_error


def test_sequence_wrap_is_not_a_gap() -> None:
    asm = PacketAssembler(CH3, 0.0)
    items = asm.feed(_packet(0xFFFF, 0), 0.05) + asm.feed(_packet(0, 40_000), 0.09)
    assert len(_blocks(items)) == 2 and not _gaps(items)


def test_new_link_restarts_sequence_and_marks_the_time_gap() -> None:
    asm = PacketAssembler(CH3, 0.0)
    asm.feed(_packet(7, 0), 0.05)
    asm.new_link()
    items = asm.feed(_packet(0, 2_000_000), 2.05)  # 2 s later, sequence restarted
    (gap,) = _gaps(items)
    assert gap.value == 0.0 and gap.end_s - gap.t == pytest.approx(1.96, abs=0.01)


def test_device_clock_unwraps_32_bit_microseconds() -> None:
    clock = DeviceClock()
    assert clock.unwrap(0xFFFF_FF00) == pytest.approx((2**32 - 256) * 1e-6)
    assert clock.unwrap(0x0000_0100) == pytest.approx((2**32 + 256) * 1e-6)
    assert clock.reboots == 0
    clock.unwrap(0x0000_0010)  # backwards by less than half the wrap: a reboot
    assert clock.reboots == 1


def test_clock_mapper_follows_drift_through_late_arrivals() -> None:
    rng = np.random.default_rng(3)
    drift = 300e-6  # probe crystal 300 ppm slow relative to the host
    mapper = ClockMapper()
    errors = []
    for k in range(4000):  # 160 s of 40 ms packets
        device_s = 0.04 * k
        true_host = 50.0 + device_s * (1 + drift)
        arrival = true_host + 0.004 + rng.exponential(0.01)  # 4 ms minimum, then jitter
        mapper.observe(device_s, arrival)
        if k > 1000:
            errors.append(float(mapper.to_host(np.array([device_s]))[0]) - (true_host + 0.004))
    assert mapper.fit is not None and mapper.fit.drift == pytest.approx(drift, abs=30e-6)
    assert np.max(np.abs(errors)) < 0.003


def test_mapped_time_never_runs_backwards_under_jitter() -> None:
    rng = np.random.default_rng(5)
    asm = PacketAssembler(CH3, 0.0)
    t_all = []
    for k in range(500):
        arrival = 0.04 * k + 0.003 + rng.exponential(0.02)
        t_all += [b.t for b in _blocks(asm.feed(_packet(k, 40_000 * k), arrival))]
    t = np.concatenate(t_all)
    assert np.all(np.diff(t) > 0)
