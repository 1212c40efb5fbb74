"""``perineo analyze --program NAME``: score every repetition of an analysis against a program.

Adds ``score``, ``verdict`` and ``reasons`` to each repetition and a ``summary`` for the
recording, through the analyze command's ``_extend_analysis`` hook.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from perineo.errors import ProgramError
from perineo.program.model import Program

if TYPE_CHECKING:
    from perineo.signal.analysis import Analysis


def _program(name: str) -> Program:
    from perineo.program.loader import get_program

    try:
        return get_program(name)
    except ProgramError as exc:  # argparse reports it as a usage error (exit 2)
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_program_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--program",
        metavar="NAME",
        type=_program,
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
    out.update(annotate_analysis_json(out, analysis.reps, program))
