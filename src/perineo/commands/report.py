"""``perineo report RECORDING``: the PERFECT report of a recording or a stored assessment.

RECORDING is a recording CSV or ``assessment:N`` (a stored assessment). A recording without
PERFECT's steps (a training session) is refused in one line pointing at ``perineo analyze``:
no assessment numbers are made up for it. The report goes to
stdout unless ``--out PATH`` asks for a file (written whole, readable by the user only,
0600; an existing file only with ``--overwrite``, and never the recording itself).
``--lang nn`` gives its words (the summary, findings, headings) in Nynorsk.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from perineo.commands.checks import record_id
from perineo.errors import InputError
from perineo.text_safety import visible

PREFIX = "assessment:"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("recording", metavar="RECORDING", help="recording CSV, or assessment:N")
    p.add_argument("--format", choices=("html", "json"), default="html", help="default html")
    p.add_argument("--out", metavar="PATH", help="write the report here (0600), not to stdout")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    p.add_argument(
        "--patient", metavar="ID", help="pseudonymous patient ID (to compare with the last)"
    )
    p.add_argument("--probe", default=None, help="probe description shown in the report")
    p.add_argument(
        "--lang", choices=("en", "nn"), default="en", help="language of the report's words"
    )


def run(args: argparse.Namespace) -> int:
    from perineo.assess.records import (
        AssessmentRecord,
        assessment,
        assessments,
        check_patient_id,
        previous,
    )
    from perineo.assess.scheme import perfect
    from perineo.assess.steps import NO_ASSESSMENT, is_assessment
    from perineo.locale import Lang, say
    from perineo.paths import check_output
    from perineo.report import ReportInfo, report_html, report_json, write_private
    from perineo.report.build import dumps
    from perineo.report.reading import read_for_report
    from perineo.store.db import Database

    if args.patient is not None:
        check_patient_id(args.patient)
    if args.out is not None and not args.recording.startswith(PREFIX):
        inputs = (Path(args.recording),)
        check_output(Path(args.out), overwrite=args.overwrite, inputs=inputs)
    with Database() as db:
        stored: AssessmentRecord | None = None
        if args.recording.startswith(PREFIX):
            number = record_id(args.recording[len(PREFIX) :], "assessment")
            stored = assessment(db, number)
            if stored.recording is None:
                raise InputError(f"assessment {number} has no recording")
            path = stored.recording
        else:
            path = Path(args.recording)
            if args.patient is not None:
                stored = next(
                    (a for a in assessments(db, args.patient) if _same(a.recording, path)), None
                )
        if args.out is not None:
            check_output(Path(args.out), overwrite=args.overwrite, inputs=(path,))
        # block by block, in bounded memory (report/reading.py)
        steps = stored.steps if stored is not None else None
        reading = read_for_report(path, steps, args.lang)
        if steps is None and not is_assessment(reading.steps):
            raise InputError(
                f"{path}: not a PERFECT assessment ({say(Lang.EN, NO_ASSESSMENT)}); "
                f"for a training recording: perineo analyze {path} --program NAME"
            )
        result = perfect(reading.block, reading.reps, reading.steps)
        patient = stored.patient if stored is not None else args.patient
        when = (
            stored.created_at
            if stored is not None
            else datetime.fromtimestamp(path.stat().st_mtime, UTC)
        )
        prev = None if patient is None else previous(db, patient, when)
    unstated = say(Lang(args.lang), "report.probe_unstated")
    probe = args.probe or (stored.probe if stored is not None else unstated)
    info = ReportInfo(
        patient=patient,
        when=when,
        probe=probe,
        source=str(path),
        previous=None if prev is None else prev.summary(),
        out_of_range_samples=reading.out_of_range,
        measured_from_s=reading.measured_from_s,
        warnings=reading.warnings(args.lang),
    )
    lang = Lang(args.lang)
    for warning in info.warnings:
        print(f"perineo: {visible(warning)}", file=sys.stderr)
    if args.format == "json":
        text = dumps(report_json(result, info, lang))
    else:
        text = report_html(result, reading.block, info, lang)
    if args.out is None:
        sys.stdout.write(text)
    else:
        out = write_private(args.out, text, overwrite=args.overwrite, inputs=(path,))
        print(say(lang, "report.wrote", path=visible(out)), file=sys.stderr)
    return 0


def _same(a: Path | None, b: Path) -> bool:
    try:
        return a is not None and a.resolve() == b.resolve()
    except OSError:
        return False
