"""``perineo plan``: where the user stands over months, and what the seed says comes next."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from perineo import strict_json
from perineo.text_safety import visible


def add_arguments(p: argparse.ArgumentParser) -> None:
    from perineo.program.plan import Leakage

    p.add_argument(
        "--leakage",
        choices=[lv.value for lv in Leakage],
        help="answer the weekly symptom check first: how often leakage happened this week",
    )
    p.add_argument("--note", default="", help="a note with the symptom check")
    p.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.add_argument("--lang", choices=("en", "nn"), default="en", help="language of the advice")


def run(args: argparse.Namespace) -> int:
    from perineo.commands.checks import skip_program
    from perineo.program.loader import load_programs
    from perineo.program.plan import ADVICE_TEXT, Leakage, SymptomEntry, advise
    from perineo.program.progression import targets
    from perineo.program.texts import Lang
    from perineo.store.history import session_progress
    from perineo.store.sessions import TrainingRecord

    today = args.today or date.today()
    with TrainingRecord.open_at_start() as rec:
        if args.leakage:
            rec.add_symptom(SymptomEntry(today, Leakage(args.leakage), args.note))
        progress = session_progress(rec)
        plan = advise(progress, rec.symptoms(), today)
    programs = load_programs(on_error=skip_program)
    today_targets = None
    if plan.program in programs:
        today_targets = targets(programs[plan.program], progress)
    if args.format == "json":
        doc = plan.to_json()
        doc["targets"] = None if today_targets is None else today_targets.to_json()
        strict_json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    out.write(f"{ADVICE_TEXT[Lang(args.lang)][plan.advice]}\n\n")
    for reason in plan.reasons:
        out.write(f"  - {visible(reason)}\n")
    if today_targets is not None and not today_targets.full and today_targets.hold_s:
        out.write(
            f"  - Today: hold {today_targets.hold_s} s (you typically hold "
            f"{today_targets.reached_s:.1f} s); quick lifts come once you hold 6 s.\n"
        )
    if plan.weeks:
        out.write(
            f"\n{'week of':<10}  {'days':>4}  {'dose':>4}  {'reps':>4}  {'good':>5}  "
            f"{'hold s':>6}  {'lifts':>5}  {'MVC':>5}  {'errors':>6}  leakage\n"
        )
        for w in plan.weeks[-12:]:
            out.write(
                f"{w.week_start.isoformat():<10}  {w.days_trained:>4}  {w.dose_days:>4}  "
                f"{w.reps:>4}  {w.good_share:>5.0%}  {_f(w.longest_hold_s):>6}  "
                f"{_f(w.mean_quick_lifts):>5}  {_f(w.mvc_cmH2O, 0):>5}  {w.errors:>6}  "
                f"{'—' if w.leakage is None else w.leakage.value}\n"
            )
    if plan.symptom_check_due:
        out.write(
            "\nWeekly symptom check due: perineo plan --leakage "
            "none|rarely|weekly|daily|several_daily\n"
        )
    return 0


def _f(x: float | None, nd: int = 1) -> str:
    return "—" if x is None else f"{x:.{nd}f}"
