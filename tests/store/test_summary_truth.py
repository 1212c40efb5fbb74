"""The session summary tells the truth: this session's numbers, the dose met or not, advice
that follows from what happened, and "saved" only for what was saved; recording names are
never shared by two sessions, not even two started in the same second."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from perineo.display.summary import new_recording_path, summary_view
from perineo.locale import Lang
from perineo.program.calibration import Calibration
from perineo.program.loader import get_program
from perineo.program.model import Program
from perineo.program.scoring import Reason, score_analysis
from perineo.program.script import make_rep
from perineo.session.journal import SessionJournal
from perineo.store.sessions import SessionStatus, TrainingRecord
from perineo.tui.screens.summary import summary_lines

INTENSIVE = get_program("intensive")  # holds of 6-8 s, 8-12 repetitions x 3 sets
TODAY = date(2026, 5, 4)
OLD_CAL_MVC = 54.0  # the calibration in force, measured on an earlier day


def _summary_lines(
    summary: dict[str, object],
    *,
    program: Program = INTENSIVE,
    lang: Lang = Lang.EN,
    reason_counts: Counter[Reason] | None = None,
    mvc_cmH2O: float | None = None,
    mean_hold_s: float | None = None,
    session_id: int | None = None,
) -> list[str]:
    """The Summary screen's lines for a session that ended ``TODAY`` with ``summary``."""
    view = summary_view(
        summary,
        program=program,
        lang=lang,
        reason_counts=Counter[Reason]() if reason_counts is None else reason_counts,
        mvc_cmH2O=mvc_cmH2O,
        mean_hold_s=mean_hold_s,
        session_id=session_id,
        record=None,
        today=TODAY,
    )
    return summary_lines(lang, view)


def _lines(holds: list[float], peak: float) -> list[str]:
    """A stored session (id 1) of these holds, scored, under the earlier calibration."""
    reps = [make_rep(i, onset=10.0 + 20 * i, hold=h, peak=peak) for i, h in enumerate(holds)]
    scores, summary = score_analysis(reps, INTENSIVE)
    return _summary_lines(
        summary.to_json(),
        reason_counts=Counter(r for s in scores for r in s.reasons),
        mvc_cmH2O=OLD_CAL_MVC,
        mean_hold_s=sum(holds) / len(holds),
        session_id=1,
    )


def test_strongest_squeeze_is_this_sessions_own() -> None:
    lines = _lines([8.0] * 8, peak=95.0)
    assert "Strongest squeeze 95.0 cmH2O" in lines
    assert not any("54.0" in line for line in lines)


def test_advice_follows_what_happened() -> None:
    full = _lines([8.0] * 8, peak=60.0)  # every hold at the program's top
    assert "Work on next: keep it up" in full
    assert not any("longer" in line for line in full)
    short_of_top = _lines([6.5] * 8, peak=60.0)  # on target, but room to grow
    assert any("now hold longer, towards 8 s" in line for line in short_of_top)
    short = _lines([3.0] * 8, peak=60.0)  # too short: the reason, once
    assert "Work on next: Hold a little longer" in short


def test_the_dose_is_met_or_says_how_far() -> None:
    lines = _lines([8.0] * 8, peak=60.0)  # one set of eight
    assert "Today's dose: 1 of 3 sets" in lines
    view_lines = _summary_lines({"sets": [], "mean_score": 90.0, "sets_done": 7})
    assert "Today's dose is done: 3 sets" in view_lines
    assert not any("7 of 3" in line for line in view_lines)
    assert not any("Saved" in line for line in view_lines)  # no session id: not saved


def test_nothing_is_reported_saved_when_the_record_failed(tmp_path: Path) -> None:
    record = TrainingRecord.open(tmp_path / "p.db")
    journal = SessionJournal(record, INTENSIVE, "sim", None)
    journal.channels = ("squeeze",)
    cal = Calibration(
        rest_cmH2O=30.0, mvc_cmH2O=50.0, attempts_cmH2O=(50.0,), valid=(True,), settle_s=30.0,
        drift_cmH2O_per_min=0.0, settled=True, created_at="2026-05-04T08:00:00+00:00",
    )  # fmt: skip
    assert journal.start(cal) == 1
    record.db.conn.close()  # the training record cannot be written any more
    assert journal.finish(None, SessionStatus.DONE) is None
    assert journal.failed is not None


def test_two_sessions_in_the_same_second_get_two_recordings(tmp_path: Path) -> None:
    here = [new_recording_path(tmp_path), new_recording_path(tmp_path)]
    assert here[0] != here[1]
    code = (
        "import sys; from pathlib import Path; from perineo.display.summary import "
        "new_recording_path as n; print(n(Path(sys.argv[1])))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], env=env, stdout=subprocess.PIPE
        )
        for _ in range(2)
    ]
    names = [p.communicate(timeout=60)[0].decode().strip() for p in procs]
    assert all(names) and len({*names, *map(str, here)}) == 4


def test_a_dose_of_one_set_is_one_set_not_one_sets() -> None:
    # seen with the learn program (one set a day): "Today's dose is done: 1 sets",
    # "Dagens dose er gjord: 1 rundar"
    learn = get_program("learn")
    assert learn.dose.sets == 1

    def lines(lang: Lang, sets_done: int) -> list[str]:
        summary = {"sets": [], "mean_score": 90.0, "sets_done": sets_done}
        return _summary_lines(summary, program=learn, lang=lang)

    assert "Today's dose is done: 1 set" in lines(Lang.EN, 1)
    assert "Today's dose: 0 of 1 set" in lines(Lang.EN, 0)
    assert "Dagens dose er gjord: 1 runde" in lines(Lang.NN, 1)
    assert "Dagens dose: 0 av 1 runde" in lines(Lang.NN, 0)
