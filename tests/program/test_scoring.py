"""Scoring, table-driven: each reason from the repetition that earns it."""

from __future__ import annotations

import json

import pytest

from perineo.program.loader import get_program
from perineo.program.scoring import Reason, Verdict, score_analysis, score_rep, with_rest
from perineo.program.script import make_rep
from perineo.signal.events import TechError

INTENSIVE = get_program("intensive", user_dir=None)

CASES = [
    # (id, rep kwargs, rest after, expected verdict, expected reasons)
    ("correct", {}, 4.0, Verdict.GOOD, ()),
    ("hold 6 s edge", {"hold": 6.0}, 3.0, Verdict.GOOD, ()),
    ("hold short", {"hold": 4.0}, 4.0, Verdict.FIX, (Reason.HOLD_SHORT,)),
    ("hold long", {"hold": 11.0}, 4.0, Verdict.FIX, (Reason.HOLD_LONG,)),
    (
        "no hold",
        {"hold": None, "quick": 0},
        4.0,
        Verdict.REDO,
        (Reason.HOLD_SHORT, Reason.QUICK_LIFTS_MISSING),
    ),
    ("level dropped", {"drop": 0.6}, 4.0, Verdict.FIX, (Reason.LEVEL_DROPPED,)),
    ("quick lifts missing", {"quick": 1}, 4.0, Verdict.FIX, (Reason.QUICK_LIFTS_MISSING,)),
    ("quick lifts extra", {"quick": 6}, 4.0, Verdict.FIX, (Reason.QUICK_LIFTS_EXTRA,)),
    ("rest short", {}, 1.0, Verdict.FIX, (Reason.REST_SHORT,)),
    ("push down", {"errors": (TechError.PUSH_DOWN,)}, 4.0, Verdict.REDO, (Reason.PUSH_DOWN,)),
    (
        "bracing",
        {"errors": (TechError.ABDOMINAL_BRACING,)},
        4.0,
        Verdict.FIX,
        (Reason.ABDOMINAL_BRACING,),
    ),
    ("breath hold", {"errors": (TechError.BREATH_HOLD,)}, 4.0, Verdict.FIX, (Reason.BREATH_HOLD,)),
    (
        "incomplete release",
        {"errors": (TechError.INCOMPLETE_RELEASE,)},
        4.0,
        Verdict.FIX,
        (Reason.INCOMPLETE_RELEASE,),
    ),
    (
        "everything wrong",
        {"hold": 2.0, "quick": 0, "errors": (TechError.BREATH_HOLD, TechError.ABDOMINAL_BRACING)},
        1.0,
        Verdict.REDO,
        (
            Reason.HOLD_SHORT,
            Reason.QUICK_LIFTS_MISSING,
            Reason.BREATH_HOLD,
            Reason.ABDOMINAL_BRACING,
            Reason.REST_SHORT,
        ),
    ),
]


