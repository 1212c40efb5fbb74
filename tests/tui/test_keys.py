"""Keyboard-only use: choose the simulator on Home, pause and resume, end early, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from perineo.program.calibration import Calibration
from perineo.program.model import Program
from perineo.session.choices import SourceChoices
from perineo.store.sessions import SessionStatus, TrainingRecord
from perineo.tui.app import PerineoApp, create_app
from perineo.tui.screens.calibrate import CalibrateScreen
from perineo.tui.screens.confirm import ConfirmEnd
from perineo.tui.screens.history import HistoryScreen
from perineo.tui.screens.home import HomeScreen
from perineo.tui.screens.summary import SummaryScreen
from perineo.tui.screens.train import TrainScreen
from perineo.tui.widgets.coach import CueDisplay
from perineo.tui.widgets.status import StatusLine

from .helpers import run, wait_for

# a calibration in the record: 'u' skips calibrating where a test is about what comes after
STORED = Calibration(
    rest_cmH2O=30.0, mvc_cmH2O=45.0, attempts_cmH2O=(45.0,), valid=(True,), settle_s=20.0,
    drift_cmH2O_per_min=0.1, settled=True, created_at="2026-03-01T08:00:00+00:00",
)  # fmt: skip


def _text(widget: Static) -> str:
    return str(widget.content)


async def _skip_calibrating(app: PerineoApp, pilot: Pilot[object]) -> None:
    """On the calibrate screen, once samples flow, 'u' uses the stored calibration."""
    await wait_for(pilot.pause, lambda: isinstance(app.screen, CalibrateScreen))
    await wait_for(pilot.pause, lambda: app.session is not None and app.session.samples > 0)
    await pilot.press("u")


@pytest.mark.slow
def test_home_enter_pause_end_history(
    record: TrainingRecord, intensive: Program, home: Path
) -> None:
    record.save_calibration(STORED)
    choices = SourceChoices(intensive, speed=50.0, seed=7)
    app = create_app(program=intensive, source_factory=choices.open, record=record, sets=1)

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("enter")  # the simulator is the first entry
            await _skip_calibrating(app, pilot)  # calibrating itself: test_session.py
            await wait_for(pilot.pause, lambda: isinstance(app.screen, TrainScreen))
            assert app.session is not None
            await pilot.press("space")
            await wait_for(pilot.pause, lambda: app.session is not None and app.session.paused)
            await pilot.pause(0.1)
            status = _text(app.screen.query_one(StatusLine))
            cue = _text(app.screen.query_one("#cue-text", Static))
            assert "PAUSED" in status and cue.startswith("Paused")
            assert app.screen.query_one(CueDisplay).cue.countdown is None
            await pilot.press("space")
            await wait_for(pilot.pause, lambda: app.session is not None and not app.session.paused)
            await pilot.press("e")  # asks first; Escape keeps training
            await wait_for(pilot.pause, lambda: isinstance(app.screen, ConfirmEnd))
            body = _text(app.screen.query_one("#confirm-body", Static))
            assert "not counted" in body
            await pilot.press("escape")
            await pilot.pause(0.3)
            assert isinstance(app.screen, TrainScreen) and not app.session.pipeline.stopping
            await pilot.press("e")
            await wait_for(pilot.pause, lambda: isinstance(app.screen, ConfirmEnd))
            await pilot.press("e")  # the same key again ends
            await wait_for(pilot.pause, lambda: isinstance(app.screen, SummaryScreen))
            await pilot.press("h")
            await wait_for(pilot.pause, lambda: isinstance(app.screen, HistoryScreen))
            days = _text(app.screen.query_one("#hist-days", Static))
            assert days.startswith("Days trained: 1")
            await pilot.press("escape")
            assert isinstance(app.screen, SummaryScreen)
            await pilot.press("n")
            await wait_for(pilot.pause, lambda: isinstance(app.screen, HomeScreen))

    run(drive())
    (info,) = record.sessions()
    assert info.status is SessionStatus.STOPPED  # ended early with 'e'


@pytest.mark.slow
def test_reuse_stored_calibration(record: TrainingRecord, intensive: Program, home: Path) -> None:
    """With a calibration in the record, 'u' skips calibrating and training starts at once."""
    record.save_calibration(STORED)
    choices = SourceChoices(intensive, speed=5.0, seed=7)
    app = create_app(choices.open(None), program=intensive, record=record, sets=1, reps_per_set=1)

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot.pause, lambda: app.session is not None and app.session.samples > 0)
            await pilot.press("u")
            await wait_for(pilot.pause, lambda: isinstance(app.screen, TrainScreen))
            assert app.session is not None and app.session.result.calibration is not None
            assert app.session.result.calibration.mvc_cmH2O == 45.0
            rep = app.screen.query_one("#rep", Static)
            await wait_for(pilot.pause, lambda: _text(rep).startswith("Your last"), 5)
            assert _text(rep) == (
                "Your last calibration: resting level 30.0 cmH2O, "
                "strongest squeeze 45.0 cmH2O above it.\n"
                "The probe had settled: the levels are steady."
            )
            await pilot.press("q")  # asks first while training; at once on the summary
            # (the one repetition may end, and the summary replace the question, meanwhile)
            await wait_for(
                pilot.pause,
                lambda: isinstance(app.screen, (ConfirmEnd, SummaryScreen)) or not app.is_running,
            )
            if app.is_running:
                await pilot.press("q")

    run(drive())


def test_no_color(monkeypatch, home: Path, intensive: Program) -> None:
    """NO_COLOR turns colour off; every state is still said in words and glyphs."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = create_app(program=intensive)

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.no_color

    run(drive())


@pytest.mark.slow
def test_quit_while_training_asks_first(
    record: TrainingRecord, intensive: Program, home: Path
) -> None:
    record.save_calibration(STORED)
    choices = SourceChoices(intensive, speed=50.0, seed=7)
    app = create_app(choices.open(None), program=intensive, record=record, sets=1, lang="nn")

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await _skip_calibrating(app, pilot)
            await wait_for(pilot.pause, lambda: isinstance(app.screen, TrainScreen))
            await pilot.press("q")
            await wait_for(pilot.pause, lambda: isinstance(app.screen, ConfirmEnd))
            assert _text(app.screen.query_one(".heading", Static)) == "Vil du lukke perineo no?"
            await pilot.press("enter")  # the focused button is "keep training"
            await pilot.pause(0.3)
            assert isinstance(app.screen, TrainScreen)
            await pilot.press("q")
            await wait_for(pilot.pause, lambda: isinstance(app.screen, ConfirmEnd))
            await pilot.press("q")
            await wait_for(pilot.pause, lambda: not app.is_running, timeout_s=10)

    run(drive())
    (info,) = record.sessions()
    assert info.status is SessionStatus.STOPPED
