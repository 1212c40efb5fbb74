"""The steps of a recording without cues, the rounding of E and the technique checks, on
made-up repetitions and contractions (pure functions)."""

from __future__ import annotations

import pytest
from tests.assess.helpers import lines

from perineo.assess import Movement, Step
from perineo.assess.model import Contraction, held_floor
from perineo.assess.steps import fast_series, fast_shaped, infer_steps, is_assessment, step_at
from perineo.assess.technique import checks
from perineo.samples import Channel
from perineo.signal.events import Repetition


def _rep(i: int, onset: float, end: float, peak: float = 40.0) -> Repetition:
    hold = end - onset > 1.6
    return Repetition(
        index=i, onset_s=onset, onset_detected_s=onset + 0.1,
        hold_start_s=onset + 0.5 if hold else None, hold_end_s=end - 0.5 if hold else None,
        release_s=end - 0.5 if hold else None, end_s=end, peak_cmH2O=peak, rest_cmH2O=20.0,
    )  # fmt: skip


def _session(rest_s: float, fast: int = 8, fast_span: float = 0.8) -> list[Repetition]:
    """Five holds (8 s, 4 s apart), ``rest_s`` of rest, ``fast`` fast contractions 1 s apart."""
    reps = [_rep(i, 10.0 + 12.0 * i, 18.0 + 12.0 * i) for i in range(5)]
    at = reps[-1].end_s + rest_s if reps[-1].end_s is not None else 0.0
    for j in range(fast):
        reps.append(_rep(5 + j, at, at + fast_span))
        at += fast_span + 1.0
    return reps


@pytest.mark.parametrize("rest_s", [3.5, 8.0, 20.0, 29.0, 60.0])
def test_the_fast_step_is_found_by_its_shape_whatever_the_rest_before_it(rest_s: float):
    reps = _session(rest_s)
    steps = infer_steps(reps, 0.0, 200.0)
    assert [s.step for s in steps] == [Step.REST, Step.ENDURANCE, Step.RECOVERY, Step.FAST]
    assert all(step_at(steps, r.onset_s) is Step.ENDURANCE for r in reps[:5])
    assert all(step_at(steps, r.onset_s) is Step.FAST for r in reps[5:])
    assert is_assessment(steps)


def test_a_short_series_needs_the_minutes_rest_before_it():
    """Two quick contractions after 10 s are no fast step (a training session's last
    twitches); after 35 s of rest they are (she managed two)."""
    assert not is_assessment(infer_steps(_session(10.0, fast=2), 0.0, 200.0))
    steps = infer_steps(_session(35.0, fast=2), 0.0, 200.0)
    assert is_assessment(steps) and step_at(steps, _session(35.0, fast=2)[5].onset_s) is Step.FAST


def test_holds_alone_are_no_assessment():
    """A training set (holds 4 s apart, pauses of a minute between sets) has no fast step."""
    reps = [_rep(i, 10.0 + 12.0 * i + 60.0 * (i // 4), 18.0 + 12.0 * i + 60.0 * (i // 4))
            for i in range(12)]  # fmt: skip
    steps = infer_steps(reps, 0.0, 300.0)
    assert [s.step for s in steps] == [Step.REST, Step.ENDURANCE]
    assert not is_assessment(steps)
    fast_only = _session(5.0)[5:]
    assert not is_assessment(infer_steps(fast_only, 0.0, 200.0))  # no holds before them


def test_after_the_minutes_rest_one_slow_contraction_does_not_cut_the_series():
    """The detector merged two fast contractions into one of 2.2 s: the series after the
    minute's rest is still the fast step, all of it."""
    reps = _session(60.0)
    merged = reps[8]
    reps[8] = _rep(8, merged.onset_s, merged.onset_s + 2.2)
    steps = infer_steps(reps, 0.0, 200.0)
    assert all(step_at(steps, r.onset_s) is Step.FAST for r in reps[5:])


def test_fast_shape_and_series():
    reps = _session(8.0)
    assert [fast_shaped(r) for r in reps] == [False] * 5 + [True] * 8
    assert fast_series(reps) == 5
    assert fast_series(reps[:5]) is None  # the last one is a hold
    apart = [*reps[:6], _rep(6, reps[5].onset_s + 5.0, reps[5].onset_s + 5.8)]
    assert fast_series(apart) == 6  # 4.2 s after the one before: a series of its own


@pytest.mark.parametrize(
    ("seconds", "digits", "shown"),
    [(8.96, 0, 8.0), (8.0, 0, 8.0), (7.999999999999, 0, 8.0), (8.96, 1, 8.9), (0.29, 2, 0.29)],
)
def test_time_held_is_never_rounded_up(seconds: float, digits: int, shown: float):
    assert held_floor(seconds, digits) == shown


def _c(i: int, *errors: str) -> Contraction:
    return Contraction(
        i, Step.ENDURANCE, float(i), None, None, None, 30.0, None, None, None,
        Movement.LIFT, errors,
    )  # fmt: skip


def test_each_check_says_what_it_found_or_why_it_could_not_check():
    cs = [_c(0), _c(1, "push_down"), _c(2, "incomplete_release"), _c(3)]
    assert lines(checks(cs, (Channel.SQUEEZE, Channel.ABDOMINAL, Channel.TILT))) == (
        "push-down in 1 of 4 (checked with the abdominal and tilt channels)",
        "no abdominal bracing seen (checked with the abdominal channel)",
        "no breath hold seen (checked with the abdominal channel)",
        "incomplete relaxation in 1 of 4 (checked with the squeeze channel)",
    )
    assert lines(checks(cs[:1], (Channel.SQUEEZE,))) == (
        "push-down: not checkable without an abdominal or a tilt channel",
        "abdominal bracing: not checkable without an abdominal channel",
        "breath hold: not checkable without an abdominal channel",
        "no incomplete relaxation seen (checked with the squeeze channel)",
    )
    assert lines(checks(cs[:1], (Channel.SQUEEZE, Channel.TILT)))[0] == (
        "no push-down seen (checked with the tilt channel)"
    )
