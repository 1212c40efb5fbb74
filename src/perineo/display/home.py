"""What the home screen offers, as plain values: the programs to choose from (the plan's
advice chosen by default), today's targets, the weekly symptom check, the stored calibration.

Nothing of Textual; the words come from the catalogues (:mod:`perineo.locale`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from perineo.locale import Lang, say
from perineo.program.calibration import Calibration
from perineo.program.loader import load_programs
from perineo.program.model import Program, ProgramKind
from perineo.program.plan import Advice, Plan, SessionProgress, advise
from perineo.program.progression import personalize, targets
from perineo.store.history import session_progress
from perineo.store.sessions import TrainingRecord

# the program each piece of advice points to (None: the one trained most recently)
ADVISED: Mapping[Advice, str | None] = {
    Advice.START: "learn",
    Advice.CONTINUE_LEARN: "learn",
    Advice.MOVE_TO_INTENSIVE: "intensive",
    Advice.CONTINUE_INTENSIVE: "intensive",
    Advice.BACK_TO_INTENSIVE: "intensive",
    Advice.SWITCH_TO_MAINTENANCE: "maintenance",
    Advice.CONTINUE_MAINTENANCE: "maintenance",
    Advice.CONTACT_PROFESSIONAL: None,
}
FALLBACK = "learn"  # a new user finds the muscles first


@dataclass(frozen=True)
class HomeView:
    programs: tuple[tuple[str, str], ...]  # (name, title in the user's language)
    advised: str  # the program the plan advises
    advice: str  # the plan's advice in words
    check_due: bool  # the weekly symptom check is due
    calibration: str | None  # the calibration in force, in words (None: none stored)


def training_programs(programs: Mapping[str, Program]) -> dict[str, Program]:
    return {n: p for n, p in programs.items() if p.kind is ProgramKind.TRAINING}


def advised_program(plan: Plan, programs: Mapping[str, Program]) -> str:
    """The program the plan's advice points to, if it is there; else the one she trains now,
    else finding the muscles."""
    name = ADVISED.get(plan.advice) or plan.program or FALLBACK
    if name in programs:
        return name
    if plan.program is not None and plan.program in programs:
        return plan.program
    return FALLBACK if FALLBACK in programs else next(iter(programs))


def plan_of(record: TrainingRecord, today: date) -> tuple[Plan, list[SessionProgress]]:
    progress = session_progress(record)
    return advise(progress, record.symptoms(), today), progress


def title(program: Program, lang: Lang) -> str:
    return program.title_nn if lang is Lang.NN else program.title


def home_view(
    record: TrainingRecord | None,
    programs: Mapping[str, Program],
    lang: Lang,
    today: date,
) -> HomeView:
    training = training_programs(programs)
    names = tuple((n, title(p, lang)) for n, p in training.items())
    if record is None:
        return HomeView(names, FALLBACK, "", False, None)
    plan, _ = plan_of(record, today)
    stored = record.latest_calibration()
    return HomeView(
        names,
        advised_program(plan, training),
        say(lang, plan.advice),
        plan.symptom_check_due,
        None if stored is None else calibration_words(stored[1], lang),
    )


def calibration_words(cal: Calibration, lang: Lang) -> str:
    return say(
        lang,
        "home.calibration",
        day=cal.created_at[:10],
        rest=cal.rest_cmH2O,
        mvc=cal.mvc_cmH2O,
    )


def todays_program(program: Program, record: TrainingRecord | None) -> Program:
    """``program`` with today's targets (a shorter hold while she cannot yet hold the full
    one): what the coach asks and scoring expects."""
    if record is None:
        return program
    return personalize(program, targets(program, session_progress(record)))


def targets_words(
    program: Program, lang: Lang, *, sets: int | None = None, reps: int | None = None
) -> str:
    """Today's targets as the coach will ask them: sets, repetitions, hold, quick lifts."""
    rep = program.rep
    words = say(
        lang,
        "home.targets",
        sets=sets or program.dose.sets,
        reps=reps or int(program.dose.reps.high),
        hold=round(rep.coach_hold_s),
    )
    if rep.coach_quick_lifts:
        words += say(lang, "home.targets_quick", quick=rep.coach_quick_lifts)
    return words


def advised_name(record: TrainingRecord, today: date) -> str:
    """The program ``perineo train`` starts with when none is named: the plan's advice."""
    programs = training_programs(load_programs(on_error=lambda problem: None))
    plan, _ = plan_of(record, today)
    return advised_program(plan, programs)
