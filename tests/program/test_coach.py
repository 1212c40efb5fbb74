"""Cue timelines driven by scripted detector events.

The coach emits keys with numbers; the tests check those, and the words the catalogue gives
them in English and Nynorsk (``perineo.locale.say``, as the app shows them).
"""

from __future__ import annotations

import pytest

from perineo.locale import Lang, say
from perineo.program.coach import Coach, Phase
from perineo.program.loader import get_program
from perineo.program.scoring import Reason, Verdict
from perineo.program.script import make_rep, rep_events
from perineo.program.texts import Message, Prompt
from perineo.signal.events import Event, EventKind, TechError

INTENSIVE = get_program("intensive")


def run(coach: Coach, events: list[Event], until: float, step: float = 0.1):
    """Feed events at their announcement times; return (time, cue) every ``step``."""
    pending = sorted(events, key=lambda e: e.detected_s)
    out = []
    t = 0.0
    while t <= until + 1e-9:
        now = [e for e in pending if e.detected_s <= t]
        pending = pending[len(now) :]
        out.append((round(t, 2), coach.update(t, now)))
        t += step
    return out


def texts(timeline, lang: Lang = Lang.EN) -> list[str]:
    """The prompts in words, each once while it stands."""
    seen: list[str] = []
    for _, cue in timeline:
        text = say(lang, cue.prompt)
        if not seen or seen[-1] != text:
            seen.append(text)
    return seen


def test_waits_for_onset_then_follows_the_repetition():
    coach = Coach(INTENSIVE, reps_per_set=2, sets=1)
    rep = make_rep(onset=10.0, hold=7.0, quick=4)  # hold 10.8–17.8, lifts, release 19.8
    line = run(coach, rep_events(rep), until=25.0)
    assert all(c.phase is Phase.SQUEEZE for t, c in line if t < 10.2)
    assert texts(line)[:3] == ["Squeeze as hard as you can and lift", "Up and in…", "Hold 7…"]
    seq = texts(line)
    assert seq[3:9] == ["Hold 6…", "Hold 5…", "Hold 4…", "Hold 3…", "Hold 2…", "Hold 1…"]
    assert "Quick lifts 0/4" in seq and "Quick lifts 3/4" in seq
    assert seq.index("Let go") > seq.index("Quick lifts 3/4")
    assert "Rest 4…" in seq and "Rest 1…" in seq
    assert seq[-1] == "Squeeze as hard as you can and lift"
    assert line[-1][1].rep == 2
    assert coach.scores[0].verdict is Verdict.GOOD


def test_hold_counts_from_detected_hold_start_not_onset():
    coach = Coach(INTENSIVE)
    rep = make_rep(onset=10.0, rise=3.0)  # slow rise: hold starts at 13.0
    line = dict(run(coach, rep_events(rep), until=14.0))
    assert line[12.0].phase is Phase.RISING
    assert line[13.3].prompt == Message.of(Prompt.HOLD, n=7)  # announced 13.2, counted from 13.0
    assert line[14.0].prompt == Message.of(Prompt.HOLD, n=6)


def test_counts_only_the_quick_lifts_that_came():
    coach = Coach(INTENSIVE)
    rep = make_rep(onset=1.0, quick=2)
    line = run(coach, rep_events(rep), until=rep.end_s + 2.0)
    quick = [c for _, c in line if c.phase is Phase.QUICK]
    assert max(c.count for c in quick) == 2 and quick[0].target == 4
    assert coach.scores[0].reasons == (Reason.QUICK_LIFTS_MISSING,)
    feedback = line[-1][1].feedback
    assert feedback is not None and feedback.key is Reason.QUICK_LIFTS_MISSING
    assert say(Lang.EN, feedback) == "Add the quick lifts at the end of the hold"


def test_asks_to_let_go_after_the_quick_lift_window_when_none_come():
    coach = Coach(INTENSIVE)
    evs = [e for e in rep_events(make_rep(onset=1.0, quick=0)) if e.kind is not EventKind.RELEASE]
    line = dict(run(coach, evs[:3], until=20.0))  # onset, hold start, hold end; no release
    assert line[20.0].phase is Phase.LET_GO and say(Lang.EN, line[20.0].prompt) == "Let go"


def test_technique_error_warns_at_once_in_do_this_instead_words():
    coach = Coach(INTENSIVE)
    rep = make_rep(onset=2.0, errors=(TechError.PUSH_DOWN,))
    evs = rep_events(rep)
    line = dict(run(coach, evs, until=12.0))
    # error at 2.5, announced 2.7
    assert line[2.6].warning is None
    assert line[2.7].warning == Message.of(TechError.PUSH_DOWN)
    assert say(Lang.EN, line[2.7].warning) == "Lift up and in – do not push down"
    assert line[2.7].warning_error is TechError.PUSH_DOWN
    assert line[12.0].warning is None  # shown for a few seconds, then gone
    later = [e for e in evs if e.detected_s > 12.0 + 1e-9]
    assert coach.update(30.0, later).last_score.verdict is Verdict.REDO


