"""The probe's clock recovered from arrival stamps (``perineo.signal.clock``), on hand-made
stamps: a steady probe, a BLE connection interval's sawtooth, a stall delivered in a burst,
a lost packet."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from perineo.samples import Channel, SampleBlock
from perineo.signal.analysis import analyze_block
from perineo.signal.clock import Retimer, retime

FS = 50.0
T = 1.0 / FS


def _arrivals(true_t: np.ndarray, packet: int = 4, interval_s: float = 0.03) -> np.ndarray:
    """Stamps as a host makes them: each packet's samples stamped back from its arrival at
    the next connection event after its last sample, one period apart."""
    out = np.empty_like(true_t)
    for a in range(0, len(true_t), packet):
        last = true_t[min(a + packet, len(true_t)) - 1]
        arrival = np.ceil(last / interval_s) * interval_s + 0.001
        n = min(packet, len(true_t) - a)
        out[a : a + n] = arrival - (n - 1 - np.arange(n)) * T
    return out


def _stall(stamps: np.ndarray, true_t: np.ndarray, start: float, end: float) -> np.ndarray:
    """Samples taken in [start, end) all arrive at ``end``: a burst, stamps kept increasing."""
    out = stamps.copy()
    held = np.flatnonzero((true_t >= start) & (true_t < end))
    out[held] = end + 0.001 + np.arange(len(held)) * 0.1 * T
    after = held[-1] + 1
    out[after:] = np.maximum(out[after:], out[held[-1]] + T)
    return out


def test_a_probe_clock_is_left_exactly_as_written() -> None:
    t = 12.345 + np.arange(3000) * T
    t = np.delete(t, np.r_[500:540, 2000:2001])  # gaps are gaps
    assert np.array_equal(retime(t, T), t)


def test_the_connection_interval_sawtooth_is_removed() -> None:
    true_t = np.arange(2000) * T
    stamps = _arrivals(true_t)
    assert np.ptp(stamps - true_t) > 0.02
    err = retime(stamps, T) - true_t
    assert np.ptp(err[:-250]) < 0.005  # one fixed delay left: the fastest packet's


def test_a_stall_burst_goes_back_where_it_was_measured() -> None:
    true_t = np.arange(3000) * T
    stamps = _stall(_arrivals(true_t), true_t, 20.0, 21.6)
    assert (stamps - true_t).max() > 1.5  # as stamped: a hole, then a burst
    err = retime(stamps, T) - true_t
    assert np.abs(err[:-250]).max() < 0.04
    assert np.all(np.diff(retime(stamps, T)) > 0)


def test_a_lost_packet_stays_a_gap() -> None:
    true_t = np.arange(2000) * T
    keep = np.ones(len(true_t), bool)
    keep[1000:1020] = False
    stamps = _arrivals(true_t)[keep]
    out = retime(stamps, T)
    assert np.abs(out - true_t[keep])[:-250].max() < 0.04
    assert out[1000] - out[999] > 20 * T


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(1, 2999), max_size=8), stall=st.floats(5.0, 50.0))
def test_in_blocks_as_on_the_whole(cuts: list[int], stall: float) -> None:
    true_t = np.arange(3000) * T
    stamps = _stall(_arrivals(true_t), true_t, stall, stall + 1.2)
    block = SampleBlock(stamps, {Channel.SQUEEZE: np.arange(3000.0)})
    clock = Retimer(T)
    parts = []
    for a, b in zip([0, *sorted(set(cuts))], [*sorted(set(cuts)), 3000], strict=True):
        parts.append(clock.push(block.slice(a, b)))
    end = clock.finish()
    assert end is not None
    got = SampleBlock.concat([*parts, end])
    assert np.array_equal(got.t, retime(stamps, T))
    assert np.array_equal(got.data[Channel.SQUEEZE], np.arange(3000.0))


def _contraction(true_t: np.ndarray, onset: float) -> np.ndarray:
    x = np.full(len(true_t), 20.0)
    rise = np.clip((true_t - onset) / 0.4, 0.0, 1.0)
    fall = np.clip((true_t - onset - 6.0) / 0.4, 0.0, 1.0)
    return x + 30.0 * (rise - fall)


def test_a_squeeze_begun_in_a_stall_is_timed_where_it_began() -> None:
    true_t = np.arange(40 * int(FS)) * T
    squeeze = _contraction(true_t, 20.4)
    stamps = _stall(_arrivals(true_t), true_t, 20.0, 21.5)
    an = analyze_block(SampleBlock(stamps, {Channel.SQUEEZE: squeeze}))
    assert len(an.reps) == 1
    assert abs(an.reps[0].onset_s - 20.4) < 0.15
