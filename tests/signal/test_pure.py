"""The pure functions under the detector: timing knees, technique rules, hold statistics."""

from __future__ import annotations

import numpy as np
import pytest

from perineo.signal.config import DetectorConfig
from perineo.signal.filters import smooth
from perineo.signal.shape import ballistic
from perineo.signal.technique import breath_held, judge
from perineo.signal.timing import knee_back, knee_forward, steepest
from perineo.signal.work import hold_level_and_drop

FS = 50.0
CFG = DetectorConfig()


def _rise(shape: str, t: np.ndarray, t0: float, dur: float, amp: float) -> np.ndarray:
    u = np.clip((t - t0) / dur, 0, 1)
    if shape == "cosine":
        return amp * (0.5 - 0.5 * np.cos(np.pi * u))
    if shape == "exponential":
        return amp * (1 - np.exp(-3 * u)) / (1 - np.exp(-3))
    return amp * u


@pytest.mark.parametrize("shape", ["cosine", "exponential", "linear"])
@pytest.mark.parametrize("dur", [0.3, 0.8, 1.2])
def test_knees_find_foot_and_top_of_a_rise(shape: str, dur: float) -> None:
    t = np.arange(0, 4, 1 / FS)
    x = _rise(shape, t, 1.0, dur, 30.0)
    lev = smooth(x, CFG.smooth_sigma)
    sl = np.gradient(lev) * FS
    i_st = steepest(sl, 0, len(t) - 1)
    foot = knee_back(t, lev, sl, i_st, 0, 0.0, 30.0)
    top = knee_forward(t, lev, sl, i_st, len(t) - 1, 30.0, 30.0)
    assert foot == pytest.approx(1.0, abs=0.09 + 0.05 * dur)  # smoothing blurs a kink
    # the top is where the rise has levelled off: at its end, or (an exponential
    # approach) where it is within ~10 % of the hold level
    assert 1.0 + 0.6 * dur <= top <= 1.0 + dur + 0.08
    assert np.interp(top, t, x) >= 0.88 * 30.0


def test_knee_does_not_stop_at_a_wiggle_halfway_up() -> None:
    t = np.arange(0, 4, 1 / FS)
    x = np.interp(t, [0, 1.0, 1.3, 1.6, 2.0, 4], [0, 0, 12, 13, 30, 30])  # pause at 40 %
    lev = smooth(x, CFG.smooth_sigma)
    sl = np.gradient(lev) * FS
    i_st = steepest(sl, 0, len(t) - 1)
    assert t[i_st] > 1.6
    assert knee_back(t, lev, sl, i_st, 0, 0.0, 30.0) == pytest.approx(1.0, abs=0.1)


def _judge(sq: float, pelvic: float, abd: float | None, tilt: float | None):
    n = 100
    return judge(
        np.full(n, sq),
        np.full(n, pelvic),
        None if abd is None else np.full(n, abd),
        None if tilt is None else np.full(n, tilt),
        cfg=CFG,
        abd_sd=0.8,
        tilt_sd=0.1,
    )


def test_push_down_is_the_abdomen_carrying_the_squeeze() -> None:
    f = _judge(sq=15.0, pelvic=0.5, abd=30.0, tilt=None)
    assert f.push_down and not f.bracing


def test_push_down_from_tilt_alone() -> None:
    assert _judge(sq=20.0, pelvic=20.0, abd=None, tilt=-3.0).push_down
    assert not _judge(sq=20.0, pelvic=20.0, abd=None, tilt=2.0).push_down


def test_a_clear_lift_by_tilt_overrules_an_ambiguous_abdomen() -> None:
    assert not _judge(sq=15.0, pelvic=4.0, abd=30.0, tilt=3.0).push_down


def test_bracing_is_half_the_pelvic_rise_and_a_tenth_is_fine() -> None:
    assert _judge(sq=35.0, pelvic=25.0, abd=15.0, tilt=None).bracing
    fine = _judge(sq=26.0, pelvic=25.0, abd=2.5, tilt=None)
    assert not fine.bracing and not fine.push_down


def test_squeeze_only_finds_nothing_it_cannot_know() -> None:
    f = _judge(sq=20.0, pelvic=20.0, abd=None, tilt=None)
    assert not f.push_down and not f.bracing
    assert f.abdominal_rise is None and f.tilt_change is None