def test_nynorsk_wording():
    coach = Coach(INTENSIVE)
    rep = make_rep(onset=1.0, errors=(TechError.PUSH_DOWN,))
    seq = texts(run(coach, rep_events(rep), until=rep.end_s + 1.0), Lang.NN)
    assert seq[0] == "Trekk saman så hardt du kan, og løft opp og inn"
    assert "Hald 7 …" in seq and "Raske løft 2/4" in seq and "Slepp ut igjen" in seq
    assert "Pause 4 …" in seq
    cue = coach.update(rep.onset_s + 0.8)
    assert cue.warning is not None
    assert say(Lang.NN, cue.warning) == "Løft opp og inn – ikkje trykk nedover"


def test_cancelled_onset_goes_back_to_waiting():
    coach = Coach(INTENSIVE)
    coach.update(1.0, [Event(EventKind.ONSET, 1.0, 1.1, 0)])
    cue = coach.update(1.5, [Event(EventKind.ONSET_CANCELLED, 1.3, 1.5, 0)])
    assert cue.phase is Phase.SQUEEZE and cue.rep == 1


def test_early_onset_during_rest_starts_the_next_rep_and_scores_it_rest_short():
    coach = Coach(INTENSIVE, reps_per_set=3)
    r0 = make_rep(index=0, onset=1.0)
    r1 = make_rep(index=1, onset=r0.end_s + 1.0)  # 1 s rest, 3–4 asked
    line = run(coach, rep_events(r0) + rep_events(r1), until=r1.end_s + 2.0)
    assert line[-1][1].rep == 3  # the early squeeze was taken for the next repetition
    # the one that began during "Rest" is blamed, not the one before, done as asked
    assert coach.scores[0].verdict is Verdict.GOOD and coach.scores[0].rest_s is None
    assert coach.scores[1].reasons == (Reason.REST_SHORT,)
    assert coach.scores[1].rest_s == pytest.approx(1.0)


def test_a_score_given_is_final_even_when_the_next_squeeze_comes_early():
    """What the screen shows ("Last rep", ``cue.last_score``) is what is kept: no score
    changes after it was given, also when the next repetition cuts the rest short."""
    coach = Coach(INTENSIVE, reps_per_set=4)
    reps, onset = [], 1.0
    for i, rest in enumerate((1.0, 4.0, 0.5, 4.0)):
        reps.append(make_rep(index=i, onset=onset))
        onset = reps[-1].end_s + rest
    line = run(coach, [e for r in reps for e in rep_events(r)], until=onset + 2.0)
    given: dict[int, object] = {}
    for _, cue in line:
        if cue.last_score is not None:
            given.setdefault(cue.last_score.index, cue.last_score)
    assert list(given.values()) == coach.scores and len(coach.scores) == 4
    assert [Reason.REST_SHORT in s.reasons for s in coach.scores] == [False, True, False, True]


def test_sets_pause_and_done():
    coach = Coach(INTENSIVE, reps_per_set=2, sets=2)
    evs: list[Event] = []
    onset = 1.0
    for i in range(4):
        r = make_rep(index=i, onset=onset)
        evs += rep_events(r)
        onset = r.end_s + (4.5 if i % 2 == 0 else 70.0)
    line = run(coach, evs, until=onset)
    seq = texts(line)
    assert any(s.startswith("Set 1 done – pause 60") for s in seq)
    assert seq[-1] == "Well done – 2 sets done"
    assert line[-1][1].done
    assert [s.set_no for s in coach.scores] == [1, 1, 2, 2]
    assert all(s.verdict is Verdict.GOOD for s in coach.scores)


def test_incomplete_release_warning_after_rest():
    coach = Coach(INTENSIVE)
    rep = make_rep(onset=1.0, errors=(TechError.INCOMPLETE_RELEASE,))
    line = dict(run(coach, rep_events(rep), until=rep.end_s + 2.0))
    cue = line[round(rep.end_s + 1.3, 1)]
    assert cue.phase is Phase.REST
    assert cue.warning == Message.of(TechError.INCOMPLETE_RELEASE)
    assert say(Lang.EN, cue.warning) == "Let go fully – relax all the way"


