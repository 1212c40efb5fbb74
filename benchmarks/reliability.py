"""Radio faults in simulated time: samples lost, phantom and missed repetitions, recovery.

    python benchmarks/reliability.py [--scenario intensive] [--seeds 3]

Each fault is injected with perineo_sim.faults into the probe's packets, which pass through
BleSource's own assembler and then the live detector (docs/reliability.md keeps the table).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from perineo_sim import load_scenario, simulate
from perineo_sim.faults import LinkFaults, detect_items, probe_packets, run_link

CASES: tuple[tuple[str, LinkFaults, bool], ...] = (
    ("clean link", LinkFaults(), False),
    ("packet loss 1 %", LinkFaults(loss=0.01), False),
    ("packet loss 5 %", LinkFaults(loss=0.05), False),
    ("packet loss 10 %", LinkFaults(loss=0.10), False),
    ("packet loss 20 %", LinkFaults(loss=0.20), False),
    ("packet loss 30 %", LinkFaults(loss=0.30), False),
    ("duplicates 20 %", LinkFaults(duplicate=0.2), False),
    ("reordering 5 %", LinkFaults(reorder=0.05), False),
    ("clock jump +5 s", LinkFaults(clock_jumps=((40.0, 5_000_000),)), False),
    ("clock jump -3 s", LinkFaults(clock_jumps=((40.0, -3_000_000),)), False),
    ("drop mid-set 3 s + silence 30 s", LinkFaults(outages=((30.0, 3.0), (70.0, 30.0))), False),
    ("probe off/on (clock restarts)", LinkFaults(outages=((30.0, 3.0), (70.0, 30.0))), True),
    ("corrupted values 2 %", LinkFaults(corrupt=0.02), False),
    ("corrupted headers 2 %", LinkFaults(corrupt=0.02, corrupt_header=True), False),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="intensive")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    sessions = [simulate(load_scenario(args.scenario), s + 1) for s in range(args.seeds)]
    n_true = sum(len(s.truth.reps) for s in sessions)
    print(
        f"{args.scenario}: {args.seeds} sessions, {n_true} true repetitions,"
        " 100 Hz, 4 frames a packet"
    )
    print(
        "| fault | samples sent | lost in marked gaps | lost unmarked | duplicated | wrong values "
        "| reps found | reps counted | unmatched (onset > 1 s off) | outside any true rep "
        "| phantom releases | recover s (max) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    started = time.perf_counter()
    for name, faults, reboot in CASES:
        keys = ("sent", "gaps", "unmarked", "dup", "wrong", "tp", "n", "fp", "out", "rel")
        tot = dict.fromkeys(keys, 0)
        recover: list[float] = []
        for i, sim in enumerate(sessions):
            sent = probe_packets(sim.block, 100, 4, outages=faults.outages, reboot_on_outage=reboot)
            run = run_link(sent, faults, np.random.default_rng(i), channels=sim.block.channels)
            det = detect_items(run.items, sim.block.channels, [r.to_json() for r in sim.truth.reps])
            tot["sent"] += run.frames_sent
            tot["gaps"] += run.frames_lost_in_gaps + run.frames_lost_at_end
            tot["unmarked"] += run.frames_lost_unmarked
            tot["dup"] += run.frames_duplicated
            tot["wrong"] += run.frames_wrong_value + run.frames_unknown
            tot["tp"] += det.true_positive
            tot["n"] += len(det.reps)
            tot["fp"] += det.phantom
            tot["out"] += det.outside
            tot["rel"] += det.phantom_releases
            recover += run.recover_s
        rec = f"{max(recover):.2f}" if recover else "–"
        print(
            f"| {name} | {tot['sent']} | {tot['gaps']} | {tot['unmarked']} | {tot['dup']} "
            f"| {tot['wrong']} | {tot['tp']}/{n_true} | {tot['n']}/{n_true} | {tot['fp']} "
            f"| {tot['out']} | {tot['rel']} | {rec} |"
        )
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
