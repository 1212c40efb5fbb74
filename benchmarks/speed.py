"""How fast the detector is: batch analysis of one hour, and the live cost of one block.

Prints (1) the floor: a Python process that imports numpy and scipy.signal and loads the
same CSV with numpy.loadtxt; (2) ``perineo analyze --format json`` on that file (target:
at most 2x the floor; wall and CPU time, best and median of the runs, the two commands
taking turns); (3) the median cost of ``Detector.push`` for 10-sample blocks (target:
<= 0.5 ms); and the machine's load average, since the machine may be shared.
``--keep PATH`` also writes the recording there, to time it with other tools
(``/usr/bin/time -v perineo analyze PATH --format json``).
Usage: python benchmarks/speed.py [--minutes 60] [--runs 3] [--keep PATH]
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


class Timings:
    """Wall and CPU (user + system) seconds of the runs of one command."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def run(self, cmd: list[str]) -> None:
        """One run. No resident size: a child forked from this process counts this
        process's pages in its high-water mark (measure it with ``/usr/bin/time -v``)."""
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        self.walls.append(time.perf_counter() - t0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed")
        self.cpus.append(usage.ru_utime + usage.ru_stime)

    def line(self) -> str:
        return (
            f"{min(self.walls):.2f} s wall, {min(self.cpus):.2f} s CPU (best); "
            f"{statistics.median(self.walls):.2f} s wall, "
            f"{statistics.median(self.cpus):.2f} s CPU (median)"
        )


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
    ap.add_argument("--keep", type=Path, help="also write the recording here")
    args = ap.parse_args()
    block = long_recording(args.minutes)
    if args.keep is not None:
        write_recording(args.keep, block)
    load_before = os.getloadavg()
    floor, ours = Timings(), Timings()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.csv"
        write_recording(path, block)
        size_mb = path.stat().st_size / 1e6
        for _ in range(args.runs):  # in turns: a change in the machine's load hits both
            floor.run([sys.executable, "-c", FLOOR, str(path)])
            ours.run([sys.executable, "-m", "perineo", "analyze", str(path), "--format", "json"])
    load_after = os.getloadavg()
    live = live_cost(block)
    print(f"recording: {len(block)} samples, {args.minutes:g} min, 3 channels, {size_mb:.1f} MB")
    print(f"floor (python + numpy + scipy.signal + loadtxt): {floor.line()}")
    print(f"perineo analyze --format json:                  {ours.line()}")
    for what, f in (("best", min), ("median", statistics.median)):
        print(
            f"ratio ({what}): {f(ours.walls) / f(floor.walls):.2f}x floor (wall), "
            f"{f(ours.cpus) / f(floor.cpus):.2f}x (CPU)"
        )
    print(f"live Detector.push, 10-sample blocks, median:   {live * 1e3:.3f} ms")
    print(
        f"load average (1 min) before and after: {load_before[0]:.2f}, {load_after[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
