"""``perineo export SESSION``: a stored session as recording CSV, JSON, or EDF+ (annotated).

``--lang nn`` says what it prints (and its refusals) in Nynorsk; the exported files are
data, the same in any language."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from perineo.commands.checks import add_lang_argument, record_id
from perineo.errors import InputError, StoreError
from perineo.text_safety import visible


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("session", help="session number (see 'perineo history --sessions')")
    p.add_argument(
        "--format",
        choices=("csv", "json", "edf"),
        required=True,
        help="csv: the samples; json: everything stored; edf: EDF+ with events",
    )
    p.add_argument(
        "--out", type=Path, help="file to write (default: standard output; required for edf)"
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    add_lang_argument(p, "what it prints (the files are the same in any language)")


def run(args: argparse.Namespace) -> int:
    from perineo.commands import open_record
    from perineo.store.export import ExportFormat, export_session
    from perineo.store.sessions import SessionKind

    number = record_id(args.session, "session")
    with open_record(args.lang) as rec:
        try:
            info = rec.session(number)
        except StoreError as exc:  # a session number that is not there: bad input
            raise InputError(str(exc)).keyed("refusal.no_session", n=number) from None
        extra = None
        if info.kind is SessionKind.ASSESS:  # its steps and contractions, annotated
            from perineo.assess.export import assessment_extra

            extra = assessment_extra(rec.db, number)
        text = export_session(
            rec, number, ExportFormat(args.format), args.out, overwrite=args.overwrite,
            extra=extra,
        )  # fmt: skip
    if text is not None:
        sys.stdout.write(text)
    else:
        from perineo.locale import say

        print(say(args.lang, "cli.wrote", path=visible(args.out)), file=sys.stderr)
    return 0