@pytest.mark.parametrize(
    ("rep_kw", "rest", "verdict", "reasons"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_reasons_and_verdict(rep_kw, rest, verdict, reasons):
    s = score_rep(make_rep(**rep_kw), INTENSIVE, rest_s=rest)
    assert s.verdict is verdict
    assert s.reasons == reasons
    assert 0 <= s.score <= 100
    if verdict is Verdict.GOOD:
        assert s.score >= 90
    else:
        assert s.score < 90


def test_correct_intensive_rep_scores_at_least_90():
    s = score_rep(make_rep(hold=7.0, quick=4), INTENSIVE, rest_s=4.0)
    assert s.verdict is Verdict.GOOD and s.score >= 90


def test_push_down_is_never_good_even_if_perfect_otherwise():
    for hold in (6.0, 7.0, 8.0):
        s = score_rep(make_rep(hold=hold, errors=(TechError.PUSH_DOWN,)), INTENSIVE, rest_s=4)
        assert s.verdict is Verdict.REDO


def test_score_falls_with_how_far_off():
    scores = [score_rep(make_rep(hold=h), INTENSIVE).score for h in (5.0, 4.0, 2.0)]
    assert scores[0] > scores[1] > scores[2]


def test_keep_level_from_calibration():
    weak = make_rep(level=10.0)
    assert score_rep(weak, INTENSIVE).verdict is Verdict.GOOD
    s = score_rep(weak, INTENSIVE, keep_level_cmH2O=20.0)
    assert s.reasons == (Reason.LEVEL_DROPPED,)


def test_programs_without_targets_judge_technique_only():
    basic = get_program("basic")
    assert score_rep(make_rep(hold=15.0, quick=0), basic).verdict is Verdict.GOOD
    s = score_rep(make_rep(errors=(TechError.PUSH_DOWN,)), basic)
    assert s.verdict is Verdict.REDO


def test_with_rest_adds_rest_short_once():
    s = score_rep(make_rep(), INTENSIVE)
    s1 = with_rest(s, 0.5, INTENSIVE)
    assert s1.reasons == (Reason.REST_SHORT,) and s1.verdict is Verdict.FIX
    assert with_rest(s1, 0.5, INTENSIVE).score == s1.score


def test_score_analysis_sets_rests_and_summary():
    reps = []
    onset = 10.0
    for _set in range(3):
        for _ in range(8):
            r = make_rep(index=len(reps), onset=onset)
            reps.append(r)
            onset = r.end_s + 4.0
        onset += 60.0
    reps[5] = make_rep(index=5, onset=reps[5].onset_s, errors=(TechError.PUSH_DOWN,))
    scores, summary = score_analysis(reps, INTENSIVE)
    assert [s.set_no for s in scores] == [1] * 8 + [2] * 8 + [3] * 8
    # the rest before each repetition of a set; none before a set's first
    assert [scores[i].rest_s for i in (0, 8, 16)] == [None, None, None]
    assert scores[1].rest_s == pytest.approx(4.0) and scores[7].rest_s == pytest.approx(4.0)
    assert summary.reps == 24 and summary.good == 23 and summary.redo == 1
    assert summary.sets_done == 2 and not summary.dose_met  # set 1 has 7 reps that count
    assert [s.dose_met for s in summary.sets] == [False, True, True]
    assert summary.errors == {"push_down": 1}
    doc = json.loads(json.dumps(summary.to_json()))
    assert doc["good_share"] == pytest.approx(23 / 24, abs=1e-3)


def test_short_set_does_not_meet_the_dose():
    reps = [make_rep(index=i, onset=10 + 15.0 * i) for i in range(5)]
    _, summary = score_analysis(reps, INTENSIVE)
    assert summary.sets_done == 0 and not summary.dose_met


def test_perfect_assessment_technique_only_verdicts():
    """An assessment judges technique only. Its PERFECT numbers come from the samples
    (perineo.assess, through `perineo analyze --program perfect`), never from here."""
    perfect = get_program("perfect")
    reps = []
    onset = 10.0
    for i, hold in enumerate([8.0, 8.2, 7.9, 7.5, 6.5, 4.0, 7.0]):  # holds fade after 5
        errs = (TechError.PUSH_DOWN,) if i == 6 else ()
        r = make_rep(index=i, onset=onset, hold=hold, quick=0, peak=30.0 + i, errors=errs)
        reps.append(r)
        onset = r.end_s + 4.0
    onset += 60.0
    for j in range(8):  # fast 1-s contractions
        r = make_rep(index=7 + j, onset=onset, hold=None, quick=0, rise=0.4, fall=0.4)
        reps.append(r)
        onset = r.end_s + 1.0
    scores, summary = score_analysis(reps, perfect)
    assert [s.verdict for s in scores].count(Verdict.GOOD) == len(reps) - 1
    assert scores[6].verdict is Verdict.REDO
    assert "perfect" not in summary.to_json()


def test_a_short_rest_is_charged_to_the_repetition_that_came_early():
    """As the live coach does: the squeeze that began before the rest was over is blamed,
    not the one before it (done as asked, and already shown)."""
    r0 = make_rep(index=0, onset=10.0)
    r1 = make_rep(index=1, onset=(r0.end_s or 0.0) + 1.0)
    r2 = make_rep(index=2, onset=(r1.end_s or 0.0) + 4.0)
    scores, _ = score_analysis([r0, r1, r2], INTENSIVE)
    assert [s.reasons for s in scores] == [(), (Reason.REST_SHORT,), ()]
    assert scores[1].rest_s == pytest.approx(1.0) and scores[1].verdict is Verdict.FIX
