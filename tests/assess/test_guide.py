"""The guided protocol runner: cue times, steps as they ran, redo and skip, and the
repetitions of the first hold."""

from __future__ import annotations

import math

import pytest

from perineo.assess.guide import PROTOCOL, GuideRunner, GuideStep, PromptKind, repeat_cue
from perineo.assess.model import Step
from perineo.assess.texts import GuideText as T
from perineo.locale import Lang, say

SHORT = (
    GuideStep(Step.REST, T.REST, T.REST_DO, duration_s=5.0),
    GuideStep(
        Step.ENDURANCE,
        T.ENDURANCE,
        T.ENDURANCE_DO,
        count=2,
        hold_s=10.0,
        rest_s=4.0,
        lead_s=1.0,
    ),
    GuideStep(Step.FAST, T.FAST, T.FAST_DO, count=3, hold_s=1.0, rest_s=1.0, lead_s=1.0),
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


HOLDS = (
    GuideStep(
        Step.ENDURANCE,
        T.ENDURANCE,
        T.ENDURANCE_DO,
        count=4,
        hold_s=10.0,
        rest_s=4.0,
        lead_s=1.0,
    ),
    GuideStep(Step.FAST, T.FAST, T.FAST_DO, count=1, hold_s=1.0, rest_s=1.0, lead_s=1.0),
)


def squeezes(prompts, step=Step.ENDURANCE):
    return [(p.at_s, p.hold_s, p.repeat) for p in prompts if p.kind is PromptKind.SQUEEZE
            and p.step is step]  # fmt: skip


def test_the_repetitions_are_cued_as_long_as_the_first_hold_and_the_schedule_follows():
    r = GuideRunner(HOLDS)
    prompts = r.start(0.0) + run_to(r, 9.0)  # the first cue at 1 s; at her hold 0.8 s later
    r.repeat_hold(7.2, 0.8)  # she held it 7.2 s: E 7 s, the cue lasting 0.8 + 7.2 s
    prompts += run_to(r, 80.0)
    # cue 2 after the first cue's 10 s and 4 s rest; then every 8 + 4 s, each asking 7 s
    assert squeezes(prompts) == [
        (1.0, 10.0, False),
        (15.0, 7.0, True),
        (27.0, 7.0, True),
        (39.0, 7.0, True),
    ]
    let_go = [p.at_s for p in prompts if p.kind is PromptKind.LET_GO and p.step is Step.ENDURANCE]
    assert let_go == [11.0, 23.0, 35.0, 47.0]
    # the step ends after the last let-go and its rest, not after 4 cues of 10 s
    assert [(s.step, s.start_s, s.end_s) for s in r.spans[:1]] == [(Step.ENDURANCE, 0.0, 51.0)]
    assert squeezes(prompts, Step.FAST) == [(52.0, 1.0, False)]
    again = next(p for p in prompts if p.repeat)
    assert again.number == 2 and again.message is not None
    assert "as long as the first (7 s)" in say(Lang.EN, again.message)


def test_a_cue_already_given_keeps_its_length():
    r = GuideRunner(HOLDS)
    prompts = r.start(0.0) + run_to(r, 16.0)  # cue 2 (15 s) given before the first was final
    r.repeat_hold(6.0)
    prompts += run_to(r, 60.0)
    assert squeezes(prompts) == [
        (1.0, 10.0, False),
        (15.0, 10.0, False),
        (29.0, 6.0, True),
        (39.0, 6.0, True),
    ]
    assert r.spans[0].end_s == 49.0


@pytest.mark.parametrize(
    ("held", "lead", "asked", "lasts"),
    [
        (7.0, 0.5, 7.0, 7.5),
        (7.99, 1.0, 7.0, 8.99),  # E is whole seconds held: 7.99 s is 7, as in the report
        (0.3, 0.4, 1.0, 1.4),
        (-2.0, 0.5, 1.0, 1.5),
        (9.2, 1.0, 9.0, 10.0),  # never longer than the step's own cue
        (14.0, 0.0, 10.0, 10.0),
    ],
)
def test_a_repetition_asks_for_e_and_lasts_as_long_as_the_first(held, lead, asked, lasts):
    assert repeat_cue(held, lead, 10.0) == pytest.approx((asked, lasts))
    r = GuideRunner(HOLDS)
    r.start(0.0)
    r.repeat_hold(held, lead)
    assert r.repeat_hold_s == asked


def test_a_hold_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="cannot be repeated"):
        repeat_cue(math.nan, 0.5, 10.0)
    with pytest.raises(ValueError, match="cannot be repeated"):
        r = GuideRunner(HOLDS)
        r.start(0.0)
        r.repeat_hold(math.inf)


def test_a_redo_measures_the_first_hold_again():
    r = GuideRunner(HOLDS)
    r.start(0.0)
    run_to(r, 9.0)
    r.repeat_hold(5.0)
    run_to(r, 16.0)
    again = r.redo(16.0) + run_to(r, 32.0)  # (before 16 s nothing falls due again)
    assert r.repeat_hold_s is None
    assert squeezes(again) == [(17.0, 10.0, False), (31.0, 10.0, False)]


def test_a_rest_step_has_no_repetitions_to_cue():
    r = GuideRunner(SHORT)
    r.start(0.0)
    r.repeat_hold(5.0)  # in the rest step: nothing to repeat
    assert r.repeat_hold_s is None


def test_without_repeat_hold_the_protocol_runs_to_its_fixed_schedule():
    r = GuideRunner()
    prompts = r.start(0.0) + run_to(r, 400.0, dt=0.5)
    power, endurance, recovery, fast = PROTOCOL[1:]
    holds = squeezes(prompts)
    start = r.spans[2].start_s
    assert holds == [(start + 3.0 + 14.0 * k, 10.0, False) for k in range(10)]
    assert [s.end_s - s.start_s for s in r.spans] == [
        20.0,
        power.lead_s + 3 * 13.0,
        endurance.lead_s + 10 * 14.0,
        recovery.duration_s,
        fast.lead_s + 10 * 2.0,
    ]
    assert not any(p.repeat for p in prompts)
