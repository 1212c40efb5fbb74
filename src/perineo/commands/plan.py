"""``perineo plan``: where the user stands over months, and what the Norwegian training
program says comes next (in English or Nynorsk, ``--lang``)."""

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
    p.add_argument("--lang", choices=("en", "nn"), default="en", help="language of the plan")


def run(args: argparse.Namespace) -> int:
    from perineo.commands import open_record
    from perineo.commands.checks import skip_program
    from perineo.locale import Lang, say
    from perineo.program.loader import load_programs
    from perineo.program.plan import Leakage, SymptomEntry, advise
    from perineo.program.progression import targets
    from perineo.store.history import session_progress

    today = args.today or date.today()
    with open_record(args.lang) as rec:
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
    lang = Lang(args.lang)
    out.write(f"{say(lang, plan.advice)}\n\n")
    for reason in plan.reasons:
        out.write(f"  - {visible(say(lang, reason))}\n")
    if today_targets is not None and not today_targets.full and today_targets.hold_s:
        today = say(lang, "plan.today", hold=today_targets.hold_s, reached=today_targets.reached_s)
        out.write(f"  - {today}\n")
    if plan.weeks:
        head = [say(lang, f"plan.col.{c}") for c in _COLUMNS]
        out.write("\n" + "  ".join(f"{h:{w}}" for h, w in zip(head, _WIDTHS, strict=True)))
        out.write("\n")
        for w in plan.weeks[-12:]:
            row = (
                w.week_start.isoformat(),
                w.days_trained,
                w.dose_days,
                w.reps,
                f"{w.good_share:.0%}",
                _f(w.longest_hold_s),
                _f(w.mean_quick_lifts),
                _f(w.mvc_cmH2O, 0),
                w.errors,
                "—" if w.leakage is None else say(lang, w.leakage),
            )
            out.write("  ".join(f"{v:{w}}" for v, w in zip(row, _WIDTHS, strict=True)) + "\n")
    if plan.symptom_check_due:
        answers = "|".join(lv.value for lv in Leakage)
        out.write(f"\n{say(lang, 'plan.check_due', answers=answers)}\n")
    return 0


# The week table: its columns and their widths (the last one is not padded).
_COLUMNS = ("week", "days", "dose", "reps", "good", "hold", "lifts", "mvc", "errors", "leakage")
_WIDTHS = ("<10", ">5", ">4", ">4", ">5", ">13", ">5", ">5", ">6", "")


def _f(x: float | None, nd: int = 1) -> str:
    return "—" if x is None else f"{x:.{nd}f}"
