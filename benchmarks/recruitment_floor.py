"""What slow recruitment's physics allows: the floor under onset error and latency.

A slowly recruited contraction rises over 1.5–2.5 s as a minimum-jerk curve of u**p
(p 1–1.25, the simulator's ``slow_start`` shape): its first tenth is flat to the third
order, so its first millimetres of pressure are below any noise. Two floors, noise-free:

* **onset error**: a detector that does not know the shape can only place the foot where
  the slope becomes a measurable share of the steepest; at 12 % (the detector's knee, which
  is exact for rises that start with a kink) the foot lies this late after the true start;
  traced back from the early rise with a power of 2–4 (``timing.place_rise`` since session 9,
  on the detector's 50 Hz grid and smoothing), this far from it;
* **latency**: the first moment the rise stands a detection threshold above rest (0.8
  cmH2O, the detector's lowest level, and 2.5 cmH2O, its level-alone threshold) — no
  causal detector, however good, can announce a contraction it cannot yet see.

Usage: python benchmarks/recruitment_floor.py [--draws 5000]
"""

from __future__ import annotations

import argparse

import numpy as np

from perineo.signal.config import DetectorConfig
from perineo.signal.filters import smooth
from perineo.signal.timing import place_rise

RISE_S = (1.5, 2.5)  # the simulator's slow_recruitment condition (physiology.py)
POWER = (1.0, 1.25)
STRENGTH_CMH2O = (20.0, 60.0)  # an ordinary floor's contraction above rest
SLOPE_SHARE = 0.12  # timing.py: the foot is where the slope falls to 12 % of the steepest


def shape(u: np.ndarray, p: float) -> np.ndarray:
    v = u**p
    return v**3 * (10.0 - 15.0 * v + 6.0 * v**2)


def traced(rise: float, p: float, amp: float) -> float:
    """The detector's foot (``place_rise``), noise-free, on its grid: seconds after the start."""
    cfg = DetectorConfig()
    t = np.arange(-1.0, rise + 1.0, 1.0 / cfg.fs)
    lev = smooth(amp * shape(np.clip(t / rise, 0.0, 1.0), p), cfg.smooth_sigma)
    k = int(np.argmax(lev >= lev.max() - 1e-9))
    onset, _ = place_rise(t, lev, np.gradient(lev) * cfg.fs, k, 0.0, float(lev[k]), 0.15)
    return onset


def floors(draws: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    u = np.linspace(0.0, 1.0, 20001)
    out: dict[str, list[float]] = {"foot": [], "traced": [], "see_0.8": [], "see_2.5": []}
    for _ in range(draws):
        rise = rng.uniform(*RISE_S)
        p = rng.uniform(*POWER)
        amp = rng.uniform(*STRENGTH_CMH2O)
        f = shape(u, p)
        slope = np.gradient(f, u)
        out["foot"].append(rise * u[np.argmax(slope >= SLOPE_SHARE * slope.max())])
        out["traced"].append(abs(traced(rise, p, amp)))
        for thr in (0.8, 2.5):
            out[f"see_{thr}"].append(rise * u[np.argmax(amp * f >= thr)])
    return {k: np.asarray(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=5000)
    args = ap.parse_args()
    res = floors(args.draws)
    print(f"slow recruitment, {args.draws} rises (1.5-2.5 s, p 1-1.25, 20-60 cmH2O), noise-free")
    names = {
        "foot": "foot at 12 % of the steepest slope (onset error floor)",
        "traced": "foot traced back from the early rise (|error|, place_rise)",
        "see_0.8": "rise first 0.8 cmH2O above rest (latency floor, level+slope)",
        "see_2.5": "rise first 2.5 cmH2O above rest (latency floor, level alone)",
    }
    for key, label in names.items():
        ms = 1000 * res[key]
        p50, p90 = np.percentile(ms, [50, 90])
        print(f"{label:62s} p50 {p50:5.0f} ms  p90 {p90:5.0f} ms")


if __name__ == "__main__":
    main()
