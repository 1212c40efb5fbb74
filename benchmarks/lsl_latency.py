"""What the LSL path adds: probe sample → perineo's marker visible to an inlet (same machine).

A publisher process runs a simulated session in real time (``--speed 1``: blocks of 100 ms,
as a probe's notifications arrive) through the live detector and ``--lsl``'s outlet. This
process is the inlet, as LabRecorder would be, blocking on the marker stream. All clocks
are LSL's ``local_clock`` (one steady clock for every process of the machine).

For each marker:

* ``sample → marker visible``: from the moment the block holding the sample that made the
  event certain reached perineo, to the moment the inlet had the marker (detector + outlet
  + LSL transport + inlet);
* ``LSL adds``: from the moment the detector handed the event over (where the terminal
  app shows it) to the moment the inlet had the marker: the outlet's JSON, LSL's push,
  transport and the inlet; this is what ``--lsl`` adds, and the target is on it;
* samples: from a block's arrival at the publisher (before its push) to the inlet having its
  newest sample.

Target: LSL adds ≤ 10 ms at p90. (Block pacing, up to 100 ms between a sample and its
block's arrival, is the probe's and is not counted; neither is the detector's decision
latency, reported by ``perineo analyze`` as ``latency_s``.)

Usage: python benchmarks/lsl_latency.py [--reps 10] [--speed 1] [--markers-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

SCENARIO = """
name = "lsl-bench"
channels = ["squeeze", "abdominal", "tilt"]
sample_rate_hz = 100

[[block]]
kind = "intensive"
count = {reps}
rest_s = 4
"""


def publisher(name: str, scenario: Path, speed: float, out: Path) -> None:
    """Run the session; write to ``out`` each marker's (block arrival, handed over) times."""
    from perineo.lab.lsl_outlet import LslOutlet
    from perineo.samples import SampleBlock
    from perineo.signal.detect import Detector
    from perineo.sources.registry import open_source

    log: list[tuple[float, float]] = []  # (block arrival, events handed over)
    blocks: list[tuple[float, float]] = []

    class Timed(LslOutlet):
        arrival = 0.0
        ready = 0.0

        def _push_marker(self, at_s: float, text: str) -> None:
            super()._push_marker(at_s, text)
            log.append((self.arrival, self.ready))

    source = open_source("sim", scenario=str(scenario), seed=1, speed=speed)
    outlet = Timed(source.name, name=name, announce=False)
    outlet.open(source.channels, 100.0)
    assert outlet.wait_for_consumers(30, markers=True)
    detector = Detector(source.channels)

    async def run() -> None:
        async for item in source.stream():
            if isinstance(item, SampleBlock) and len(item):
                outlet.arrival = float(outlet._pylsl.local_clock())
                outlet.samples(item)
                stamp = outlet.lsl_time(float(item.t[-1]))  # its newest sample's
                blocks.append((stamp, outlet.arrival))
                events = detector.push(item)
                outlet.ready = float(outlet._pylsl.local_clock())
                outlet.events(events)
        outlet.events(detector.finish())

    asyncio.run(run())
    time.sleep(1.0)  # the inlet takes the last markers
    out.write_text(json.dumps({"markers": log, "blocks": blocks}))