def test_learn_program_has_short_cued_hold_and_no_quick_lifts():
    coach = Coach(get_program("learn"))
    rep = make_rep(onset=1.0, hold=2.0, quick=0)
    seq = texts(run(coach, rep_events(rep), until=rep.end_s + 0.5))
    assert seq[:4] == ["Squeeze lightly and lift", "Up and in…", "Hold 2…", "Hold 1…"]
    assert not any("Quick" in s for s in seq)


def test_repetition_final_after_the_next_sets_onset_keeps_its_set():
    coach = Coach(INTENSIVE, reps_per_set=1, sets=2)
    r0 = make_rep(index=0, onset=1.0)
    r1 = make_rep(index=1, onset=r0.end_s + 5.0)
    e0, e1 = rep_events(r0), rep_events(r1)
    # r0's REPETITION event arrives only after r1's onset (its rest was needed to judge it)
    late = [*e0[:-1], e1[0], e0[-1], *e1[1:]]
    t = 0.0
    for ev in late:
        t = max(t, ev.detected_s)
        coach.update(t, [ev])
    assert [s.set_no for s in coach.scores] == [1, 2]
    # the pause before a new set is no rest to judge
    assert [s.rest_s for s in coach.scores] == [None, None]


def test_cancelled_onset_in_the_rest_returns_to_the_rest_with_its_timer():
    coach = Coach(INTENSIVE, reps_per_set=3)
    r0 = make_rep(index=0, onset=1.0)
    run(coach, rep_events(r0), until=r0.end_s + 0.3)
    rest = coach.update(r0.end_s + 1.0)
    assert rest.phase is Phase.REST and rest.rep == 2
    # a twitch 1 s into the 4 s rest: the detector sees an onset, then cancels it
    coach.update(r0.end_s + 1.1, [Event(EventKind.ONSET, r0.end_s + 1.0, r0.end_s + 1.1, 1)])
    cue = coach.update(r0.end_s + 1.5, [Event(EventKind.ONSET_CANCELLED, r0.end_s + 1.0, 0, 1)])
    assert cue.phase is Phase.REST and cue.rep == 2
    assert cue.prompt == Message.of(Prompt.REST, n=3)  # 4 s from the fall, 1.5 s gone
    assert coach.update(r0.end_s + 3.5).phase is Phase.REST
    assert coach.update(r0.end_s + 4.3).phase is Phase.SQUEEZE


def test_cancelled_onset_in_the_set_pause_keeps_the_pause_and_the_set():
    coach = Coach(INTENSIVE, reps_per_set=1, sets=2)
    r0 = make_rep(index=0, onset=1.0)
    run(coach, rep_events(r0), until=r0.end_s + 0.3)
    end = r0.end_s
    coach.update(end + 8.0, [Event(EventKind.ONSET, end + 7.9, end + 8.0, 1)])
    assert coach.update(end + 8.1).set_no == 2  # while rising it may be set 2's first
    cue = coach.update(end + 8.5, [Event(EventKind.ONSET_CANCELLED, end + 7.9, end + 8.5, 1)])
    assert cue.phase is Phase.SET_PAUSE and cue.set_no == 1
    assert cue.prompt == Message.of(Prompt.SET_PAUSE, k=1, n=52)
    assert coach.update(end + 59.0).phase is Phase.SET_PAUSE
    after = coach.update(end + 60.3)
    assert after.phase is Phase.SQUEEZE and after.set_no == 2 and after.rep == 1


def test_following_the_coach_after_a_twitch_in_the_rest_is_not_rest_short():
    coach = Coach(INTENSIVE, reps_per_set=3)
    r0 = make_rep(index=0, onset=1.0)
    twitch = [
        Event(EventKind.ONSET, r0.end_s + 1.0, r0.end_s + 1.1, 1),
        Event(EventKind.ONSET_CANCELLED, r0.end_s + 1.0, r0.end_s + 1.4, 1),
    ]
    line = run(coach, rep_events(r0) + twitch, until=r0.end_s + 8.0)
    # she squeezes when asked: the first time "Squeeze" shows after the twitch
    asked = next(t for t, c in line if t > r0.end_s + 1.4 and c.phase is Phase.SQUEEZE)
    assert asked >= r0.end_s + 4.0
    r1 = make_rep(index=2, onset=asked + 0.3)
    run_from(coach, rep_events(r1), asked, r1.end_s + 6.0)
    assert Reason.REST_SHORT not in coach.scores[0].reasons
    assert coach.scores[0].verdict is Verdict.GOOD


def run_from(coach: Coach, events: list[Event], start: float, until: float) -> None:
    pending = sorted(events, key=lambda e: e.detected_s)
    t = start
    while t <= until:
        now = [e for e in pending if e.detected_s <= t]
        pending = pending[len(now) :]
        coach.update(t, now)
        t += 0.1
