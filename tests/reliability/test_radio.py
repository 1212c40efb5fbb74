"""Radio faults in simulated time: a scenario streamed as the probe's packets through a faulty
link into BleSource's own assembler, then the live detector; every sample accounted for."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from perineo.samples import SourceStatus, StatusKind
from perineo_sim import SimResult, load_scenario, simulate
from perineo_sim.faults import (
    Detected,
    LinkFaults,
    LinkRun,
    SentPacket,
    detect_items,
    probe_packets,
    run_link,
)

RATE = 100


@cache
def session() -> SimResult:
    return simulate(load_scenario("intensive"), 1)  # 139 s, 8 repetitions, 3 channels


@cache
def packets(outages: tuple[tuple[float, float], ...] = (), reboot: bool = False) -> list:
    return probe_packets(session().block, RATE, 4, outages=outages, reboot_on_outage=reboot)


@cache
def through(faults: LinkFaults, seed: int = 0, reboot: bool = False) -> tuple[LinkRun, Detected]:
    sent: list[SentPacket] = packets(faults.outages, reboot)
    channels = session().block.channels
    run = run_link(sent, faults, np.random.default_rng(seed), channels=channels)
    truth = [r.to_json() for r in session().truth.reps]
    return run, detect_items(run.items, channels, truth)


def assert_every_sample_accounted(run: LinkRun) -> None:
    assert run.frames_lost_unmarked == 0
    assert run.frames_duplicated == 0
    lost = run.frames_lost_in_gaps + run.frames_lost_at_end
    assert run.frames_out + lost == run.frames_sent
    t = np.concatenate([b.t for b in run.blocks])
    assert np.all(np.diff(t) > 0)


@pytest.mark.slow
def test_clean_link_delivers_every_sample_and_every_repetition() -> None:
    run, det = through(LinkFaults())
    assert run.frames_out == run.frames_sent and run.gaps == 0
    assert run.frames_wrong_value == 0
    assert (det.true_positive, det.phantom, det.missed) == (8, 0, 0)


@pytest.mark.slow
@pytest.mark.parametrize("loss", [0.05, 0.3])
def test_packet_loss_is_marked_and_counting_goes_on(loss: float) -> None:
    run, det = through(LinkFaults(loss=loss))
    assert_every_sample_accounted(run)
    assert run.frames_wrong_value == 0
    assert run.gaps > 0 and det.gap_events >= run.gaps
    assert det.true_positive >= 7  # of 8: counting goes on through the holes


@pytest.mark.slow
@pytest.mark.parametrize("loss", [0.05, 0.3])
def test_packet_loss_makes_no_phantom_repetition(loss: float) -> None:
    """A gap in a repetition's fall ends it there; the rest of the fall is no new onset."""
    _run, det = through(LinkFaults(loss=loss))
    assert det.phantom == 0 and det.outside == 0 and det.phantom_releases == 0
    assert det.true_positive == 8 and len(det.reps) == 8


@pytest.mark.slow
def test_duplicates_are_dropped_without_a_trace() -> None:
    run, det = through(LinkFaults(duplicate=0.2))
    assert run.link.duplicated > 400
    assert run.frames_out == run.frames_sent and run.gaps == 0
    assert (det.true_positive, det.phantom) == (8, 0)


@pytest.mark.slow
def test_reordered_packets_lose_only_inside_marked_gaps() -> None:
    run, det = through(LinkFaults(reorder=0.05))
    assert run.link.reordered > 100
    assert_every_sample_accounted(run)
    assert run.frames_lost_in_gaps == 4 * run.link.reordered  # the late one is dropped
    assert det.true_positive >= 7


@pytest.mark.slow
@pytest.mark.parametrize(
    "jumps",
    [((40.0, 5_000_000),), ((40.0, -3_000_000),), ((40.0, 2**31), (90.0, 2**31))],
    ids=["forward-5s", "back-3s", "wrap-twice"],
)
def test_device_clock_jumps_lose_nothing_and_count_right(jumps: tuple) -> None:
    run, det = through(LinkFaults(clock_jumps=jumps))
    assert run.frames_out == run.frames_sent and run.frames_wrong_value == 0
    assert (det.true_positive, det.phantom, det.missed) == (8, 0, 0)
    t = np.concatenate([b.t for b in run.blocks])
    assert np.all(np.diff(t) > 0)


