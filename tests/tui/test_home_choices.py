"""The home screen offers the choices a new user needs: the program (the plan's advice first),
the language, today's targets, the weekly check the plan needs, and reusing the calibration."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Checkbox, OptionList, Select, Static

from perineo.display.home import ADVISED, advised_program, training_programs
from perineo.program.calibration import Calibration
from perineo.program.loader import get_program, load_programs
from perineo.program.plan import Advice, Leakage, advise
from perineo.session.choices import SourceChoices
from perineo.store.sessions import TrainingRecord
from perineo.tui.app import create_app
from perineo.tui.screens.check import CheckScreen
from perineo.tui.screens.home import HomeScreen
from perineo.tui.screens.summary import SummaryScreen

from .helpers import run, wait_for

TODAY = date(2026, 3, 16)
STORED = Calibration(
    rest_cmH2O=30.0, mvc_cmH2O=45.0, attempts_cmH2O=(45.0,), valid=(True,), settle_s=20.0,
    drift_cmH2O_per_min=0.1, settled=True, created_at="2026-03-01T08:00:00+00:00",
)  # fmt: skip


def _text(screen: HomeScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def test_every_advice_points_to_a_training_program() -> None:
    programs = training_programs(load_programs())
    assert set(ADVISED) == set(Advice)
    new_user = advise([], [], TODAY)
    assert new_user.advice is Advice.START
    assert advised_program(new_user, programs) == "learn"


@pytest.mark.slow
def test_a_new_user_is_offered_the_plans_advice_and_answers_the_weekly_check(
    record: TrainingRecord, home: Path
) -> None:
    # `perineo train` without --program: intensive only as a fallback, the plan decides
    app = create_app(program="intensive", program_chosen=False, record=record, today=TODAY)

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.2)
            screen = app.screen
            assert isinstance(screen, HomeScreen)
            assert screen.query_one("#home-program", Select).value == "learn"
            assert _text(screen, "#home-plan") == "Your plan: Start by finding the muscles."
            assert _text(screen, "#home-targets") == "Today: 1 × 12 squeezes, hold 2 s"
            assert "Press w" in _text(screen, "#home-check")
            assert not screen.query("#home-reuse")  # nothing stored to reuse yet
            # the weekly check, in the app
            await pilot.press("w")
            await wait_for(pilot.pause, lambda: isinstance(app.screen, CheckScreen))
            answers = app.screen.query_one(OptionList)
            assert [str(answers.get_option_at_index(i).prompt) for i in range(5)] == [
                "none", "rarely", "weekly", "daily", "several times a day",
            ]  # fmt: skip
            await pilot.press("down", "enter")
            await wait_for(pilot.pause, lambda: isinstance(app.screen, HomeScreen))
            await pilot.pause(0.1)
            assert [e.leakage for e in record.symptoms()] == [Leakage.RARELY]
            assert record.symptoms()[0].day == TODAY
            assert not app.screen.query("#home-check")  # answered for this week
            # another program: today's targets follow it
            app.screen.query_one("#home-program", Select).value = "intensive"
            await pilot.pause(0.1)
            targets = _text(app.screen, "#home-targets")
            assert targets == "Today: 3 × 12 squeezes, hold 7 s, then 4 quick lifts"
            # the language: the screen is said again in Nynorsk, the program kept
            app.screen.query_one("#home-lang", Select).value = "nn"
            await wait_for(pilot.pause, lambda: app.lang.value == "nn")
            await pilot.pause(0.2)
            screen = app.screen
            assert isinstance(screen, HomeScreen)
            assert screen.query_one("#home-program", Select).value == "intensive"
            assert _text(screen, "#home-targets").startswith("I dag: 3 × 12 samantrekningar")

    run(drive())


@pytest.mark.slow
def test_reuse_the_stored_calibration_from_home(record: TrainingRecord, home: Path) -> None:
    record.save_calibration(STORED)
    learn = get_program("learn")
    choices = SourceChoices(get_program("intensive"), speed=5.0, seed=7)
    app = create_app(
        program="intensive",
        program_chosen=False,
        record=record,
        source_factory=choices.open,
        today=TODAY,
        sets=1,
        reps_per_set=1,
    )

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.2)
            screen = app.screen
            assert isinstance(screen, HomeScreen)
            box = screen.query_one("#home-reuse", Checkbox)
            assert str(box.label) == (
                "Use my calibration of 2026-03-01 (rest 30.0, strongest 45.0 cmH2O above it)"
            )
            box.value = True
            screen.query_one("#sources", OptionList).focus()
            await pilot.press("enter")  # the simulator
            # one short repetition of finding the muscles, with no calibrating: soon done
            await wait_for(pilot.pause, lambda: isinstance(app.screen, SummaryScreen))
            session = app.session
            assert session is not None and session.result.calibration == STORED
            assert session.trainer.calibrator is None  # no calibrating
            assert app.options.program.name == "learn"  # the advice, for a new user
            assert app.options.program.rep.coach_hold_s == learn.rep.coach_hold_s
            follower = session.pipeline.source
            assert getattr(follower, "program", None) is app.options.program

    run(drive())


@pytest.mark.slow
def test_the_reuse_box_shows_whether_it_is_ticked_without_colour(
    record: TrainingRecord, home: Path
) -> None:
    # the standard box reads "▐X▌" ticked or not (only its colour changes): a new user read
    # "▐X▌ Use my calibration …" as ticked, chose the simulator and was calibrated again
    record.save_calibration(STORED)
    app = create_app(program="intensive", program_chosen=False, record=record, today=TODAY)

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.2)
            box = app.screen.query_one("#home-reuse", Checkbox)
            assert not box.value
            assert str(box.render()).startswith("▐ ▌ Use my calibration")
            box.focus()
            await pilot.press("space")
            await pilot.pause(0.1)
            assert box.value
            assert str(box.render()).startswith("▐X▌ Use my calibration")

    run(drive())
