"""The detector never raises on finite input: degenerate, long and structured signals.

``test_robust.py`` throws short random streams at it; these are the shapes a real session
can take for minutes: flat lines, saturation, a plateau that never comes down, minutes of
pause, a falling (leaking) baseline, square waves, steps, and one long session.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perineo.samples import Channel, SampleBlock
from perineo.signal.analysis import analyze_block
from perineo.signal.events import EventKind

SHAPES = ("flat", "saturated", "plateau", "pause", "leak", "square", "steps", "walk", "sine")


def _signal(shape: str, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(t)
    match shape:
        case "flat":
            x = np.full(n, float(rng.uniform(-10, 100)))
        case "saturated":  # a sensor pinned at its top for long stretches
            x = np.clip(20 + np.cumsum(rng.normal(0, 2, n)), 0.0, 60.0)
        case "plateau":  # rises once and stays up for minutes before it comes down
            on, off = sorted(rng.uniform(t[0], t[-1], 2))
            x = 20 + rng.uniform(3, 100) * ((t > on) & (t < off))
        case "pause":  # still for minutes, then contractions
            x = 20 + 40 * ((t % 60 > 50) & (t % 60 < 58)) * (t > 0.5 * t[-1])
        case "leak":  # a balloon slowly losing air: the resting level falls all session
            x = 40 - t * rng.uniform(0.001, 0.2) + 30 * ((t % 15) < 7)
        case "square":
            per = rng.uniform(0.1, 200)
            x = 20 + rng.uniform(1, 80) * ((t % per) < per * rng.uniform(0.05, 0.95))
        case "steps":
            x = 20 + np.cumsum((rng.random(n) < 0.003) * rng.normal(0, 10, n))
        case "walk":
            x = 20 + np.cumsum(rng.normal(0, rng.uniform(0.01, 1), n))
        case _:
            x = 20 + rng.uniform(1, 40) * np.sin(2 * np.pi * rng.uniform(0.003, 8) * t)
    return x + rng.normal(0, rng.uniform(0, 0.4), n)


def _block(shape: str, seconds: float, rate: float, chans, seed: int) -> SampleBlock:
    rng = np.random.default_rng(seed)
    t = float(rng.uniform(0, 1e5)) + np.arange(round(seconds * rate)) / rate
    sq = _signal(shape, t - t[0], rng)
    data = {Channel.SQUEEZE: sq}
    if Channel.ABDOMINAL in chans:
        share = rng.uniform(-1, 1)
        data[Channel.ABDOMINAL] = 10 + share * (sq - sq[0]) + rng.normal(0, 0.5, len(t))
    if Channel.TILT in chans:
        data[Channel.TILT] = np.cumsum(rng.normal(0, 0.02, len(t)))
    return SampleBlock(t, data)


def _check(block: SampleBlock, block_s: float) -> None:
    an = analyze_block(block, block_s=block_s)
    for rep in an.reps:
        assert np.isfinite(rep.onset_s) and rep.onset_s <= rep.onset_detected_s + 1e-9
        if rep.end_s is not None:
            assert rep.onset_s <= rep.end_s
    kinds = {e.kind for e in an.events}
    assert EventKind.REPETITION in kinds or not an.reps


@settings(max_examples=30, deadline=None)
@given(
    shape=st.sampled_from(SHAPES),
    seconds=st.floats(5.0, 240.0),
    rate=st.sampled_from([25.0, 50.0, 100.0, 200.0]),
    chans=st.sampled_from(
        [(Channel.SQUEEZE,), (Channel.SQUEEZE, Channel.ABDOMINAL), tuple(Channel)]
    ),
    seed=st.integers(0, 2**32 - 1),
    block_s=st.sampled_from([0.05, 1.0, 10.0]),
)
@pytest.mark.slow
def test_degenerate_signals_never_raise(shape, seconds, rate, chans, seed, block_s) -> None:
    _check(_block(shape, seconds, rate, chans, seed), block_s)


def test_a_plateau_of_minutes_then_a_release() -> None:
    """A rise held for eight minutes (beyond the detector's history) used to raise
    ``argmax of an empty sequence`` when its release came."""
    t = np.arange(0, 700, 1 / 50.0)
    x = 20 + 30 * ((t > 20) & (t < 520)) + np.random.default_rng(0).normal(0, 0.1, len(t))
    _check(SampleBlock(t, {Channel.SQUEEZE: x}), 10.0)


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["leak", "plateau", "pause"])
def test_a_36_minute_session_never_raises(shape: str) -> None:
    _check(_block(shape, 36 * 60, 50.0, tuple(Channel), seed=36), 10.0)
