"""PERFECT on simulated assessments: measured P, E, R, F against the simulator's truth.

Truth is computed from the simulator's plan with the same definitions as the report
(docs/clinician.md): P the best peak above rest, E the first hold's time above 65 % of its
own peak (noise-free), R the holds among the first ten held at least E − 1 s, F the fast
contractions (push-downs count for nothing). Targets: R and F equal, |E| <= 1 s,
|P| <= 1 cmH2O.

In the shipped PERFECT scenarios the holds after the first are repetitions of it, as in the
clinic: she keeps them as long as the first (97-105 %) until she tires, then loses them
(20-60 % of it, and at least 2.5 s short). ``perfect_uneven`` instead draws every hold's
length on its own (4-10 s), so holds land anywhere, also within a tenth of a second of the
E - 1 s line, where any measurement error (holds are timed to sd 0.13-0.16 s) flips the
count: there R is checked against the range the report gives (holds within 0.3 s of the
line counted either way: "R could read 4-5") and counted over the sessions where it is
decidable (no hold's true time within BOUNDARY_S of the line). R_margin_s is how close
the nearest hold comes to the line.

With --guided, the guided assessment (``perineo assess --sim``) runs instead, the simulated
patient following the cues: she holds the first as long as she can (her endurance), then
repeats it when cued for as long as the first until she tires, after which she loses them.

Usage: python benchmarks/perfect.py [--seeds N] [--first S] [--scenario NAME ... | --guided]
       [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from perineo.assess.live import AssessSession
from perineo.assess.model import (
    ENDURANCE_FRACTION,
    ENDURANCE_MAX_S,
    FAST_MAX,
    REPETITION_TOLERANCE_S,
    REPETITIONS_MAX,
    Step,
)
from perineo.assess.scheme import counted, perfect, step_at
from perineo.signal.analysis import analyze_block
from perineo_sim import SimResult, load_scenario, simulate
from perineo_sim.actions import RepSpec
from perineo_sim.patient import SimPatient

SCENARIOS = (
    "perfect",
    "perfect_squeeze",
    "perfect_squeeze_abdominal",
    "perfect_squeeze_tilt",
    "perfect_weak",
    "perfect_push",
    "perfect_uneven",  # every hold as long as it comes: R a judgement call near the line
)
GUIDED_CHANNELS = (("squeeze", "abdominal", "tilt"), ("squeeze",))
GRID_HZ = 1000.0
BOUNDARY_S = 0.3  # about twice the sd of a hold's measured time
MATCH_S = 0.3  # a measured fast contraction is the true one whose onset is this close


@dataclass(frozen=True)
class Numbers:
    power: float | None
    endurance: float | None
    repetitions: int
    fast: int
    r_range: tuple[int, int] | None = None  # measured: the range the borderline holds span
    # measured - true rise and relaxation time of each counted fast contraction, seconds
    fast_timing: tuple[tuple[float, float], ...] = ()
    p_could: float | None = None  # measured: how far the breathing left in P could move it
    hold_timing: tuple[float, ...] = ()  # measured - true time held, each hold, seconds


def held_truths(res: SimResult) -> dict[int, float]:
    """Noise-free time each planned endurance hold stays above the fraction of its peak."""
    reps = res.plan.reps
    return {
        i: held_of(spec, res.plan.fit.k)
        for i, spec in enumerate(reps)
        if res.truth.reps[i].kind == "endurance"
    }


def held_of(spec: RepSpec, k: float) -> float:
    g = np.arange(spec.onset_s, spec.end_s + 0.01, 1.0 / GRID_HZ)
    pf, iap, _ = spec.render(g)
    y = pf + k * iap
    after = g >= spec.hold_start_s
    below = np.flatnonzero(y[after] < ENDURANCE_FRACTION * float(np.max(y)))
    return float(g[after][below[0]] if len(below) else g[-1]) - spec.hold_start_s


def truth_endurance(
    holds: list[int], ok: list[int], held: dict[int, float]
) -> tuple[float | None, int, float | None]:
    """E, R and how close the nearest hold after the first comes to the E - 1 s line, by
    the report's definitions on the true times ``held`` of the first ten ``holds``."""
    first = next((i for i in holds if i in ok), None)
    if first is None:
        return None, 0, None
    e = min(held[first], ENDURANCE_MAX_S)
    need = e - REPETITION_TOLERANCE_S
    r = sum(i in ok and held[i] >= need for i in holds)
    margin = min((abs(held[i] - need) for i in holds if i in ok and i != first), default=None)
    return e, r, margin