def test_ballistic_rise_is_a_spike_and_a_voluntary_rise_is_not() -> None:
    t = np.arange(0, 1, 1 / FS)
    cough = _rise("cosine", t, 0.2, 0.06, 40.0)
    squeeze = _rise("cosine", t, 0.2, 0.35, 40.0)
    assert ballistic(cough[: int(0.4 * FS)], 0.0, 40.0, 1 / FS, CFG.spike_rise_s)
    assert not ballistic(squeeze[: int(0.7 * FS)], 0.0, 40.0, 1 / FS, CFG.spike_rise_s)


def test_breath_held_compares_with_breathing_at_rest() -> None:
    t = np.arange(0, 6, 1 / FS)
    rng = np.random.default_rng(0)
    flat = np.zeros(len(t))
    breathing = 1.5 * np.sin(2 * np.pi * 0.27 * t) + rng.normal(0, 0.1, len(t))
    held = 2.0 + 0.05 * t + rng.normal(0, 0.1, len(t))  # drifts, but no breaths
    rest = 3.0  # a breath's swing at rest, peak to peak
    assert breath_held(held, flat, FS, rest, CFG)
    assert not breath_held(breathing, flat, FS, rest, CFG)
    assert not breath_held(0.6 * breathing, flat, FS, rest, CFG)  # shallower is not held


def test_slow_shallow_breathing_is_breathing() -> None:
    """Half the depth at 8 breaths a minute, seen through a 5.5 s window at any phase."""
    t = np.arange(0, 5.5, 1 / FS)
    flat = np.zeros(len(t))
    for phase in np.linspace(0, 2 * np.pi, 12, endpoint=False):
        slow = 0.75 * np.sin(2 * np.pi * (8 / 60) * t + phase)
        assert not breath_held(slow, flat, FS, 3.0, CFG)


def test_a_breath_held_while_bracing_is_held() -> None:
    """The abdominal pressure of a bracing contraction follows the contraction (its fading,
    its quick lifts): that is no breath."""
    t = np.arange(0, 7, 1 / FS)
    pelvic = 30.0 * (1.0 - 0.3 * (t / 7) ** 1.5)
    pelvic += np.where((t > 5) & (t < 5.5), 5.0 * np.sin(np.pi * (t - 5) / 0.5), 0.0)
    abd = 0.8 * pelvic + np.random.default_rng(1).normal(0, 0.1, len(t))
    assert breath_held(abd, pelvic, FS, 3.0, CFG)
    breathing = abd + 1.5 * np.sin(2 * np.pi * 0.25 * t)
    assert not breath_held(breathing, pelvic, FS, 3.0, CFG)


def test_hold_level_and_fatigue_drop() -> None:
    seg = np.linspace(40.0, 30.0, 400)
    level, drop = hold_level_and_drop(seg, FS)
    assert level == pytest.approx(35.0, abs=0.1)
    assert drop == pytest.approx(0.24, abs=0.03)
    assert hold_level_and_drop(np.array([]), FS) == (None, None)


def test_co_rise_tells_bracing_from_a_breath_in_a_short_weak_hold() -> None:
    from perineo.signal.technique import co_rise

    fs = 50.0
    t = np.arange(0.0, 1.6, 1.0 / fs)
    # a weak, short contraction: 5 cmH2O up in 0.4 s, held 0.4 s, down
    pelvic = 5.0 * np.clip(np.minimum(t / 0.4, (1.6 - t) / 0.4), 0.0, 1.0)
    for phase in np.linspace(0.0, 2 * np.pi, 8, endpoint=False):  # 4 s breaths, any phase
        breath = 3.0 * np.sin(2 * np.pi * t / 4.0 + phase)
        assert abs(co_rise(breath + 0.1 * pelvic, pelvic, 5) - 0.1) < 0.05  # draw-in
        assert abs(co_rise(breath + 0.7 * pelvic, pelvic, 5) - 0.7) < 0.05  # bracing
    assert co_rise(breath, np.zeros_like(t), 5) is None  # the pelvic floor did not move


def test_an_abdominal_channel_pinned_at_one_value_tells_no_breath_hold() -> None:
    """A sensor at the end of its converter's range reads one value, noise and all: that is
    no held breath (a still body's sensor still shows its noise)."""
    t = np.arange(0, 6, 1 / FS)
    pelvic = 30.0 * np.clip(t, 0, 1)
    assert not breath_held(np.zeros(len(t)), pelvic, FS, 3.0, CFG)
    quiet = np.random.default_rng(2).normal(0, 0.05, len(t))
    assert breath_held(quiet, pelvic, FS, 3.0, CFG)
