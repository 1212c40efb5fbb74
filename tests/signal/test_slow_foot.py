"""The foot of a slowly recruited rise, traced back from its early rise (timing.slow_foot).

Hand-made rises, not the simulator's: a slow start of several shapes (a power law of 2 and
of 3 at the start, a truncated logistic), over 1.5–2.5 s, with sensor noise; and ordinary
rises, whose foot must stay the knee it was. (A truncated logistic over 1.5 s, 12 cmH2O,
measures under 1.15 s from knee to top and keeps its knee, 0.26 s late: its start is an
exponential, with no place where the drive visibly began.)"""

from __future__ import annotations

import numpy as np
import pytest

from perineo.signal.config import DetectorConfig
from perineo.signal.filters import smooth
from perineo.signal.timing import knee_back, place_rise, steepest

FS = 50.0
CFG = DetectorConfig()
NOISE = 0.15  # cmH2O, the probe's white noise


def _slow(shape: str, u: np.ndarray) -> np.ndarray:
    """0 → 1 over u in [0, 1] with a slow, smoothly accelerating start."""
    u = np.clip(u, 0.0, 1.0)
    if shape == "power2":  # slope ∝ u(1 − u): starts as u²
        return 3 * u**2 - 2 * u**3
    if shape == "power3":  # slope ∝ u²(1 − u): starts as u³
        return 4 * u**3 - 3 * u**4
    beta = 10.0  # a truncated logistic: starts as an exponential
    lo, hi = 1 / (1 + np.exp(beta / 2)), 1 / (1 + np.exp(-beta / 2))
    return (1 / (1 + np.exp(-beta * (u - 0.5))) - lo) / (hi - lo)


def _ordinary(shape: str, u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    if shape == "cosine":
        return 0.5 - 0.5 * np.cos(np.pi * u)
    if shape == "exponential":
        return (1 - np.exp(-3 * u)) / (1 - np.exp(-3))
    return u


def _place(x: np.ndarray, t: np.ndarray, amp: float, noise: float) -> tuple[float, float]:
    """Onset as placed now, and the knee (the onset as placed before slow feet)."""
    lev = smooth(x, CFG.smooth_sigma)
    sl = np.gradient(lev) * FS
    k_peak = int(np.argmax(lev))
    onset, _ = place_rise(t, lev, sl, k_peak, 0.0, float(lev[k_peak]), noise)
    i_st = steepest(sl, 0, k_peak)
    return onset, knee_back(t, lev, sl, i_st, 0, 0.0, amp)


@pytest.mark.parametrize(
    ("shape", "dur"),
    [(s, d) for s in ("power2", "power3") for d in (1.5, 2.0, 2.5)]
    + [("logistic", 2.0), ("logistic", 2.5)],
)
@pytest.mark.parametrize("amp", [12.0, 40.0])
def test_slow_rise_foot_is_near_its_start(shape: str, dur: float, amp: float) -> None:
    rng = np.random.default_rng(round(dur * 10 + amp))
    t = np.arange(0.0, 2.0 + dur + 1.0, 1 / FS)
    start = 2.0
    for _ in range(5):
        x = amp * _slow(shape, (t - start) / dur) + rng.normal(0.0, NOISE, len(t))
        onset, knee = _place(x, t, amp, NOISE)
        assert abs(onset - start) <= 0.25, (shape, dur, amp, onset, knee)
        assert onset <= knee  # never later than the knee it was


@pytest.mark.parametrize("shape", ["cosine", "exponential", "linear"])
@pytest.mark.parametrize("dur", [0.3, 0.8, 1.0, 1.2])
def test_ordinary_rise_keeps_its_knee(shape: str, dur: float) -> None:
    rng = np.random.default_rng(round(dur * 10))
    t = np.arange(0.0, 4.0, 1 / FS)
    x = 30.0 * _ordinary(shape, (t - 1.0) / dur) + rng.normal(0.0, NOISE, len(t))
    onset, knee = _place(x, t, 30.0, NOISE)
    if (shape, dur) == ("linear", 1.2):
        # the known cost: the longest ordinary ramp, with a kink for a start, measures 1.3 s
        # from knee to top and is taken for slowly recruited; its foot moves at most a
        # quarter of that before the knee (a smooth start is assumed)
        assert knee - 0.25 * 1.32 <= onset <= knee
        return
    assert onset == knee