@pytest.mark.slow
@pytest.mark.parametrize("reboot", [False, True], ids=["out-of-range", "probe-off-on"])
def test_outages_reconnect_mark_the_gap_and_counting_goes_on(reboot: bool) -> None:
    outages = ((30.0, 3.0), (70.0, 30.0))  # a drop mid-set (rep 1 holds), a long silence
    run, det = through(LinkFaults(outages=outages), reboot=reboot)
    assert_every_sample_accounted(run)
    gaps = [i for i in run.items if isinstance(i, SourceStatus) and i.kind is StatusKind.GAP]
    assert len(gaps) == 2
    for gap, (start, length) in zip(gaps, outages, strict=True):
        assert gap.end_s is not None
        assert abs(gap.t - start) < 0.1 and abs(gap.end_s - (start + length)) < 0.1
    assert run.reconnects == 2 and max(run.recover_s) < 0.2
    onsets = [float(r["onset_s"]) for r in det.reps]  # type: ignore[arg-type]
    assert sum(1 for t in onsets if t > 100.0) == 2  # both repetitions after the silence
    assert det.true_positive == 6  # two fall wholly inside the 30-s silence


@pytest.mark.slow
def test_corrupted_values_never_crash_and_are_counted() -> None:
    run, _det = through(LinkFaults(corrupt=0.02))
    assert run.link.corrupted > 50
    assert run.frames_lost_unmarked == 0 and run.frames_out == run.frames_sent
    assert run.frames_wrong_value > 0  # no checksum in the packet: BLE's link CRC is the guard


@pytest.mark.slow
def test_corrupted_headers_lose_nothing_unmarked() -> None:
    """A corrupted sequence number no longer stalls the stream: the assembler resyncs after
    three packets that count up on their own, and marks the gap."""
    run, det = through(LinkFaults(corrupt=0.02, corrupt_header=True))
    assert run.link.corrupted > 50
    assert run.frames_lost_unmarked == 0 and run.frames_duplicated == 0
    assert run.frames_out > 0.95 * run.frames_sent
    assert det.true_positive == 8


def test_a_jumped_sequence_resyncs_but_replayed_packets_stay_stale() -> None:
    from perineo.protocol import StreamPacket, encode_packet
    from perineo.samples import CHANNEL_ORDER
    from perineo.sources.ble_assembler import PacketAssembler

    def pkt(seq: int, i: int) -> bytes:
        frames = tuple((j, 0, 0) for j in range(4 * i, 4 * i + 4))
        return encode_packet(StreamPacket(seq, i * 40_000, 100, CHANNEL_ORDER, frames))

    asm = PacketAssembler(CHANNEL_ORDER, 0.0)
    out = [asm.feed(pkt(i, i), 1.0 + i * 0.04) for i in range(5)]
    out.append(asm.feed(pkt(20_000, 5), 1.2))  # corrupted sequence: looks 19 995 ahead
    out += [asm.feed(pkt(i, i), 1.0 + i * 0.04) for i in range(6, 12)]
    assert asm.counters.resyncs == 1
    blocks = [x for items in out for x in items if not isinstance(x, SourceStatus)]
    assert len(blocks) == 6 + 4  # two packets dropped before the run was trusted
    gaps = [x for items in out for x in items if isinstance(x, SourceStatus)]
    assert all(g.kind is StatusKind.GAP for g in gaps) and len(gaps) == 2
    before = asm.counters.packets
    for i in range(3, 6):  # old packets replayed in order: stale, not a resync
        asm.feed(pkt(i, i), 2.0)
    assert asm.counters.packets == before and asm.counters.resyncs == 1


@pytest.mark.slow
@pytest.mark.parametrize(("loss", "word"), [(0.0, "good"), (0.3, "fair"), (0.6, "poor")])
def test_link_quality_is_reported_and_shown(loss: float, word: str) -> None:
    from perineo.display.texts import Lang
    from perineo.tui.widgets.status import quality_word

    sent = packets()[:1500]  # the first minute
    channels = session().block.channels
    run = run_link(sent, LinkFaults(loss=loss), np.random.default_rng(1), channels=channels)
    values = [
        i.value
        for i in run.items
        if isinstance(i, SourceStatus) and i.kind is StatusKind.QUALITY and i.value is not None
    ]
    assert len(values) >= 50  # every second
    median = float(np.median(values[5:]))
    assert abs(median - (1 - loss)) < 0.08
    assert quality_word(Lang.EN, median) == word  # what the status line says
