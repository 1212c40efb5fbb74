"""Scoring on simulated sessions through the real detector, and what scoring costs.

1. Correct intensive repetitions (hold 7 s, 4 quick lifts, full release, 4 s rest): every
   repetition should score >= 90 and be ``good``.
2. Error scenarios (every repetition carries the error): no repetition ``good``, and each
   names its error among its reasons.
3. Time: scoring's share of ``analyze`` on a one-hour recording (target <= 10 %).

Usage: python benchmarks/scoring.py [--seeds N] [--seed S] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from perineo.program.loader import get_program
from perineo.program.scoring import Verdict, annotate_analysis_json, score_analysis
from perineo.signal.analysis import analyze_block
from perineo.signal.events import Repetition, TechError
from perineo_sim import Truth, parse_scenario, simulate

ERRORS = ("push_down", "abdominal_bracing", "breath_hold", "incomplete_release")
# ten intensive repetitions (7-s hold, 4 quick lifts), either done right or all with one error
TEMPLATE = """
name = "{name}"
channels = ["squeeze", "abdominal", "tilt"]
sample_rate_hz = 100
[[block]]
kind = "intensive"
count = 10
hold_s = 7
quick_lifts = 4
rest_s = 4
strength_cmH2O = [25, 70]
{extra}
"""
CORRECT = TEMPLATE.format(name="correct_intensive", extra="fatigue = [0.05, 0.15]")


def with_error(error: str) -> str:
    return TEMPLATE.format(name=f"all_{error}", extra=f'error = "{error}"\nerror_prob = 1.0')


HOUR_BLOCK = """
[[block]]
kind = "intensive"
count = 77
hold_s = [6, 8]
quick_lifts = [3, 4]
rest_s = [3, 5]
strength_cmH2O = [25, 70]
error = "push_down"
error_prob = 0.1
"""
HOUR = (
    """
name = "one_hour"
channels = ["squeeze", "abdominal", "tilt"]
sample_rate_hz = 100
"""
    + 3 * HOUR_BLOCK
)  # about 230 repetitions: one hour of intensive sets


def truth_reps(truth: Truth) -> list[Repetition]:
    """The simulator's ground truth as repetitions: scoring alone, without the detector."""
    return [
        Repetition(
            index=i,
            onset_s=r.onset_s,
            onset_detected_s=r.onset_s,
            hold_start_s=r.hold_start_s,
            hold_end_s=r.hold_end_s,
            release_s=r.release_s,
            end_s=r.end_s,
            peak_cmH2O=r.peak_cmH2O,
            rest_cmH2O=0.0,
            quick_lifts_s=r.quick_lifts_s,
            errors=tuple(TechError(e) for e in r.errors),
        )
        for i, r in enumerate(truth.reps)
    ]


def correct(seeds: range, *, from_truth: bool = False) -> dict[str, object]:
    program = get_program("intensive")
    scores: list[int] = []
    verdicts: list[Verdict] = []
    reasons: dict[str, int] = {}
    sc = parse_scenario(CORRECT, "correct_intensive")
    for seed in seeds:
        sim = simulate(sc, seed=seed)
        reps = truth_reps(sim.truth) if from_truth else analyze_block(sim.block).reps
        rs, _ = score_analysis(reps, program)
        scores += [r.score for r in rs]
        verdicts += [r.verdict for r in rs]
        for r in rs:
            for why in r.reasons:
                reasons[why.value] = reasons.get(why.value, 0) + 1
    n = len(scores)
    return {
        "reps": n,
        "good_share": sum(v is Verdict.GOOD for v in verdicts) / n if n else 0.0,
        "score_min": min(scores) if scores else None,
        "score_median": statistics.median(scores) if scores else None,
        "share_score_ge_90": sum(s >= 90 for s in scores) / n if n else 0.0,
        "reasons_seen": reasons,
    }


def errors(seeds: range) -> dict[str, dict[str, object]]:
    program = get_program("intensive")
    out: dict[str, dict[str, object]] = {}
    for error in ERRORS:
        sc = parse_scenario(with_error(error), f"all_{error}")
        truth_n = det_n = good = named = 0
        for seed in seeds:
            sim = simulate(sc, seed=seed)
            an = analyze_block(sim.block)
            rs, _ = score_analysis(an.reps, program)
            truth_n += len(sim.truth.reps)
            det_n += len(rs)
            good += sum(r.verdict is Verdict.GOOD for r in rs)
            named += sum(any(why.value == error for why in r.reasons) for r in rs)
        out[error] = {
            "truth_reps": truth_n,
            "detected_reps": det_n,
            "not_good_share": 1 - good / det_n if det_n else None,
            "names_error_share": named / det_n if det_n else None,
        }
    return out


def timing(seed: int) -> dict[str, float]:
    program = get_program("intensive")
    sim = simulate(parse_scenario(HOUR, "one_hour"), seed=seed)
    t0 = time.perf_counter()
    an = analyze_block(sim.block)
    doc = an.to_json()
    analyze_s = time.perf_counter() - t0
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        annotate_analysis_json(doc, an.reps, program)
        runs.append(time.perf_counter() - t0)
    score_s = min(runs)
    return {
        "recording_s": float(sim.block.t[-1] - sim.block.t[0]),
        "reps": len(an.reps),
        "analyze_s": analyze_s,
        "scoring_s": score_s,
        "scoring_share": score_s / analyze_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10, help="simulated sessions per case")
    ap.add_argument("--seed", type=int, default=20_000, help="first seed (not used in tuning)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    seeds = range(args.seed, args.seed + args.seeds)
    result = {
        "correct_truth": correct(seeds, from_truth=True),
        "correct": correct(seeds),
        "errors": errors(seeds),
        "timing": timing(args.seed),
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for key, what in (("correct_truth", "ground truth"), ("correct", "detector")):
        c = result[key]
        print(
            f"correct intensive reps ({what}): {c['reps']}, good {c['good_share']:.1%}, "
            f"score >= 90 {c['share_score_ge_90']:.1%}, min {c['score_min']}, "
            f"median {c['score_median']}, reasons seen {c['reasons_seen']}"
        )
    for error, e in result["errors"].items():
        print(
            f"{error:<19} truth {e['truth_reps']:>3} detected {e['detected_reps']:>3}  "
            f"not good {e['not_good_share']:.1%}  names its error {e['names_error_share']:.1%}"
        )
    t = result["timing"]
    print(
        f"one-hour recording ({t['recording_s']:.0f} s, {t['reps']} reps): analyze "
        f"{t['analyze_s']:.2f} s, scoring {1000 * t['scoring_s']:.1f} ms = "
        f"{t['scoring_share']:.2%} of analyze"
    )


if __name__ == "__main__":
    main()
