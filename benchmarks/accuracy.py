"""Detector accuracy on simulated sessions from a seed range never used for tuning.

Prints, per channel set and sample rate and overall: repetition F1, onset error, feedback
latency, hold-duration error, quick-lift exact-match rate, and sensitivity / false-positive
rate per technique error. Usage: python benchmarks/accuracy.py [--sessions N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from perineo.samples import SampleBlock
from perineo.signal.analysis import analyze_block
from perineo_sim import random_scenario, simulate
from perineo_sim.compare import ERROR_KINDS, Tally, score

CHANNEL_SETS = {
    "squeeze": ("squeeze",),
    "squeeze+abdominal": ("squeeze", "abdominal"),
    "squeeze+tilt": ("squeeze", "tilt"),
    "all three": ("squeeze", "abdominal", "tilt"),
}
VERIFIABLE = {
    "squeeze": ("incomplete_release",),
    "squeeze+abdominal": ERROR_KINDS,
    "squeeze+tilt": ("push_down", "incomplete_release"),
    "all three": ERROR_KINDS,
}
TUNING_SEEDS_BELOW = 10_000  # seeds used while developing; the benchmark starts far above


def degrade(block: SampleBlock, seed: int, noise: float, jitter_s: float) -> SampleBlock:
    """The same session through a worse probe: extra white noise, timestamp jitter."""
    if noise <= 0 and jitter_s <= 0:
        return block
    rng = np.random.default_rng(seed + 1)
    t = block.t + rng.uniform(-jitter_s, jitter_s, len(block.t)) if jitter_s > 0 else block.t
    keep = np.concatenate(([True], np.diff(t) > 0))
    data = {c: (v + rng.normal(0.0, noise, len(v)))[keep] for c, v in block.data.items()}
    return SampleBlock(t[keep], data)


def run(
    sessions: int, seed0: int, rates: tuple[float, ...], noise: float = 0.0, jitter_s: float = 0.0
) -> dict[str, dict]:
    results: dict[str, Tally] = {}
    overall = Tally()
    for name, chans in CHANNEL_SETS.items():
        for rate in rates:
            tally = Tally()
            for s in range(sessions):
                seed = seed0 + s
                rng = np.random.default_rng(seed)
                sc = random_scenario(rng, chans, rate)
                sim = simulate(sc, seed=seed)
                an = analyze_block(degrade(sim.block, seed, noise, jitter_s))
                truth = sim.truth.to_json()["reps"]
                det = [r.to_json() for r in an.reps]
                tally.add(score(truth, det, VERIFIABLE[name]))
            results[f"{name} @ {rate:g} Hz"] = tally
            overall.add(tally)
    results["overall"] = overall
    return {k: v.summary() for k, v in results.items()}


def fmt(x: float | None, scale: float = 1.0, nd: int = 3) -> str:
    return "—" if x is None else f"{x * scale:.{nd}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sessions", type=int, default=12, help="sessions per channel set and rate")
    ap.add_argument("--seed", type=int, default=1_000_000, help="first seed (>= 10000)")
    ap.add_argument("--rates", default="50,100")
    ap.add_argument("--extra-noise", type=float, default=0.0, help="cmH2O/deg of white noise")
    ap.add_argument("--jitter", type=float, default=0.0, help="timestamp jitter, seconds")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--tuning", action="store_true", help="allow the tuning seeds (< 10000)")
    args = ap.parse_args()
    if args.seed < TUNING_SEEDS_BELOW and not args.tuning:
        ap.error("benchmark seeds must not overlap the tuning seeds (< 10000)")
    rates = tuple(float(r) for r in args.rates.split(","))
    t0 = time.perf_counter()
    res = run(args.sessions, args.seed, rates, args.extra_noise, args.jitter)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    cols = [
        ("reps", "reps_true", 1, 0),
        ("F1", "f1", 1, 3),
        ("on.med ms", "onset_err_median_s", 1000, 0),
        ("on.p90 ms", "onset_err_p90_s", 1000, 0),
        ("lat.med ms", "latency_median_s", 1000, 0),
        ("lat.p90 ms", "latency_p90_s", 1000, 0),
        ("hold.p90 s", "hold_err_p90_s", 1, 2),
        ("lifts ok", "lifts_exact", 1, 3),
    ]
    print(f"{'':28}" + "".join(f"{c[0]:>11}" for c in cols))
    for name, s in res.items():
        print(f"{name:28}" + "".join(f"{fmt(s[k], sc, nd):>11}" for _, k, sc, nd in cols))
    print()
    print(f"{'error (sensitivity / FP rate, n)':28}" + "".join(f"{k:>22}" for k in ERROR_KINDS))
    for name, s in res.items():
        cells = []
        for k in ERROR_KINDS:
            sens, fpr, n = s[f"{k}_sensitivity"], s[f"{k}_fp_rate"], s[f"{k}_n"]
            cells.append(f"{fmt(sens, 1, 2)} / {fmt(fpr, 1, 3)} ({int(n or 0)})")
        print(f"{name:28}" + "".join(f"{c:>22}" for c in cells))
    print(
        f"\n{args.sessions} sessions per cell, seeds {args.seed}.., "
        f"{time.perf_counter() - t0:.0f} s"
    )


if __name__ == "__main__":
    main()
