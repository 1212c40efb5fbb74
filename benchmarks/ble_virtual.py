"""Sustained streaming over the virtual probe (Bumble host stack, virtual controllers).

    python benchmarks/ble_virtual.py --duration 600 [--rate 100] [--drop-at 300] [--off-air 1]

The probe streams squeeze = sample index (counts mod 30000), abdominal and tilt from the
simulator's basic scenario; BleSource reads it through the bleak back end. Reported:
samples lost outside the forced drop, latency from the moment a sample was taken on the
probe to the moment its decoded block reached the consumer (median, 95th percentile, max),
and the forced disconnect → CONNECTED time and the gap it left.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Final

import numpy as np

from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.ble import BleSource, Reconnect
from perineo_sim.ble_probe import ProbeConfig, Signal, VirtualBleProbe, block_signal
from perineo_sim.ble_virtual import scenario_block
from perineo_sim.bumble_backend import VirtualAir

CYCLE: Final = 30000  # squeeze counts encode the sample index modulo this


def _signal(rate: int) -> Signal:
    sim = block_signal(scenario_block("basic", 1))

    def at(times: np.ndarray) -> dict[Channel, np.ndarray]:
        values = sim(times)
        index = np.round(times * rate).astype(np.int64) % CYCLE
        values[Channel.SQUEEZE] = index * 0.01
        return values

    return at


class Tally:
    def __init__(self, probe: VirtualBleProbe) -> None:
        self.probe = probe
        self.base = 0
        self.last: int | None = None
        self.indices: list[np.ndarray] = []
        self.latency: list[np.ndarray] = []
        self.mapping: list[np.ndarray] = []  # stream time + origin − true sample time
        self.origin = 0.0

    def block(self, block: SampleBlock, now: float) -> None:
        counts = np.round(block.data[Channel.SQUEEZE] * 100).astype(np.int64)
        out = np.empty_like(counts)
        for i, c in enumerate(counts):
            idx = self.base + int(c)
            if self.last is not None and idx < self.last - CYCLE // 2:
                self.base += CYCLE
                idx += CYCLE
            out[i] = self.last = idx
        self.indices.append(out)
        sample_times = self.probe.epoch + out / self.probe.rate_hz
        self.latency.append(now - sample_times)
        self.mapping.append(self.origin + block.t - sample_times)


async def bench(args: argparse.Namespace) -> dict[str, object]:
    air = VirtualAir(mtu=args.mtu)
    block = scenario_block("basic", 1)
    probe = VirtualBleProbe(
        air, _signal(args.rate), block.channels, ProbeConfig(sample_rate_hz=args.rate)
    )
    await probe.start()
    source = BleSource(
        probe.address,
        backend=air.client_backend,
        sample_rate_hz=args.rate,
        remember=False,
        connect_timeout_s=2.0,
        reconnect=Reconnect(first_delay_s=0.1, max_delay_s=1.0),
    )
    tally = Tally(probe)
    start = tally.origin = time.monotonic()  # stream() takes its origin on first iteration
    dropped_at = disconnected_at = reconnected_at = None
    gap_s = None
    drop_task = None
    async for item in source.stream():
        now = time.monotonic()
        if isinstance(item, SampleBlock):
            tally.block(item, now)
        elif item.kind is StatusKind.DISCONNECTED:
            disconnected_at = now
        elif item.kind is StatusKind.CONNECTED and disconnected_at is not None:
            reconnected_at = now
        elif isinstance(item, SourceStatus) and item.kind is StatusKind.GAP and item.end_s:
            gap_s = item.end_s - item.t
        if dropped_at is None and now - start > args.drop_at:
            dropped_at = now
            drop_task = asyncio.get_running_loop().create_task(probe.drop(args.off_air))
        if now - start > args.duration:
            await source.close()
    if drop_task is not None:
        await drop_task
    await probe.stop()
    await air.close()
    indices = np.concatenate(tally.indices)
    latency = np.concatenate(tally.latency) * 1000
    mapping = np.concatenate(tally.mapping) * 1000
    settled = mapping[len(mapping) // 10 :]  # after the first tenth: the drift fit has data
    expected = indices[-1] - indices[0] + 1
    steps = np.diff(indices)
    missing = int(np.sum(steps[steps > 1] - 1))
    biggest = int(steps.max()) - 1 if len(steps) else 0
    return {
        "duration_s": round(time.monotonic() - start, 1),
        "rate_hz": args.rate,
        "att_mtu": args.mtu,
        "samples_received": len(indices),
        "samples_expected_first_to_last": int(expected),
        "samples_missing_total": missing,
        "samples_missing_outside_forced_drop": missing - biggest if dropped_at else missing,
        "forced_gap_samples": biggest if dropped_at else 0,
        "duplicates_or_reordered": int(np.sum(steps < 1)),
        "latency_ms_median": round(float(np.median(latency)), 2),
        "latency_ms_p95": round(float(np.percentile(latency, 95)), 2),
        "latency_ms_max": round(float(latency.max()), 2),
        "drift_ppm": args.drift_ppm,
        "time_mapping_ms_p5_p95_after_first_tenth": [
            round(float(np.percentile(settled, 5)), 2),
            round(float(np.percentile(settled, 95)), 2),
        ],
        "off_air_s": args.off_air,
        "reconnect_s_after_disconnect": round(reconnected_at - disconnected_at, 3)
        if reconnected_at and disconnected_at
        else float("nan"),
        "reconnect_s_after_back_on_air": round(reconnected_at - disconnected_at - args.off_air, 3)
        if reconnected_at and disconnected_at
        else float("nan"),
        "gap_reported_s": round(gap_s, 3) if gap_s is not None else float("nan"),
        "malformed": source.counters.malformed,
        "probe_frames_per_packet": round(
            probe.counters.frames_sent / max(1, probe.counters.packets_sent), 2
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds (default 600)")
    parser.add_argument("--rate", type=int, default=100, choices=(25, 50, 100, 200))
    parser.add_argument("--drop-at", type=float, default=None, help="forced drop (default: half)")
    parser.add_argument("--mtu", type=int, default=247, help="ATT MTU asked for (23: none)")
    parser.add_argument("--drift-ppm", type=float, default=0.0, help="probe clock error")
    parser.add_argument("--off-air", type=float, default=1.0, help="seconds the probe is gone")
    args = parser.parse_args()
    if args.drop_at is None:
        args.drop_at = args.duration / 2
    result = asyncio.run(bench(args))
    for key, value in result.items():
        print(f"{key:40s} {value}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