def truth_numbers(res: SimResult, held: dict[int, float]) -> tuple[Numbers, float | None]:
    """The true PERFECT numbers, and how near a hold comes to the R line."""
    reps = res.truth.reps
    ok = [i for i, r in enumerate(reps) if "push_down" not in r.errors]
    holds = [i for i, r in enumerate(reps) if r.kind == "endurance"][:REPETITIONS_MAX]
    e, r, margin = truth_endurance(holds, ok, held)
    truth = Numbers(
        power=max((reps[i].peak_cmH2O for i in ok), default=None),
        endurance=e,
        repetitions=r,
        fast=min(FAST_MAX, sum(reps[i].kind == "fast" for i in ok)),
    )
    return truth, margin


def measure(res: SimResult, held_true: dict[int, float]) -> Numbers:
    an = analyze_block(res.block)
    p = perfect(res.block, an.reps)
    fast = [r for r in res.truth.reps if r.kind == "fast" and "push_down" not in r.errors]
    timing = []
    for c in p.contractions:
        if c.step is not Step.FAST or c.rise_time_s is None or c.relax_time_s is None:
            continue
        t = min(fast, key=lambda r: abs(r.onset_s - c.onset_s), default=None)
        if t is not None and abs(t.onset_s - c.onset_s) < MATCH_S:
            rise, relax = t.hold_start_s - t.onset_s, t.end_s - t.release_s
            timing.append((round(c.rise_time_s - rise, 3), round(c.relax_time_s - relax, 3)))
    held = []
    for c in p.contractions:
        if c.step is not Step.ENDURANCE or c.held_s is None or not counted(c):
            continue
        i = min(held_true, key=lambda i: abs(res.truth.reps[i].onset_s - c.onset_s), default=None)
        if i is not None and abs(res.truth.reps[i].onset_s - c.onset_s) < MATCH_S:
            held.append(round(c.held_s - held_true[i], 3))
    return Numbers(
        p.power_cmH2O,
        p.endurance_s,
        p.repetitions,
        p.fast,
        p.repetitions_range,
        tuple(timing),
        p.power_uncertainty_cmH2O,
        tuple(held),
    )


def run(scenario: str, seed: int) -> dict[str, object]:
    res = simulate(load_scenario(scenario), seed)
    held = held_truths(res)
    truth, margin = truth_numbers(res, held)
    return _row(scenario, seed, truth, measure(res, held), margin)


