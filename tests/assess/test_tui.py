"""The assess screen through Pilot: contractions appear in the table, redo, the result."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import DataTable, Static

from perineo.assess.guide import Prompt, PromptKind
from perineo.assess.model import Step
from perineo.tui.screens.assess import AssessApp, squeeze_cue
from perineo_sim.patient import SimPatient


@pytest.mark.slow
def test_a_simulated_assessment_runs_with_a_redo() -> None:
    asyncio.run(_assessment_with_a_redo())


async def _assessment_with_a_redo() -> None:
    pat = SimPatient(2, speed=400.0)
    app = AssessApp(pat.source, "P-0042", follower=pat, fps=4)
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


@pytest.mark.slow
def test_closing_in_the_middle_keeps_what_was_measured() -> None:
    """``q`` during the power step ends the assessment first: the app returns what was
    measured (and ``perineo assess`` stores it), as ``e`` does; it used to close at once
    and return nothing, so the patient's assessment was lost."""
    asyncio.run(_close_in_the_power_step())


async def _close_in_the_power_step() -> None:
    pat = SimPatient(2, speed=400.0)
    app = AssessApp(pat.source, "P-0042", follower=pat, fps=4)
    async with app.run_test(size=(110, 40)) as pilot:
        for _ in range(600):
            await pilot.pause(0.02)
            cur = app.session.runner.current
            if cur is not None and cur.step is Step.POWER and app.session.runner._next >= 3:
                break
        assert app.outcome is None
        await pilot.press("q")
        for _ in range(300):
            if app.return_value is not None or not app.is_running:
                break
            await pilot.pause(0.02)
    out = app.return_value
    assert out is not None and out.result is not None
    assert any(c.step is Step.POWER for c in out.result.contractions)
