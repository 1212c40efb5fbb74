"""Score detected repetitions against ground truth (shared by tests and benchmarks).

Matching is one-to-one by onset: a detected repetition matches the nearest unmatched true
one whose onset is within ``tolerance_s``. Errors are judged only on matched repetitions and
only for the error kinds the channel set can verify.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from perineo.json_fields import number, numbers, opt_number, strings

ERROR_KINDS = ("push_down", "abdominal_bracing", "breath_hold", "incomplete_release")
MATCH_TOLERANCE_S = 1.0

Rep = Mapping[str, object]


@dataclass
class Tally:
    """Accumulates matches over many sessions."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    onset_err: list[float] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    hold_err: list[float] = field(default_factory=list)
    lifts_exact: list[bool] = field(default_factory=list)
    errors: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0, 0, 0] for k in ERROR_KINDS}
    )  # per kind: tp, fn, fp, tn

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.onset_err += other.onset_err
        self.latency += other.latency
        self.hold_err += other.hold_err
        self.lifts_exact += other.lifts_exact
        for k in ERROR_KINDS:
            self.errors[k] = [a + b for a, b in zip(self.errors[k], other.errors[k], strict=True)]

    def summary(self) -> dict[str, float | None]:
        def pct(xs: list[float], q: float) -> float | None:
            return float(np.percentile(xs, q)) if xs else None

        prec = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        rec = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        out: dict[str, float | None] = {
            "reps_true": float(self.tp + self.fn),
            "reps_detected": float(self.tp + self.fp),
            "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
            "onset_err_median_s": pct(self.onset_err, 50),
            "onset_err_p90_s": pct(self.onset_err, 90),
            "latency_median_s": pct(self.latency, 50),
            "latency_p90_s": pct(self.latency, 90),
            "hold_err_p90_s": pct(self.hold_err, 90),
            "lifts_exact": float(np.mean(self.lifts_exact)) if self.lifts_exact else None,
        }
        for k, (tp, fn, fp, tn) in self.errors.items():
            out[f"{k}_sensitivity"] = tp / (tp + fn) if tp + fn else None
            out[f"{k}_fp_rate"] = fp / (fp + tn) if fp + tn else None
            out[f"{k}_n"] = float(tp + fn)
        return out


def match(
    truth: Sequence[Rep], detected: Sequence[Rep], tol: float = MATCH_TOLERANCE_S
) -> list[tuple[int, int]]:
    """Pairs (truth index, detected index), nearest onsets first, each used once."""
    cands = []
    for i, tr in enumerate(truth):
        for j, d in enumerate(detected):
            dt = abs(number(d, "onset_s") - number(tr, "onset_s"))
            if dt <= tol:
                cands.append((dt, i, j))
    cands.sort()
    used_t: set[int] = set()
    used_d: set[int] = set()
    pairs = []
    for _, i, j in cands:
        if i not in used_t and j not in used_d:
            used_t.add(i)
            used_d.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _hold(rep: Rep) -> float | None:
    hs, he = opt_number(rep, "hold_start_s"), opt_number(rep, "hold_end_s")
    if hs is None or he is None:
        return None
    return he - hs


def score(
    truth: Sequence[Rep],
    detected: Sequence[Rep],
    verifiable: Iterable[str] = ERROR_KINDS,
) -> Tally:
    """Compare one session's repetitions (dicts with the analyze JSON keys)."""
    tally = Tally()
    pairs = match(truth, detected)
    tally.tp = len(pairs)
    tally.fn = len(truth) - len(pairs)
    tally.fp = len(detected) - len(pairs)
    kinds = [k for k in ERROR_KINDS if k in set(verifiable)]
    for i, j in pairs:
        tr, d = truth[i], detected[j]
        t_on = number(tr, "onset_s")
        tally.onset_err.append(abs(number(d, "onset_s") - t_on))
        tally.latency.append(number(d, "onset_detected_s") - t_on)
        ht, hd = _hold(tr), _hold(d)
        if ht is not None and hd is not None and ht >= 1.0:
            tally.hold_err.append(abs(hd - ht))
        tally.lifts_exact.append(
            len(numbers(tr, "quick_lifts_s")) == len(numbers(d, "quick_lifts_s"))
        )
        terr = set(strings(tr, "errors"))
        derr = set(strings(d, "errors"))
        for k in kinds:
            c = tally.errors[k]
            if k in terr:
                c[0 if k in derr else 1] += 1
            else:
                c[2 if k in derr else 3] += 1
    return tally
