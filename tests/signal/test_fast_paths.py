"""The detector takes quiet stretches of rest, a rise, a hold and a fall at once
(``Detector._steps``):
the events, and the state it is left in after every block, are those of stepping every
grid sample, on hand-made holds with quick lifts (and the tremor and slow sags a follower
must not take for lifts) and on a simulated session."""

from __future__ import annotations

import numpy as np
import pytest

from perineo.samples import Channel, SampleBlock
from perineo.signal.detect import Detector
from perineo_sim import random_scenario, simulate

FS = 50.0


class EverySample(Detector):
    """The detector as it steps one grid sample at a time."""

    _quiet_holds = False


def _state(det: Detector) -> tuple[object, ...]:
    rep = det._rep
    held = None
    if rep is not None:
        held = (
            rep.peak,
            rep.peak_i,
            rep.run_below,
            rep.lift,
            rep.hold_ref,
            len(rep.lifts),
            rep.max_slope,
            rep.min_slope,
        )
    return (det.phase, det._run, det._lo, det.cond.frozen, held)


def _same(block: SampleBlock, step: int) -> int:
    fast, slow = Detector(block.channels), EverySample(block.channels)
    events = 0
    for i in range(0, len(block), step):
        part = block.slice(i, i + step)
        got, want = fast.push(part), slow.push(part)
        assert got == want
        assert _state(fast) == _state(slow)
        events += len(got)
    assert fast.finish() == slow.finish()
    return events


def _lifting_holds(rng: np.random.Generator) -> np.ndarray:
    parts = [np.zeros(round(8 * FS))]
    for amp, lifts, sag in ((20.0, 3, 0.0), (12.0, 5, 4.0), (30.0, 0, 0.0), (15.0, 8, 0.0)):
        hold = np.full(round(14 * FS), amp) - np.linspace(0.0, sag, round(14 * FS))
        for k in range(lifts):
            at = round((2.5 + 1.3 * k) * FS)
            width = round(rng.uniform(0.3, 0.8) * FS)
            hold[at : at + width] += rng.uniform(2.0, 0.5 * amp) * np.hanning(width)
        parts += [np.linspace(0.0, amp, round(1.2 * FS)), hold, np.linspace(hold[-1], 0, 40)]
        parts.append(np.zeros(round(6 * FS)))
    x = np.concatenate(parts)
    tremor = 0.8 * np.sin(2 * np.pi * 6.0 * np.arange(len(x)) / FS)
    return 30.0 + x + tremor * (x > 5) + rng.normal(0.0, 0.2, len(x))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("step", [7, 50, 500])
def test_holds_with_quick_lifts_give_the_same_events_and_state(seed: int, step: int) -> None:
    rng = np.random.default_rng(seed)
    sq = _lifting_holds(rng)
    t = np.arange(len(sq)) / FS
    assert _same(SampleBlock(t, {Channel.SQUEEZE: sq}), step) > 0


def test_a_simulated_session_gives_the_same_events_and_state() -> None:
    seed = 77
    sc = random_scenario(np.random.default_rng(seed), ("squeeze", "abdominal", "tilt"), 100.0)
    block = simulate(sc, seed=seed).block
    assert _same(block.slice(0, min(len(block), 9_000)), 250) > 0
