"""The PERFECT assessment coach, driven by scripted events."""

from __future__ import annotations

from perineo.program.assess import AssessmentCoach, make_coach
from perineo.program.coach import Coach, Phase
from perineo.program.loader import get_program
from perineo.program.script import make_rep, rep_events
from perineo.program.texts import Lang
from perineo.signal.events import Event

PERFECT = get_program("perfect")


def run(coach, events: list[Event], until: float, step: float = 0.1):
    pending = sorted(events, key=lambda e: e.detected_s)
    out = []
    t = 0.0
    while t <= until + 1e-9:
        now = [e for e in pending if e.detected_s <= t]
        pending = pending[len(now) :]
        out.append((round(t, 2), coach.update(t, now)))
        t += step
    return out


def texts(timeline) -> list[str]:
    seen: list[str] = []
    for _, cue in timeline:
        if not seen or seen[-1] != cue.text:
            seen.append(cue.text)
    return seen


def test_make_coach_picks_the_protocol():
    assert isinstance(make_coach(PERFECT), AssessmentCoach)
    assert isinstance(make_coach(get_program("intensive")), Coach)


def test_endurance_then_repetitions_then_rest_then_fast():
    evs: list[Event] = []
    onset = 2.0
    holds = [8.0, 7.5, 7.0, 4.0]  # the fourth falls short of 80 % of 8 s
    reps = []
    for i, h in enumerate(holds):
        r = make_rep(index=i, onset=onset, hold=h, quick=0, peak=40.0 + i)
        reps.append(r)
        evs += rep_events(r)
        onset = r.end_s + 4.5
    pause_start = reps[-1].end_s + 1.5  # REPETITION event announces it
    onset = pause_start + 61.0
    for j in range(10):
        r = make_rep(index=4 + j, onset=onset, hold=None, quick=0, rise=0.4, fall=0.4)
        evs += rep_events(r)
        onset = r.end_s + 1.5
    coach = AssessmentCoach(PERFECT, Lang.EN)
    line = run(coach, evs, until=onset + 3)
    seq = texts(line)
    assert seq[0] == "Squeeze as hard as you can and hold (1/10)"
    assert "Hold as long as you can – 8 s" in seq and "Hold as long as you can – 9 s" not in seq
    assert "Squeeze as hard as you can and hold (4/10)" in seq
    assert "Rest 30…" in seq  # the minute before the fast part, from the end of the fall
    assert "Quick squeeze and let go (1/10)" in seq and "Quick squeeze and let go (10/10)" in seq
    last = line[-1][1]
    assert last.phase is Phase.DONE
    assert coach.result is not None
    assert coach.result.endurance_s == 8.0 and coach.result.repetitions == 3
    assert coach.result.fast == 10 and coach.result.power_cmH2O == 43.0
    assert last.text == "Done – P 43 cmH2O, E 8 s, R 3, F 10"


def test_hold_is_stopped_at_ten_seconds_and_nynorsk():
    coach = AssessmentCoach(PERFECT, Lang.NN)
    r = make_rep(onset=1.0, hold=12.0, quick=0)
    line = dict(run(coach, rep_events(r)[:2], until=13.0))
    assert line[5.0].text == "Hald så lenge du kan – 3 s"
    assert line[12.0].phase is Phase.LET_GO and line[12.0].text == "Slepp ut igjen"


def test_finish_early_gives_the_result_so_far():
    coach = AssessmentCoach(PERFECT)
    r = make_rep(onset=1.0, hold=6.0, quick=0)
    run(coach, rep_events(r), until=r.end_s + 2)
    res = coach.finish()
    assert res.endurance_s == 6.0 and res.repetitions == 1 and res.fast == 0
