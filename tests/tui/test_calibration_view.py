"""What the calibration says: the seconds once, never twice; and what it found, summed up
before the first repetition."""

from __future__ import annotations

from dataclasses import replace

from perineo.display import present
from perineo.locale import Lang
from perineo.program.calibration import Calibration, CalibrationSettings, CalPhase, CalStep
from perineo.program.texts import Message, Prompt
from perineo.tui.widgets.coach import calibration_text


def test_the_rest_between_squeezes_says_its_seconds_once() -> None:
    step = CalStep(CalPhase.MVC_REST, Message.of(Prompt.REST, n=9), attempt=2, count=9)
    view = present.calibration_view(step, CalibrationSettings(), 60.0, Lang.EN)
    assert view.text == "Rest 9…" and view.countdown is None
    nn = present.calibration_view(step, CalibrationSettings(), 60.0, Lang.NN)
    assert nn.text.count("9") == 1 and nn.countdown is None


def test_the_resting_level_counts_down_beside_its_words() -> None:
    step = CalStep(CalPhase.REST_LEVEL, Message.of(Prompt.REST_LEVEL), count=7)
    view = present.calibration_view(step, CalibrationSettings(), 30.0, Lang.EN)
    assert view.countdown == 7 and "7" not in view.text


def _cal(**changes: object) -> Calibration:
    base = Calibration(
        rest_cmH2O=33.84, mvc_cmH2O=44.6, attempts_cmH2O=(40.0, 44.6), valid=(True, True),
        settle_s=60.0, drift_cmH2O_per_min=0.04, settled=True, created_at="2026-03-01T08:00:00",
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_calibration_result_is_said_before_the_first_repetition() -> None:
    assert calibration_text(_cal(), Lang.EN) == (
        "Calibrated: resting level 33.8 cmH2O, strongest squeeze 44.6 cmH2O above it.\n"
        "The probe had settled: the levels are steady."
    )
    drifting = calibration_text(_cal(settled=False, drift_cmH2O_per_min=0.9), Lang.NN)
    assert drifting.endswith(
        "Proben dreiv framleis (0.9 cmH2O i minuttet): kalibrer på nytt neste gong."
    )
    pushed = calibration_text(_cal(valid=(False, False)), Lang.EN)
    assert pushed.endswith(
        "Every squeeze pushed down: ask a physiotherapist to check how you lift."
    )


def _values_on_screen(lang: Lang) -> str:
    from textual.app import App
    from textual.widgets import Static

    from perineo.display.tracebuf import TraceBuffer
    from perineo.display.view import CalibrationView
    from perineo.tui.screens.calibrate import CalibrateScreen

    from .helpers import run

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(CalibrateScreen(lang, TraceBuffer()))

    async def drive() -> str:
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.1)
            screen = app.screen
            assert isinstance(screen, CalibrateScreen)
            screen.calibration = CalibrationView(step=4, rest_cmH2O=40.4, mvc_cmH2O=28.8)
            await pilot.pause(0.1)
            return str(screen.query_one("#cal-values", Static).render())

    return run(drive())


def test_the_strongest_squeeze_is_said_to_be_above_rest_while_calibrating() -> None:
    # seen at 80x24: "Resting level 40.4 cmH2O   Strongest squeeze 28.8 cmH2O", a squeeze
    # weaker than lying still (28.8 is above rest, as the summary after it says)
    assert _values_on_screen(Lang.EN) == (
        "Resting level 40.4 cmH2O   Strongest squeeze 28.8 cmH2O above rest"
    )
    assert _values_on_screen(Lang.NN) == (
        "Kvilenivå 40.4 cmH2O   Sterkaste samantrekning 28.8 cmH2O over kvilenivået"
    )
