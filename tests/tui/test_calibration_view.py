"""What the calibration screen says at each step: the seconds once, never twice."""

from __future__ import annotations

from perineo.locale import Lang
from perineo.program.calibration import CalibrationSettings, CalPhase, CalStep
from perineo.program.texts import Message, Prompt
from perineo.tui import present


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
