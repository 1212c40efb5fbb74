"""Calibration as a state machine fed by a scripted baseline and detector events."""

from __future__ import annotations

import math

import pytest

from perineo.locale import Lang, say
from perineo.program.calibration import Calibration, CalibrationSettings, Calibrator, CalPhase
from perineo.program.loader import get_program
from perineo.program.script import make_rep, rep_events
from perineo.program.texts import Message, Prompt
from perineo.signal.events import Event, TechError


def warming(t: float) -> float:
    """Resting level warming up: +6 cmH2O over the first minutes (time constant 30 s)."""
    return 20.0 + 6.0 * (1 - math.exp(-t / 30.0))


def drive(cal: Calibrator, events: list[Event], until: float, level=warming, step=0.1):
    pending = sorted(events, key=lambda e: e.detected_s)
    steps = []
    t = 0.0
    while t <= until + 1e-9:
        now = [e for e in pending if e.detected_s <= t]
        pending = pending[len(now) :]
        steps.append((round(t, 2), cal.update(t, now, level(t))))
        t += step
        if steps[-1][1].done:
            break
    return steps


def mvc_events(start: float, peaks, errors=None) -> list[Event]:
    evs: list[Event] = []
    onset = start
    for i, p in enumerate(peaks):
        errs = errors[i] if errors else ()
        r = make_rep(index=i, onset=onset, hold=3.0, quick=0, peak=p, errors=errs)
        evs += rep_events(r)
        onset = r.end_s + 12.0
    return evs


def phase_start(steps, phase):
    return next(t for t, s in steps if s.phase is phase)


def test_settles_after_the_warm_up_drift_then_takes_rest_and_best_of_three():
    cal = Calibrator(channels=("squeeze",))
    steps = drive(cal, [], until=400)
    # settled once the level moves under 0.3 cmH2O in 20 s (t ~ 80 s), then rest level
    assert steps[-1][1].phase is CalPhase.MVC
    t_rest = phase_start(steps, CalPhase.REST_LEVEL)
    assert 70 < t_rest < 100
    mvc_start = phase_start(steps, CalPhase.MVC)
    assert mvc_start == pytest.approx(t_rest + 10, abs=0.2)
    cal2 = Calibrator(channels=("squeeze",))
    evs = mvc_events(mvc_start + 1, [30.0, 42.0, 38.0])
    steps = drive(cal2, evs, until=mvc_start + 120)
    last = steps[-1][1]
    assert last.done and last.result is not None
    res = last.result
    assert res.mvc_cmH2O == 42.0 and res.attempts_cmH2O == (30.0, 42.0, 38.0)
    assert res.rest_cmH2O == pytest.approx(warming(t_rest + 5), abs=0.3)
    assert res.settled and res.drift_cmH2O_per_min < 1.0
    assert last.prompt == Message.of(Prompt.CALIBRATED, n=42.0)
    assert say(Lang.EN, last.prompt) == "Calibrated – strongest squeeze 42 cmH2O"
    texts = {say(Lang.EN, s.prompt) for _, s in steps}
    assert {"Squeeze as hard as you can (1/3)", "Squeeze as hard as you can (3/3)"} <= texts
    assert "Rest 10…" in texts


def test_push_down_attempt_does_not_count_and_warns():
    cal = Calibrator(
        settings=CalibrationSettings(settle_min_s=1, settle_window_s=1, rest_window_s=1)
    )
    evs = mvc_events(5.0, [60.0, 30.0, 31.0, 32.0], errors=[(TechError.PUSH_DOWN,), (), (), ()])
    steps = drive(cal, evs, until=200, level=lambda t: 10.0)
    res = steps[-1][1].result
    assert res is not None and res.mvc_cmH2O == 32.0
    assert res.valid == (False, True, True, True)
    assert any(s.warning == Message.of(TechError.PUSH_DOWN) for _, s in steps)


def test_settling_times_out_while_drifting():
    settings = CalibrationSettings(settle_max_s=30)
    cal = Calibrator(settings=settings)
    steps = drive(cal, [], until=40, level=lambda t: 10 + 0.2 * t)  # 12 cmH2O/min
    t_rest = phase_start(steps, CalPhase.REST_LEVEL)
    assert t_rest == pytest.approx(30, abs=0.2)
    assert not cal._settled


def test_onset_during_rest_measurement_restarts_it():
    cal = Calibrator(
        settings=CalibrationSettings(settle_min_s=1, settle_window_s=1, rest_window_s=5)
    )
    r = make_rep(onset=3.0, hold=1.0, quick=0)
    steps = drive(cal, rep_events(r), until=20, level=lambda t: 10.0)
    # rest measured again from the end of the contraction (final at 7.1 s), not ~6 s
    assert phase_start(steps, CalPhase.MVC) == pytest.approx(r.end_s + 1.5 + 5.0, abs=0.15)


def test_keep_level_and_json_round_trip():
    cal = Calibration(5.0, 40.0, (40.0,), (True,), 60.0, 0.3, True, "2026-01-01T00:00:00+00:00")
    assert cal.keep_level_cmH2O(get_program("intensive")) == 20.0
    assert cal.keep_level_cmH2O(get_program("basic")) is None
    assert Calibration.from_json(cal.to_json()) == cal
