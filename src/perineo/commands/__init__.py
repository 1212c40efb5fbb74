"""One module a CLI command; each has ``add_arguments(parser)`` and ``run(args) -> int``.

Command modules import heavy dependencies (textual, bleak) inside ``run`` only, so that
``perineo --help`` and the signal-only commands stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any, NoReturn

from perineo import __version__
from perineo.store.recovery import AFTER_RECOVERY
from perineo.store.sessions import SessionKind, TrainingRecord
from perineo.text_safety import visible


def _recover_assessment(*args: Any) -> object:
    """An interrupted assessment's own rows, when the store recovers one: the assessment
    modules (and the detector under them) are loaded only then, not for every command."""
    from perineo.assess.records import recover_assessment

    return recover_assessment(*args)


AFTER_RECOVERY.setdefault(SessionKind.ASSESS.value, _recover_assessment)

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


def lang_of(args: argparse.Namespace) -> str:
    """The language a command speaks: its ``--lang``; ``train``'s default comes from the
    environment (``$LANG``); a command without the option speaks English."""
    if not hasattr(args, "lang"):
        return "en"
    if args.lang is None:
        from perineo.commands.train import default_lang

        return default_lang()
    return str(args.lang)


def refusal(exc: BaseException, lang: str) -> str:
    """An error's one line in ``lang``: its catalogue key said with its values (a value
    named ``…_key`` is a key too, said in its place), else its English message."""
    key = getattr(exc, "key", None)
    if key is None:
        return one_line(exc)
    from perineo.locale import say

    values = dict(getattr(exc, "values", ()))
    for name in [n for n in values if n.endswith("_key")]:
        said = values.pop(name)
        if said:
            values[name.removesuffix("_key")] = say(lang, str(said))
    return one_line(say(lang, key, **values))


def open_record(lang: str) -> TrainingRecord:
    """The training record as a command opens it: a session a crash interrupted is
    recovered first, and said so in the command's language."""
    from perineo.locale import say

    return TrainingRecord.open_at_start(words=lambda r: one_line(say(lang, r.key, **r.values)))


class _Parser(argparse.ArgumentParser):
    """perineo's parser: a usage error is the usage and one line, in ``lang`` (the
    language ``--lang`` names on the command line, :func:`perineo.commands.usage.lang_in`)."""

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang

    def format_usage(self) -> str:
        from perineo.commands.usage import usage_word

        usage = super().format_usage()
        if self.lang == "en" or not usage.startswith("usage: "):
            return usage
        word = usage_word(self.lang)  # its lines after the first aligned under the first's
        first, *rest = usage.removeprefix("usage: ").split("\n")
        shift = len("usage: ") - len(word)
        lines = [line[shift:] if shift > 0 else " " * -shift + line for line in rest if line]
        return "\n".join([word + first, *lines]) + "\n"

    def error(self, message: str) -> NoReturn:
        from perineo.commands.usage import say_usage

        self.print_usage(sys.stderr)
        said = message if self.lang == "en" else say_usage(message, self.lang)
        self.exit(2, f"perineo: {one_line(said)}\n")


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The command line's parser; its usage errors are said in ``lang``."""
    parser = _Parser(
        prog="perineo", description="Pelvic floor muscle training biofeedback.", lang=lang
    )
    parser.add_argument("--version", action="version", version=f"perineo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module, help_text in COMMANDS:
        mod = importlib.import_module(module)
        p = sub.add_parser(name, help=help_text, description=help_text, lang=lang)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser
