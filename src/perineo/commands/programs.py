"""``perineo programs``: the training programs (built in and the user's own) with their targets.

Listed in the order they are trained (learn, basic, intensive, maintenance, then the user's
own), with the assessment apart; ``--lang nn`` says all of it in Nynorsk.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable

from perineo import strict_json
from perineo.locale import Lang, say
from perineo.program.model import Period, Program, ProgramKind
from perineo.text_safety import visible

# The Norwegian training program's order: find the muscles, train daily, train hard, keep it.
TRAINING_ORDER = ("learn", "basic", "intensive", "maintenance")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.add_argument("--lang", choices=("en", "nn"), default="en", help="language of the list")


def in_training_order(programs: Iterable[Program]) -> tuple[list[Program], list[Program]]:
    """The training programs in the order they are trained, and the assessments apart."""
    training = [p for p in programs if p.kind is ProgramKind.TRAINING]
    known = {name: i for i, name in enumerate(TRAINING_ORDER)}
    training.sort(key=lambda p: (known.get(p.name, len(known)), p.name))
    assessments = sorted((p for p in programs if p.kind is not ProgramKind.TRAINING), key=_name)
    return training, assessments


def _name(p: Program) -> str:
    return p.name


def describe_targets(program: Program, lang: Lang) -> str:
    """One line of targets: dose, hold, quick lifts, rest, effort, months."""
    d, rep = program.dose, program.rep
    if program.perfect is not None:  # an assessment: its steps, not a daily dose
        pf = program.perfect
        return say(
            lang,
            "programs.perfect",
            holds=pf.repetitions_max,
            hold=pf.endurance_max_s,
            rest=pf.rest_s,
            fast=pf.fast_max,
            pause=pf.fast_rest_before_s,
        )
    sets = say(lang, "programs.sets", sets=d.sets) if d.sets > 1 else ""
    if d.period is Period.WEEK:
        parts = [say(lang, "programs.dose_week", reps=d.reps, sets=sets, sessions=d.sessions)]
    else:
        parts = [say(lang, "programs.dose_day", reps=d.reps, sets=sets)]
    if rep.hold_s is not None:
        parts.append(say(lang, "programs.hold", hold=rep.hold_s))
    if rep.quick_lifts is not None:
        parts.append(say(lang, "programs.quick", quick=rep.quick_lifts))
    parts.append(say(lang, "programs.rest", rest=rep.rest_s))
    parts.append(say(lang, "programs.effort", effort=program.effort))
    if program.min_months:
        parts.append(say(lang, "programs.months", months=program.min_months))
    return ", ".join(parts)


def run(args: argparse.Namespace) -> int:
    from perineo.program.loader import load_programs, user_programs_dir

    programs = load_programs()
    training, assessments = in_training_order(programs.values())
    if args.format == "json":
        doc = [p.to_json() for p in (*training, *assessments)]
        strict_json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    lang = Lang(args.lang)
    width = max(len(visible(name)) for name in programs)
    out = sys.stdout
    _write(out.write, training, lang, width)
    if assessments:
        out.write(f"\n{say(lang, 'programs.assessment')}\n")
        _write(out.write, assessments, lang, width)
    out.write(f"\n{say(lang, 'programs.own', folder=visible(user_programs_dir()))}\n")
    return 0


def _write(write: Callable[[str], object], programs: list[Program], lang: Lang, width: int) -> None:
    for p in programs:
        title = visible(p.title_nn if lang is Lang.NN else p.title)
        origin = "" if p.source.startswith("built-in") else f"  [{visible(p.source)}]"
        write(f"{visible(p.name):<{width}}  {title}{origin}\n")
        write(f"{'':<{width}}  {describe_targets(p, lang)}\n")
