"""How fast the detector is: batch analysis of one hour, and the live cost of one block.

Prints (1) the floor: a Python process that imports numpy and scipy.signal and loads the
same CSV with numpy.loadtxt; (2) ``perineo analyze --format json`` on that file (target:
at most 2x the floor; wall and CPU time); (3) the median
cost of ``Detector.push`` for 10-sample blocks (target: <= 0.5 ms).
Usage: python benchmarks/speed.py [--minutes 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from perineo.recording import write_recording
from perineo.samples import SampleBlock
from perineo.signal.detect import Detector
from perineo_sim import random_scenario, simulate

CHANNELS = ("squeeze", "abdominal", "tilt")
FLOOR = "import numpy, scipy.signal, sys; numpy.loadtxt(sys.argv[1], delimiter=',', skiprows=1)"


def long_recording(minutes: float, seed: int = 77) -> SampleBlock:
    """Simulated sessions back to back until ``minutes`` of 100 Hz, three channels."""
    blocks: list[SampleBlock] = []
    t_end = 0.0
    s = seed
    while t_end < minutes * 60:
        sim = simulate(random_scenario(np.random.default_rng(s), CHANNELS, 100.0), seed=s)
        b = sim.block
        shifted = SampleBlock(b.t - b.t[0] + t_end + 0.01, dict(b.data))
        blocks.append(shifted)
        t_end = float(shifted.t[-1])
        s += 1
    whole = SampleBlock.concat(blocks)
    keep = whole.t <= minutes * 60
    return SampleBlock(whole.t[keep], {c: v[keep] for c, v in whole.data.items()})


def best_of(cmd: list[str], runs: int) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system) of ``runs`` runs. On a shared
    machine the CPU time is the steadier measure. (No resident size: a child forked from
    this process counts this process's pages in its high-water mark.)"""
    walls, cpus = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - t0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed")
        cpus.append(usage.ru_utime + usage.ru_stime)
    return min(walls), min(cpus)


def live_cost(block: SampleBlock, n_blocks: int = 20_000, size: int = 10) -> float:
    det = Detector(block.channels)
    costs = []
    for k in range(min(n_blocks, len(block) // size)):
        part = block.slice(k * size, (k + 1) * size)
        t0 = time.perf_counter()
        det.push(part)
        costs.append(time.perf_counter() - t0)
    return statistics.median(costs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    block = long_recording(args.minutes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.csv"
        write_recording(path, block)
        size_mb = path.stat().st_size / 1e6
        floor, floor_cpu = best_of([sys.executable, "-c", FLOOR, str(path)], args.runs)
        ours, ours_cpu = best_of(
            [sys.executable, "-m", "perineo", "analyze", str(path), "--format", "json"],
            args.runs,
        )
    live = live_cost(block)
    print(f"recording: {len(block)} samples, {args.minutes:g} min, 3 channels, {size_mb:.1f} MB")
    print(
        f"floor (python + numpy + scipy.signal + loadtxt): {floor:.2f} s wall, "
        f"{floor_cpu:.2f} s CPU"
    )
    print(
        f"perineo analyze --format json:                  {ours:.2f} s wall, {ours_cpu:.2f} s CPU"
    )
    print(f"ratio: {ours / floor:.2f}x floor (wall), {ours_cpu / floor_cpu:.2f}x (CPU)")
    print(f"live Detector.push, 10-sample blocks, median:   {live * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
