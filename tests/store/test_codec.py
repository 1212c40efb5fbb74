"""The stored JSON forms: random instances round-trip exactly; the layout is the old one."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perineo.json_fields import FieldError
from perineo.program.calibration import Calibration
from perineo.program.scoring import Reason, RepScore, SetSummary, Summary, Verdict
from perineo.signal.events import Repetition, TechError
from perineo.store.codec import (
    calibration_from_json,
    calibration_to_json,
    rep_from_json,
    rep_to_json,
    score_from_json,
    score_to_json,
    summary_from_json,
    summary_to_json,
)

FLOAT = st.floats(allow_nan=False, width=64)
OPT = st.none() | FLOAT
COUNT = st.integers(min_value=0, max_value=10_000)
KEY = st.text(max_size=12)


def stored(nd: int) -> st.SearchStrategy[float]:
    """A float at the precision ``to_json`` keeps (``nd`` decimals)."""
    return st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, nd))


def opt_stored(nd: int) -> st.SearchStrategy[float | None]:
    return st.none() | stored(nd)


REPS = st.builds(
    Repetition,
    index=COUNT,
    onset_s=FLOAT,
    onset_detected_s=FLOAT,
    hold_start_s=OPT,
    hold_end_s=OPT,
    release_s=OPT,
    end_s=OPT,
    peak_cmH2O=FLOAT,
    rest_cmH2O=FLOAT,
    hold_level_cmH2O=OPT,
    hold_drop_fraction=OPT,
    quick_lifts_s=st.lists(FLOAT, max_size=5).map(tuple),
    quick_lift_heights_cmH2O=st.lists(FLOAT, max_size=5).map(tuple),
    errors=st.lists(st.sampled_from(TechError), max_size=4).map(tuple),
    unverifiable=st.lists(st.sampled_from(TechError), max_size=4).map(tuple),
    pelvic_peak_cmH2O=OPT,
    abdominal_rise_cmH2O=OPT,
    tilt_change_deg=OPT,
    residual_cmH2O=OPT,
    rise_time_s=OPT,
    fall_time_s=OPT,
    extra=st.dictionaries(KEY, FLOAT, max_size=4),
)

SCORES = st.builds(
    RepScore,
    index=COUNT,
    score=st.integers(0, 100),
    verdict=st.sampled_from(Verdict),
    reasons=st.lists(st.sampled_from(Reason), max_size=4).map(tuple),
    hold_s=OPT,
    quick_lifts=COUNT,
    rest_s=OPT,
    set_no=st.integers(1, 20),
)

SUMMARIES = st.builds(
    Summary,
    program=st.text(max_size=20),
    reps=COUNT,
    good=COUNT,
    fix=COUNT,
    redo=COUNT,
    mean_score=stored(1),
    sets=st.lists(
        st.builds(
            SetSummary,
            set_no=st.integers(1, 20),
            reps=COUNT,
            good=COUNT,
            mean_score=stored(1),
            dose_met=st.booleans(),
        ),
        max_size=4,
    ).map(tuple),
    sets_done=COUNT,
    sets_target=COUNT,
    reasons=st.dictionaries(KEY, COUNT, max_size=4),
    errors=st.dictionaries(KEY, COUNT, max_size=4),
    best_peak_cmH2O=opt_stored(2),
    longest_hold_s=opt_stored(3),
    median_hold_s=opt_stored(3),
    mean_quick_lifts=opt_stored(2),
)

CALIBRATIONS = st.builds(
    Calibration,
    rest_cmH2O=stored(3),
    mvc_cmH2O=stored(3),
    attempts_cmH2O=st.lists(stored(3), max_size=6).map(tuple),
    valid=st.lists(st.booleans(), max_size=6).map(tuple),
    settle_s=stored(2),
    drift_cmH2O_per_min=stored(3),
    settled=st.booleans(),
    created_at=st.text(max_size=30),
    channels=st.lists(st.sampled_from(["squeeze", "abdominal", "tilt"]), max_size=3).map(tuple),
    extra=st.dictionaries(KEY, FLOAT, max_size=3),
)


def through_text(doc: dict[str, object]) -> dict[str, object]:
    """What the database column gives back."""
    back = json.loads(json.dumps(doc))
    assert isinstance(back, dict)
    return back


@settings(max_examples=60)
@given(REPS)
def test_a_repetition_round_trips_exactly(rep: Repetition):
    assert rep_from_json(through_text(rep_to_json(rep))) == rep


@settings(max_examples=40)
@given(REPS)
def test_a_repetition_is_stored_as_the_old_code_stored_it(rep: Repetition):
    # before the codec, save_rep wrote json.dumps(dataclasses.asdict(rep))
    assert json.dumps(rep_to_json(rep)) == json.dumps(dataclasses.asdict(rep))


def test_the_repetition_form_names_every_field():
    # a field added to Repetition must be added to the stored form too
    rep = Repetition(0, 1.0, 1.2, None, None, None, None, 3.0, 0.5)
    assert list(rep_to_json(rep)) == [f.name for f in dataclasses.fields(Repetition)]


@settings(max_examples=60)
@given(SCORES)
def test_a_score_round_trips_exactly(score: RepScore):
    assert score_from_json(through_text(score_to_json(score))) == score


@settings(max_examples=60)
@given(SUMMARIES)
def test_a_summary_at_its_stored_precision_round_trips_exactly(summary: Summary):
    assert summary_from_json(through_text(summary_to_json(summary))) == summary


@settings(max_examples=40)
@given(SUMMARIES, st.floats(-1e6, 1e6), OPT)
def test_any_summary_reads_back_to_what_was_stored(summary: Summary, mean: float, peak):
    s = dataclasses.replace(summary, mean_score=mean, best_peak_cmH2O=peak)
    doc = through_text(summary_to_json(s))
    assert through_text(summary_to_json(summary_from_json(doc))) == doc


@settings(max_examples=60)
@given(CALIBRATIONS)
def test_a_calibration_at_its_stored_precision_round_trips_exactly(cal: Calibration):
    assert calibration_from_json(through_text(calibration_to_json(cal))) == cal


def test_a_calibration_without_a_resting_level_keeps_its_nan():
    cal = Calibration(math.nan, 40.0, (40.0,), (True,), 20.0, 0.1, True, "2026-03-01")
    back = calibration_from_json(through_text(calibration_to_json(cal)))
    assert math.isnan(back.rest_cmH2O) and back.mvc_cmH2O == 40.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"onset_s": "5.0"}, "field 'onset_s' must be a number, not a string"),
        ({"index": 1.5}, "field 'index' must be an integer, not a number"),
        ({"peak_cmH2O": True}, "field 'peak_cmH2O' must be a number, not a boolean"),
        ({"hold_end_s": [1]}, "field 'hold_end_s' must be a number, not a list"),
        ({"errors": ["pushing"]}, "field 'errors' must be one of push_down, "),
        ({"errors": "push_down"}, "field 'errors' must be a list, not a string"),
        ({"extra": {"k": None}}, "field 'extra.k' must be a number, not null"),
    ],
)
def test_a_malformed_repetition_names_its_field(change: dict[str, object], message: str):
    doc = rep_to_json(Repetition(0, 1.0, 1.2, 2.0, 8.0, 8.5, 9.0, 30.0, 5.0))
    with pytest.raises(FieldError, match="^" + re.escape(message)):
        rep_from_json({**doc, **change})


def test_a_missing_required_field_is_named():
    doc = rep_to_json(Repetition(0, 1.0, 1.2, 2.0, 8.0, 8.5, 9.0, 30.0, 5.0))
    del doc["rest_cmH2O"]
    with pytest.raises(FieldError, match=r"^field 'rest_cmH2O' is missing$"):
        rep_from_json(doc)


def test_an_older_summary_with_its_perfect_entry_still_reads() -> None:
    from perineo.store.codec import summary_from_json

    old = {
        "program": "perfect", "reps": 2, "good": 1, "mean_score": 70.0, "sets": [],
        "perfect": {"power_cmH2O": 30.0, "endurance_s": 8.0, "repetitions": 3, "fast": 10},
    }  # fmt: skip
    s = summary_from_json(old)
    assert (s.program, s.reps, s.good) == ("perfect", 2, 1)
