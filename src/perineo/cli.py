"""The ``perineo`` command line: argparse, one module a command under ``perineo.commands``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from perineo import __version__
from perineo.errors import InputError, PerineoError
from perineo.text_safety import visible

# (name, module, one-line help). Add a command by adding its module here.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("analyze", "perineo.commands.analyze", "detect repetitions and errors in a recording"),
    ("sim", "perineo.commands.sim", "simulate a scenario into a recording and a truth file"),
    ("train", "perineo.commands.train", "train with live biofeedback (the terminal app)"),
    ("programs", "perineo.commands.programs", "list the training programs and their targets"),
    ("record", "perineo.commands.record", "record a probe or a simulated scenario, without the UI"),
    ("history", "perineo.commands.history", "days trained, sets, scores and trends"),
    ("plan", "perineo.commands.plan", "where you stand over months, and what comes next"),
    ("export", "perineo.commands.export", "export a session as csv, json or edf (EDF+)"),
    ("scan", "perineo.commands.scan", "list nearby probes: name, address, signal, battery"),
    ("assess", "perineo.commands.assess", "guided PERFECT assessment of a patient (clinic)"),
    ("report", "perineo.commands.report", "PERFECT report of a recording: html or json"),
    ("serve", "perineo.commands.serve", "the app in a web browser, on this machine only"),
)


def one_line(message: object) -> str:
    """``message`` on one printable line: control characters (a path's newline) escaped."""
    return visible(message)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"perineo: {one_line(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="perineo", description="Pelvic floor muscle training biofeedback.")
    parser.add_argument("--version", action="version", version=f"perineo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module, help_text in COMMANDS:
        mod = importlib.import_module(module)
        p = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "_run", None)
    if run is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            parser.print_help()
            return 0
        # `perineo` alone in a terminal opens the app's home screen
        args = parser.parse_args(["train"])
        run = args._run
    try:
        return int(run(args) or 0)
    except InputError as exc:
        print(f"perineo: {one_line(exc)}", file=sys.stderr)
        return 2
    except PerineoError as exc:
        print(f"perineo: {one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("perineo: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