def _row(
    scenario: str, seed: int, truth: Numbers, got: Numbers, margin: float | None
) -> dict[str, object]:
    def diff(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else round(a - b, 2)

    dp, de = diff(got.power, truth.power), diff(got.endurance, truth.endurance)
    return {
        "scenario": scenario,
        "seed": seed,
        "truth": truth.__dict__,
        "measured": got.__dict__,
        "dP": dp,
        "dE": de,
        "R_ok": got.repetitions == truth.repetitions,
        "P_in_range": dp is not None and abs(dp) <= max(1.0, got.p_could or 0.0),
        "R_in_range": got.r_range is not None
        and got.r_range[0] <= truth.repetitions <= got.r_range[1],
        "R_margin_s": None if margin is None else round(margin, 2),
        "R_decidable": margin is None or margin >= BOUNDARY_S,
        "F_ok": got.fast == truth.fast,
        "P_ok": dp is not None and abs(dp) <= 1.0,
        "E_ok": de is not None and abs(de) <= 1.0,
    }


class _Quiet:
    """An assessment listener that only keeps the outcome."""

    def prompt(self, prompt: object) -> None: ...
    def contraction(self, c: object) -> None: ...
    def samples(self, block: object, baseline_cmH2O: float) -> None: ...
    def finished(self, outcome: object) -> None: ...


def guided(seed: int, channels: tuple[str, ...]) -> dict[str, object]:
    """The guided assessment (``perineo assess --sim``) with the simulated patient following
    the cues; the truth by the same definitions over the steps the cues set."""
    pat = SimPatient(seed, channels=channels, speed=math.inf)
    outcome = asyncio.run(AssessSession(pat.source, _Quiet(), follower=pat).run())
    got = outcome.result
    specs, k = pat.person.person.reps, pat.person.fit.k
    truth = pat.person.truth().reps
    step = [step_at(outcome.steps, r.onset_s) for r in truth]
    ok = [i for i, r in enumerate(truth) if "push_down" not in r.errors]
    counted = [i for i in ok if step[i] in (Step.POWER, Step.ENDURANCE, Step.FAST)]
    holds = [i for i in range(len(truth)) if step[i] is Step.ENDURANCE][:REPETITIONS_MAX]
    e, r, margin = truth_endurance(holds, ok, {i: held_of(specs[i], k) for i in holds})
    t = Numbers(
        power=max((truth[i].peak_cmH2O for i in counted), default=None),
        endurance=e,
        repetitions=r,
        fast=min(FAST_MAX, sum(step[i] is Step.FAST for i in ok)),
    )
    m = Numbers(
        None if got is None else got.power_cmH2O,
        None if got is None else got.endurance_s,
        0 if got is None else got.repetitions,
        0 if got is None else got.fast,
        None if got is None else got.repetitions_range,
        p_could=None if got is None else got.power_uncertainty_cmH2O,
    )
    return _row("guided " + "+".join(channels), seed, t, m, margin)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first", type=int, default=0, help="first seed")
    ap.add_argument("--scenario", nargs="*", default=list(SCENARIOS))
    ap.add_argument(
        "--guided",
        action="store_true",
        help="the guided assessment with the simulated patient following the cues, "
        "for each channel set (instead of the scenarios)",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    t0 = time.perf_counter()
    jobs: list[tuple[str, Callable[[int], dict[str, object]]]]
    if args.guided:
        jobs = [("guided " + "+".join(c), partial(guided, channels=c)) for c in GUIDED_CHANNELS]
    else:
        jobs = [(scn, partial(run, scn)) for scn in args.scenario]
    names = [name for name, _ in jobs]
    for name, job in jobs:
        for seed in range(args.first, args.first + args.seeds):
            row = job(seed)
            scn = name
            rows.append(row)
            if not args.json:
                t, m = row["truth"], row["measured"]
                flags = "".join(k[0] if row[f"{k}_ok"] else "-" for k in ("P", "E", "R", "F"))
                print(
                    f"{scn:26} {seed:3}  {flags}  P {_f(m['power'])}/{_f(t['power'])} "
                    f"E {_f(m['endurance'])}/{_f(t['endurance'])} "
                    f"R {m['repetitions']}/{t['repetitions']} F {m['fast']}/{t['fast']}"
                )
    summary = {}
    for scn in names:
        sel = [r for r in rows if r["scenario"] == scn]
        de = [abs(r["dE"]) for r in sel if r["dE"] is not None]
        dp = [abs(r["dP"]) for r in sel if r["dP"] is not None]
        summary[scn] = {
            "sessions": len(sel),
            "P_within_1": sum(r["P_ok"] for r in sel),
            "E_within_1": sum(r["E_ok"] for r in sel),
            "R_equal": sum(r["R_ok"] for r in sel),
            "P_in_range": sum(r["P_in_range"] for r in sel),
            "R_in_range": sum(r["R_in_range"] for r in sel),
            "R_decidable": sum(r["R_decidable"] for r in sel),
            "R_equal_decidable": sum(r["R_ok"] and r["R_decidable"] for r in sel),
            "F_equal": sum(r["F_ok"] for r in sel),
            "max_abs_dP": max(dp, default=None),
            "max_abs_dE": max(de, default=None),
            "min_R_margin_s": min(
                (r["R_margin_s"] for r in sel if r["R_margin_s"] is not None), default=None
            ),
            **_timing([e for r in sel for e in r["measured"]["fast_timing"]]),
            **_held([e for r in sel for e in r["measured"]["hold_timing"]]),
        }
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, indent=1))
        return
    cols = ("P±1", "E±1", "R=", "F=")
    head = " ".join(f"{c:>4}" for c in cols)
    print(
        f"\n{'scenario':26} {'n':>3} {head} {'max|dP|':>8} {'max|dE|':>8}"
        f"  P in range  R in range  R= where decidable (±{BOUNDARY_S} s)  nearest hold to E-1"
    )
    for scn, s in summary.items():
        print(
            f"{scn:26} {s['sessions']:3} {s['P_within_1']:4} {s['E_within_1']:4} "
            f"{s['R_equal']:4} {s['F_equal']:4} {_f(s['max_abs_dP']):>8} {_f(s['max_abs_dE']):>8}"
            f"  {s['P_in_range']:10}  {s['R_in_range']:10}  "
            f"{s['R_equal_decidable']:>3} of {s['R_decidable']:<3}"
            f"{'':18}{_f(s['min_R_margin_s']):>6} s"
        )
    timed = {scn: s for scn, s in summary.items() if s["fast_timed"] and s["holds_timed"]}
    if timed:
        print(
            f"\n{'timing (seconds)':26} {'holds':>5}  time held: error mean / sd"
            f"  {'fast':>5}  |rise error| median/95 %  |relaxation error| median/95 %"
        )
    for scn, s in timed.items():
        print(
            f"{scn:26} {s['holds_timed']:5}  {s['held_error_mean_s']:+.3f} / "
            f"{s['held_error_sd_s']:.3f}{'':12}{s['fast_timed']:5}  "
            f"{s['rise_abs_median_s']:.3f} / {s['rise_abs_p95_s']:.3f}{'':16}"
            f"{s['relax_abs_median_s']:.3f} / {s['relax_abs_p95_s']:.3f}"
        )
    print(f"({time.perf_counter() - t0:.1f} s)")


def _held(errors: list[float]) -> dict[str, float | int | None]:
    """Mean and sd of the error in each hold's time (E's and R's measure)."""
    a = np.asarray(errors, dtype=float)
    return {
        "holds_timed": len(a),
        "held_error_mean_s": round(float(a.mean()), 3) if len(a) else None,
        "held_error_sd_s": round(float(a.std()), 3) if len(a) else None,
    }


def _timing(errors: list[tuple[float, float]]) -> dict[str, float | int | None]:
    """Median and 95th percentile of the absolute rise and relaxation time errors."""
    out: dict[str, float | int | None] = {"fast_timed": len(errors)}
    for i, name in enumerate(("rise", "relax")):
        a = np.abs([e[i] for e in errors]) if errors else None
        out[f"{name}_abs_median_s"] = None if a is None else round(float(np.median(a)), 3)
        out[f"{name}_abs_p95_s"] = None if a is None else round(float(np.percentile(a, 95)), 3)
    return out


def _f(x: object) -> str:
    return "—" if x is None else f"{x:.1f}" if isinstance(x, float) else str(x)


if __name__ == "__main__":
    main()
