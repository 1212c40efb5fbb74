"""The guided protocol runner: cue times, steps as they ran, redo and skip."""

from __future__ import annotations

import pytest

from perineo.assess.guide import PROTOCOL, GuideRunner, GuideStep, PromptKind
from perineo.assess.model import Step

SHORT = (
    GuideStep(Step.REST, "Rest", "rest", duration_s=5.0),
    GuideStep(Step.ENDURANCE, "Hold", "hold", count=2, hold_s=10.0, rest_s=4.0, lead_s=1.0),
    GuideStep(Step.FAST, "Fast", "fast", count=3, hold_s=1.0, rest_s=1.0, lead_s=1.0),
)


def run_to(r: GuideRunner, until: float, dt: float = 0.1):
    out, t = [], 0.0
    while t <= until:
        out += r.advance(t)
        t = round(t + dt, 6)
    return out


def test_the_protocol_follows_perfect():
    steps = [g.step for g in PROTOCOL]
    assert steps == [Step.REST, Step.POWER, Step.ENDURANCE, Step.RECOVERY, Step.FAST]
    power, endurance, recovery, fast = PROTOCOL[1:]
    assert power.count == 3
    assert (endurance.count, endurance.hold_s, endurance.rest_s) == (10, 10.0, 4.0)
    assert recovery.duration_s == 60.0
    assert (fast.count, fast.hold_s) == (10, 1.0)


def test_cues_fall_due_in_order_and_steps_are_recorded():
    r = GuideRunner(SHORT)
    prompts = r.start(0.0) + run_to(r, 60.0)
    squeezes = [(p.step, p.number, p.at_s) for p in prompts if p.kind is PromptKind.SQUEEZE]
    assert squeezes == [
        (Step.ENDURANCE, 1, 6.0),
        (Step.ENDURANCE, 2, 20.0),
        (Step.FAST, 1, 35.0),
        (Step.FAST, 2, 37.0),
        (Step.FAST, 3, 39.0),
    ]
    let_go = [p.at_s for p in prompts if p.kind is PromptKind.LET_GO]
    assert let_go == [16.0, 30.0, 36.0, 38.0, 40.0]
    assert r.finished and prompts[-1].kind is PromptKind.DONE
    assert [(s.step, s.start_s, s.end_s) for s in r.spans] == [
        (Step.REST, 0.0, 5.0),
        (Step.ENDURANCE, 5.0, 34.0),
        (Step.FAST, 34.0, 41.0),
    ]


def test_redo_restarts_the_step_and_skip_moves_on():
    r = GuideRunner(SHORT)
    r.start(0.0)
    run_to(r, 12.0)
    assert r.current is not None and r.current.step is Step.ENDURANCE
    again = r.redo(12.0)
    assert again[0].kind is PromptKind.STEP and again[0].step is Step.ENDURANCE
    nxt = r.advance(13.0)
    assert nxt[0].kind is PromptKind.SQUEEZE and nxt[0].number == 1 and nxt[0].at_s == 13.0
    r.skip(15.0)
    assert r.current is not None and r.current.step is Step.FAST
    # the redone attempt (5–12 s) is in no span
    assert [(s.step, s.start_s) for s in r.spans] == [(Step.REST, 0.0), (Step.ENDURANCE, 12.0)]


def test_an_empty_protocol_is_refused():
    with pytest.raises(ValueError, match="at least one step"):
        GuideRunner(())
