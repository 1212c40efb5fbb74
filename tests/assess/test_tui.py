"""The assess screen through Pilot: contractions appear in the table, redo, the result."""

from __future__ import annotations

import asyncio

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from perineo.assess.guide import Prompt, PromptKind
from perineo.assess.model import Step
from perineo.tui.screens.assess import AssessApp, squeeze_cue
from perineo.tui.screens.confirm import ConfirmEnd
from perineo_sim.patient import SimPatient


@pytest.mark.slow
def test_a_simulated_assessment_runs_with_a_redo() -> None:
    asyncio.run(_assessment_with_a_redo())


async def _assessment_with_a_redo() -> None:
    app = _simulated()
    redone = False
    async with app.run_test(size=(110, 40)) as pilot:
        for _ in range(600):
            await pilot.pause(0.02)
            runner = app.session.runner
            cur = runner.current
            if not redone and cur is not None and cur.step is Step.POWER and runner._next >= 2:
                await pilot.press("r")
                redone = True
            if app.outcome is not None:
                break
        assert redone and app.outcome is not None
        table = app.screen.query_one("#assess-table", DataTable)
        res = app.outcome.result
        assert res is not None
        # rows: every contraction, also those of the redone attempt (not counted)
        assert table.row_count > len(res.contractions)
        assert sum(c.step is Step.POWER for c in res.contractions) == 3
        shown = str(app.screen.query_one("#assess-result", Static).render())
        assert res.line() in shown
        await pilot.press("q")
    assert app.return_value is app.outcome


def test_the_cue_says_how_long_to_hold() -> None:
    def squeeze(number: int, hold_s: float, repeat: bool = False) -> Prompt:
        return Prompt(PromptKind.SQUEEZE, 0.0, Step.ENDURANCE, number, hold_s, repeat=repeat)

    assert squeeze_cue(squeeze(1, 10.0)) == "SQUEEZE — 1 · hold up to 10 s"
    assert squeeze_cue(squeeze(2, 8.0, True)) == "SQUEEZE — 2 · hold 8 s — as long as the first"
    assert squeeze_cue(squeeze(3, 1.0)) == "SQUEEZE — 3"  # a fast one: no hold to say


def _simulated(lang: str = "en") -> AssessApp:
    """The assessment app with the simulated patient (seed 2) following its cues, fast."""
    pat = SimPatient(2, speed=400.0)
    return AssessApp(pat.source, "P-0042", follower=pat, fps=4, lang=lang)


async def _into_the_power_step(app: AssessApp, pilot: Pilot[object], attempts: int) -> None:
    for _ in range(600):
        await pilot.pause(0.02)
        cur = app.session.runner.current
        if cur is not None and cur.step is Step.POWER and app.session.runner._next >= attempts:
            return
    raise AssertionError("the power step never came")


def _asked(app: AssessApp) -> str:
    assert isinstance(app.screen, ConfirmEnd)
    return str(app.screen.query_one(".heading", Static).render())


@pytest.mark.slow
def test_closing_in_the_middle_asks_then_keeps_what_was_measured() -> None:
    """``q`` during the power step asks first (the training's modal, in the assessment's
    words); ``q`` again ends the assessment: the app returns what was measured (and
    ``perineo assess`` stores it), as ``e`` does."""
    asyncio.run(_close_in_the_power_step())


async def _close_in_the_power_step() -> None:
    app = _simulated()
    async with app.run_test(size=(110, 40)) as pilot:
        await _into_the_power_step(app, pilot, 3)
        assert app.outcome is None
        await pilot.press("q")
        assert _asked(app) == "End the assessment and close?"
        assert app.is_running and not app.session.stopping
        await pilot.press("q")  # the same key again: yes
        for _ in range(300):
            if app.return_value is not None or not app.is_running:
                break
            await pilot.pause(0.02)
    out = app.return_value
    assert out is not None and out.result is not None and not out.complete
    assert any(c.step is Step.POWER for c in out.result.contractions)


@pytest.mark.slow
def test_ending_asks_and_no_keeps_the_assessment_going() -> None:
    """``e`` asks before ending; Escape (or the default button) answers no: the modal goes,
    the assessment measures on and ends by itself with every step; ``q`` after its result
    closes at once (nothing left to lose)."""
    asyncio.run(_end_asked_and_refused())


async def _end_asked_and_refused() -> None:
    app = _simulated(lang="nn")
    async with app.run_test(size=(110, 40)) as pilot:
        await _into_the_power_step(app, pilot, 2)
        await pilot.press("e")
        assert _asked(app) == "Vil du avslutte undersøkinga no?"
        await pilot.press("escape")
        assert app.screen is app.screen_view and not app.session.stopping
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmEnd)
        await pilot.press("enter")  # the focused default: go on assessing
        assert app.screen is app.screen_view and not app.session.stopping
        for _ in range(1500):
            if app.outcome is not None:
                break
            await pilot.pause(0.02)
        out = app.outcome
        assert out is not None and out.complete and out.result is not None
        assert {c.step for c in out.result.contractions} >= {Step.POWER, Step.FAST}
        await pilot.press("e")  # ended: nothing to ask
        assert app.screen is app.screen_view
        await pilot.press("q")
        await pilot.pause(0.1)
    assert app.return_value is out


@pytest.mark.slow
def test_ending_with_e_after_asking_stores_an_early_end() -> None:
    asyncio.run(_end_confirmed())


async def _end_confirmed() -> None:
    app = _simulated()
    async with app.run_test(size=(110, 40)) as pilot:
        await _into_the_power_step(app, pilot, 3)
        await pilot.press("e")
        assert _asked(app) == "End the assessment now?"
        await pilot.click("#end")
        for _ in range(300):
            if app.outcome is not None:
                break
            await pilot.pause(0.02)
        out = app.outcome
        assert out is not None and not out.complete and out.result is not None
        assert app.is_running  # ended, not closed: the result is on the screen
        shown = str(app.screen.query_one("#assess-result", Static).render())
        assert out.result.line() in shown
