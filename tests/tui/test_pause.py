"""Pausing (space) in the middle of a set: a squeeze made while paused is not a repetition.

Seen once in ``perineo train --sim``: after pause and resume the next repetition scored
0/100. The coach hears every event while paused (so it keeps its place), and it counted a
squeeze nobody had asked for — she shifts, or squeezes while the paused cue is up — as the
set's next repetition, scored as a failure (too short, no quick lifts, rest too short).
Reproduced here with the simulated person making a short squeeze during the pause.
"""

from __future__ import annotations

import json

import pytest

from perineo.cli import main
from perineo.program.coach import Phase
from perineo.program.model import Program
from perineo.store.sessions import TrainingRecord
from perineo.tui.app import create_app
from perineo.tui.messages import RepetitionScored
from perineo.tui.screens.summary import SummaryScreen
from perineo_sim.follow import CueFollowingSim

from .helpers import pause_training, run, stay_paused, wait_for

pytestmark = pytest.mark.slow  # a whole simulated set through the app

REPS = 4
PAUSE_S = 12.0  # stream seconds paused


@pytest.mark.parametrize("phase", [Phase.REST, Phase.SQUEEZE])
def test_a_squeeze_while_paused_is_not_scored(
    record: TrainingRecord, intensive: Program, home, phase: Phase, capsys
) -> None:
    seen: list[object] = []
    source = CueFollowingSim.create(intensive, seed=7, speed=100.0, habits={})
    app = create_app(
        source, program=intensive, sets=1, reps_per_set=REPS, record=record,
        record_dir=home / "recordings",
    )  # fmt: skip
    twitch_at: list[float] = []

    async def drive() -> None:
        async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:

            def ready() -> bool:
                s = app.session
                coach = None if s is None else s.trainer.coach
                return coach is not None and len(coach.scores) >= 1 and coach.phase is phase

            await wait_for(pilot.pause, ready, timeout_s=60.0, step_s=0.005)
            session = app.session
            assert session is not None
            start = await pause_training(pilot, session)
            person = source.person  # she squeezes briefly while the paused cue is up
            spec = person.contract(max(person.now_s, start) + 2.0, hold_s=1.0)
            twitch_at.append(spec.onset_s)
            await stay_paused(pilot, session, start, PAUSE_S)
            await pilot.press("space")
            assert not session.paused
            await wait_for(
                pilot.pause, lambda: isinstance(app.screen, SummaryScreen), timeout_s=90.0
            )
            await pilot.press("q")

    run(drive())
    shown = [m.rep for m in seen if isinstance(m, RepetitionScored)]
    assert len(shown) == REPS  # the set still has its repetitions, each one asked for
    assert all(r.score >= 90 for r in shown), [(r.score, r.reasons) for r in shown]
    result = app.result
    assert result is not None
    # the squeeze of the pause is in no score: none of the scored began in the pause
    (twitch,) = twitch_at
    assert all(abs(r.onset_s - twitch) > 1.0 for r in result.repetitions)
    # analyze numbers the recording as the screen did: the squeeze of the pause not counted
    (recording,) = (home / "recordings").glob("*.csv")
    capsys.readouterr()
    assert main(["analyze", str(recording), "--program", "intensive", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    counted = [r for r in doc["reps"] if not r["calibration"] and r.get("counted", True)]
    assert [(r["set"], r["rep_in_set"]) for r in counted] == [(1, n) for n in range(1, REPS + 1)]
    assert [r["score"] for r in counted] == [r.score for r in shown]
    paused = [r for r in doc["reps"] if r.get("counted") is False]
    assert paused and all("score" not in r for r in paused)
    assert any(abs(r["onset_s"] - twitch) < 1.0 for r in paused)
    assert main(["analyze", str(recording), "--program", "intensive"]) == 0
    assert "[not counted: made while paused]" in capsys.readouterr().out
    # and its export annotates it as no repetition
    pyedflib = pytest.importorskip("pyedflib")
    edf = home / "s.edf"
    assert main(["export", str(result.session_id), "--format", "edf", "--out", str(edf)]) == 0
    with pyedflib.EdfReader(str(edf)) as f:
        onsets, _, texts = f.readAnnotations()
    uncounted = [o for o, t in zip(onsets, texts, strict=True) if t == "squeeze not counted"]
    assert any(abs(o - twitch) < 1.0 for o in uncounted)
    assert sum(t.startswith("set 1 rep ") for t in texts) == REPS