def inlet(name: str, scenario: Path, speed: float, with_samples: bool) -> dict[str, Any]:
    from perineo.lab.lsl_support import load_pylsl

    pylsl = load_pylsl()
    # two threads wait here, one on each stream; Python lets a woken thread wait for the
    # other's turn for up to 5 ms by default, which LabRecorder (C++) does not: 0.1 ms
    sys.setswitchinterval(1e-4)

    out = scenario.with_suffix(".json")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--publish", name, "--scenario", str(scenario),
         "--speed", str(speed), "--out", str(out)],
    )  # fmt: skip
    marks = pylsl.StreamInlet(pylsl.resolve_byprop("name", f"{name}-markers", 1, 30)[0])
    data = pylsl.StreamInlet(pylsl.resolve_byprop("name", name, 1, 30)[0], max_buflen=600)
    marks.open_stream(10)
    data.open_stream(10)
    got: list[tuple[str, float]] = []
    seen: list[tuple[float, float]] = []  # (newest stamp of a pull, when it came)
    done = threading.Event()

    def pull_data() -> None:
        while not done.is_set():
            first, ts = data.pull_sample(timeout=0.2)  # returns as soon as a sample is there
            if first is None:
                continue
            now = float(pylsl.local_clock())
            _, rest = data.pull_chunk(timeout=0.0, max_samples=1000)  # the rest of its chunk
            seen.append((max([ts, *rest]), now))

    reader = threading.Thread(target=pull_data, daemon=True)
    if with_samples:
        reader.start()
    while proc.poll() is None:
        sample, _ = marks.pull_sample(timeout=0.5)
        if sample is not None:
            got.append((sample[0], float(pylsl.local_clock())))
    while True:  # what is still on its way
        sample, _ = marks.pull_sample(timeout=0.5)
        if sample is None:
            break
        got.append((sample[0], float(pylsl.local_clock())))
    done.set()
    if reader.is_alive():
        reader.join()
    sent = json.loads(out.read_text())
    n = min(len(got), len(sent["markers"]))
    arrival = np.array([a for a, _ in sent["markers"][:n]])
    ready = np.array([p for _, p in sent["markers"][:n]])
    received = np.array([r for _, r in got[:n]])
    # a pull's newest sample names the block it came in, and so when that block was pushed
    pushed_at = {round(s, 6): p for s, p in sent["blocks"]}
    lag = [r - pushed_at[round(s, 6)] for s, r in seen if round(s, 6) in pushed_at]
    kinds: dict[str, int] = {}
    for text, _ in got:
        k = json.loads(text)["event"]
        kinds[k] = kinds.get(k, 0) + 1
    return {
        "markers": n,
        "lost": len(sent["markers"]) - len(got),
        "kinds": kinds,
        "sample_to_marker_ms": 1000 * (received - arrival),
        "lsl_ms": 1000 * (received - ready),
        "data_ms": 1000 * np.array(lag),
    }


def _p(x: np.ndarray) -> str:
    if len(x) == 0:
        return "   (none)"
    p50, p90, p99 = np.percentile(x, [50, 90, 99])
    return f"p50 {p50:6.2f}   p90 {p90:6.2f}   p99 {p99:6.2f}   max {x.max():6.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=10, help="repetitions in the session")
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument(
        "--markers-only", action="store_true", help="no inlet on the samples (one thread here)"
    )
    ap.add_argument("--publish", help=argparse.SUPPRESS)
    ap.add_argument("--scenario", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.publish:
        publisher(args.publish, args.scenario, args.speed, args.out)
        return
    folder = Path(tempfile.mkdtemp(prefix="perineo-lsl-bench-"))
    scenario = folder / "lsl-bench.toml"
    scenario.write_text(SCENARIO.format(reps=args.reps))
    r = inlet(f"perineo-bench-{uuid.uuid4().hex[:8]}", scenario, args.speed, not args.markers_only)
    p90 = float(np.percentile(r["lsl_ms"], 90)) if r["markers"] else float("inf")
    print(
        f"simulated session, {args.reps} intensive repetitions at speed {args.speed:g}; "
        f"{r['markers']} markers ({r['lost']} lost): "
        + ", ".join(f"{k} {v}" for k, v in sorted(r["kinds"].items()))
    )
    print(f"  sample -> marker visible  {_p(r['sample_to_marker_ms'])}")
    print(f"  LSL adds (markers)        {_p(r['lsl_ms'])}")
    print(f"  LSL adds (samples)        {_p(r['data_ms'])}")
    print(f"  target: LSL adds <= 10 ms at p90 (markers): {'ok' if p90 <= 10 else 'MISSED'}")


if __name__ == "__main__":
    main()
