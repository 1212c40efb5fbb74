"""``perineo analyze --program NAME``: score every repetition of an analysis against a program.

Adds ``score``, ``verdict`` and ``reasons`` to each repetition and a ``summary`` for the
recording, through the analyze command's ``_extend_analysis`` hook.

Sets and repetitions are numbered as the screen numbered them when the recording is a session
of the training record (``numbering: "session"``): the coach's sets (it starts the next set
after the set's repetitions, however long she paused), calibration squeezes as calibration
attempts, not scored. A recording alone does not say where the coach's sets began nor which
squeezes calibrated (a pause with the pause key looks like the pause between sets), so for
any other recording the sets are found from the pauses (``numbering: "pauses"``): a pause
much longer than the rest starts the next.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from perineo.errors import ProgramError
from perineo.program.model import Program

if TYPE_CHECKING:
    from perineo.signal.analysis import Analysis
    from perineo.signal.events import Repetition
    from perineo.store.export import RepNumber

# a squeeze the session saw and did not count (made while paused): no number, no score
UNCOUNTED: dict[str, object] = {
    "number": None, "set": None, "rep_in_set": None, "calibration": False, "counted": False,
}  # fmt: skip


def _program(name: str, lang: str = "en") -> Program:
    from perineo.commands import refusal
    from perineo.program.loader import get_program

    try:
        return get_program(name)
    except ProgramError as exc:  # argparse reports it as a usage error (exit 2), in lang
        raise argparse.ArgumentTypeError(refusal(exc, lang)) from None


def add_program_option(p: argparse.ArgumentParser) -> None:
    lang = getattr(p, "lang", "en")  # the language of the command line's usage errors
    p.add_argument(
        "--program",
        metavar="NAME",
        type=partial(_program, lang=lang),
        default=None,
        help="score every repetition against this program (adds score, verdict, reasons "
        "and a summary); see 'perineo programs'",
    )
    p.set_defaults(_extend_analysis=score_into)


def score_into(args: argparse.Namespace, analysis: Analysis, out: dict[str, object]) -> None:
    """The hook: add the scores to ``out`` (the analysis JSON) in place."""
    from perineo.program.scoring import annotate_analysis_json

    program: Program | None = getattr(args, "program", None)
    if program is None:
        return
    stored = stored_numbers(args.path, analysis.reps)
    if stored is None:
        out.update(annotate_analysis_json(out, analysis.reps, program))
        out["numbering"] = "pauses"
        return
    session_id, numbers = stored
    docs = out["reps"]
    assert isinstance(docs, list)
    train = [i for i, n in enumerate(numbers) if n is not None and not n.calibration]
    sets: list[int] = []
    for i in train:  # one found again only now goes with the set before it
        number = numbers[i]
        assert number is not None
        set_no = number.set_no
        sets.append(set_no if set_no is not None else (sets[-1] if sets else 1))
    scored = annotate_analysis_json(
        {**out, "reps": [docs[i] for i in train]},
        [analysis.reps[i] for i in train],
        program,
        sets=sets,
    )
    made = scored["reps"]
    assert isinstance(made, list)
    scored_docs = iter(made)
    out["reps"] = [
        docs[i] | UNCOUNTED
        if n is None
        else (docs[i] if n.calibration else next(scored_docs)) | n.to_json()
        for i, n in enumerate(numbers)
    ]
    out["summary"] = scored["summary"]
    out["numbering"] = "session"
    out["session_id"] = session_id


def stored_numbers(
    path: str, reps: Sequence[Repetition]
) -> tuple[int, list[RepNumber | None]] | None:
    """The session of the training record whose recording is ``path``, and each of
    ``reps`` numbered as its screen numbered it (None: a squeeze the session saw and did
    not count, made while paused); None for a recording of no session (or with no
    training record on this machine)."""
    from perineo.paths import data_dir
    from perineo.store.db import DB_NAME
    from perineo.store.export import RepNumber, repetition_onsets, session_numbers
    from perineo.store.sessions import SAME_ONSET_S, TrainingRecord

    db = data_dir(create=False) / DB_NAME
    file = Path(path)
    if not db.is_file() or not file.is_file():
        return None
    with TrainingRecord.open(db) as rec:
        for info in rec.sessions():
            if info.recording is not None and _same(info.recording, file):
                numbers = session_numbers(rec, info.id)
                onsets = repetition_onsets(rec.events(info.id))
                break
        else:
            return None
    out: list[RepNumber | None] = []
    trained = max((n.number for n in numbers.values() if not n.calibration), default=0)
    for r in reps:
        near = min(onsets, key=lambda i: abs(onsets[i] - r.onset_s), default=None)
        if near is not None and abs(onsets[near] - r.onset_s) <= SAME_ONSET_S:
            out.append(numbers.get(near))  # None: the session did not count it
        else:  # found by this analysis only: a repetition, not one the screen showed
            trained += 1
            out.append(RepNumber(False, trained))
    return info.id, out


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
