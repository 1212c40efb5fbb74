"""Why a marker takes longer than a sample: LSL's push → inlet, after a sleep or after work.

``benchmarks/lsl_latency.py`` finds perineo's markers reaching an inlet a few milliseconds
later than its samples on a busy machine. The difference between them: a block's samples
are pushed as it arrives, its markers after the detector has worked on it. This benchmark
takes perineo out: a publisher process pushes one string marker (a 300-character JSON-sized
text, as perineo's are) every 100 ms, each right after either

* ``sleep``: 3 ms asleep, or
* ``work``: 3 ms of computation (the detector's share of a block, roughly),

and this process, the inlet, blocks on the stream and notes when each marker came (all
times on LSL's ``local_clock``). Where ``work`` is slower than ``sleep``, the time is the
operating system's in waking liblsl's sending thread after the publisher ran, not LSL's
transport nor perineo's outlet.

Usage: python benchmarks/lsl_push.py [--markers 100] [--busy-ms 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import uuid

import numpy as np

PERIOD_S = 0.1


def publish(name: str, markers: int, busy_s: float, mode: str) -> None:
    from perineo.lab.lsl_support import load_pylsl

    lsl = load_pylsl()
    info = lsl.StreamInfo(name, "Markers", 1, lsl.IRREGULAR_RATE, "string", name)
    outlet = lsl.StreamOutlet(info)
    assert outlet.wait_for_consumers(30)
    time.sleep(0.5)
    text = "x" * 300
    for _ in range(markers):
        if mode == "work":
            end = time.perf_counter() + busy_s
            while time.perf_counter() < end:
                pass
        else:
            time.sleep(busy_s)
        outlet.push_sample([text], lsl.local_clock(), True)
        time.sleep(PERIOD_S)
    time.sleep(1.0)


def measure(markers: int, busy_s: float, mode: str) -> np.ndarray:
    from perineo.lab.lsl_support import load_pylsl

    lsl = load_pylsl()
    name = f"perineo-push-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [sys.executable, __file__, "--publish", name, "--mode", mode,
         "--markers", str(markers), "--busy-ms", str(busy_s * 1000)],
    )  # fmt: skip
    inlet = lsl.StreamInlet(lsl.resolve_byprop("name", name, 1, 30)[0])
    inlet.open_stream(10)
    lags: list[float] = []
    while len(lags) < markers:
        sample, stamp = inlet.pull_sample(timeout=5.0)
        if sample is None:
            break
        lags.append(1000 * (lsl.local_clock() - stamp))
    proc.wait()
    return np.array(lags)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markers", type=int, default=100)
    ap.add_argument("--busy-ms", type=float, default=3.0)
    ap.add_argument("--publish", help=argparse.SUPPRESS)
    ap.add_argument("--mode", choices=("sleep", "work"), default="sleep", help=argparse.SUPPRESS)
    args = ap.parse_args()
    busy_s = args.busy_ms / 1000
    if args.publish:
        publish(args.publish, args.markers, busy_s, args.mode)
        return
    print(f"{args.markers} markers a run, one every {PERIOD_S * 1000:g} ms")
    for mode in ("sleep", "work"):
        lags = measure(args.markers, busy_s, mode)
        p50, p90 = np.percentile(lags, [50, 90])
        print(
            f"  after {args.busy_ms:g} ms of {mode:5}  push -> inlet  p50 {p50:5.2f}   "
            f"p90 {p90:5.2f}   max {lags.max():6.2f} ms   ({len(lags)} received)"
        )


if __name__ == "__main__":
    main()
