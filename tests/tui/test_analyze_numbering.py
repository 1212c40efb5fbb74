"""``perineo analyze --program`` numbers a session's sets and repetitions as its screen did,
also after a long pause with the pause key in the middle of a set (issue 14 item 4).

The coach starts the next set when a set's repetitions are done, however long she paused; a
recording alone cannot tell a long pause from the pause between sets, so analyze takes the
numbering from the training record when the recording is one of its sessions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from perineo.cli import main
from perineo.program.model import Program
from perineo.program.scoring import RepScore
from perineo.store.sessions import TrainingRecord
from perineo.tui.app import create_app
from perineo.tui.messages import RepetitionScored
from perineo.tui.screens.summary import SummaryScreen
from perineo_sim.follow import CueFollowingSim

from .helpers import pause_training, run, stay_paused, wait_for

pytestmark = pytest.mark.slow  # a whole simulated session through the app

PAUSE_S = 45.0  # stream seconds paused after the second repetition: more than any rest


def _train_with_a_pause(record: TrainingRecord, program: Program, home: Path) -> list[RepScore]:
    seen: list[object] = []
    source = CueFollowingSim.create(program, seed=7, speed=200.0, habits={})
    app = create_app(
        source, program=program, sets=2, reps_per_set=4, record=record,
        record_dir=home / "recordings",
    )  # fmt: skip

    async def drive() -> None:
        async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:

            def scored() -> bool:
                return sum(isinstance(m, RepetitionScored) for m in seen) >= 2

            await wait_for(pilot.pause, scored, timeout_s=60.0, step_s=0.01)
            session = app.session
            assert session is not None
            start = await pause_training(pilot, session)
            await stay_paused(pilot, session, start, PAUSE_S)
            await pilot.press("space")
            await wait_for(
                pilot.pause, lambda: isinstance(app.screen, SummaryScreen), timeout_s=90.0
            )
            await pilot.press("q")

    run(drive())
    assert app.result is not None
    return list(app.result.scores)


def test_analyze_numbers_a_paused_session_as_the_screen_did(
    record: TrainingRecord, intensive: Program, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = _train_with_a_pause(record, intensive, home)
    in_set: Counter[int] = Counter()
    shown = []  # (set, repetition in the set, score) as the screen counted them
    for s in scores:
        in_set[s.set_no] += 1
        shown.append((s.set_no, in_set[s.set_no], s.score))
    assert [(a, b) for a, b, _ in shown] == [(k, n) for k in (1, 2) for n in range(1, 5)]
    (recording,) = (home / "recordings").glob("*.csv")

    assert main(["analyze", str(recording), "--program", "intensive", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["numbering"] == "session"
    reps = [r for r in doc["reps"] if not r["calibration"]]
    assert [(r["set"], r["rep_in_set"], r["score"]) for r in reps] == shown
    assert [r["number"] for r in reps] == list(range(1, 9))
    cal = [r for r in doc["reps"] if r["calibration"]]
    assert [r["number"] for r in cal] == list(range(1, len(cal) + 1)) and cal
    assert all("score" not in r for r in cal)  # a calibration squeeze is no repetition
    assert doc["summary"]["reps"] == 8 and [s["set"] for s in doc["summary"]["sets"]] == [1, 2]

    assert main(["analyze", str(recording), "--program", "intensive"]) == 0
    table = capsys.readouterr().out
    assert f"8 repetitions and {len(cal)} calibration squeezes" in table
    assert "as the screen showed them" in table
    marks = re.findall(r"\[set (\d+) rep (\d+) \w+ (\d+)\]", table)
    assert [tuple(int(x) for x in m) for m in marks] == shown
    assert "[set 3 " not in table and "[calibration squeeze 1]" in table
