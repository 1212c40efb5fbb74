"""argparse's usage errors in the command's language.

A usage error is found while the command line is parsed, before ``--lang`` has a value, so
the language is looked for in the arguments first (:func:`lang_in`). argparse composes its
messages in English from a handful of patterns; :func:`say_usage` recognises them and says
them with the catalogue's ``cli.usage.*`` words. A message of no known pattern (one a type
function composed) stays as argparse gave it. The line stays one line, after the usage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from perineo.commands.checks import LANGS

# argparse's own messages (Python 3.11–3.13), ``argument X: …`` taken off first
_WHOLE = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "required"),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"), "unrecognized"),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"), "ambiguous"),
    (re.compile(r"one of the arguments (?P<args>.+) is required"), "one_of"),
)
_ARGUMENT = re.compile(r"argument (?P<arg>.+?): (?P<message>.+)")
_OF_ARGUMENT = (
    (re.compile(r"expected one argument"), "expected_one"),
    (re.compile(r"expected at least one argument"), "expected_at_least_one"),
    (re.compile(r"expected at most one argument"), "expected_at_most_one"),
    (re.compile(r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"), "choice"),
    (re.compile(r"invalid (?P<type>\S+) value: (?P<value>.+)"), "invalid_value"),
    (re.compile(r"not allowed with argument (?P<other>.+)"), "not_allowed"),
    (re.compile(r"ignored explicit argument (?P<value>.+)"), "ignored"),
)
_TYPES = ("int", "float", "fromisoformat")  # the types perineo's options are read with


def lang_in(argv: Sequence[str]) -> str:
    """The language the first ``--lang`` on the command line names (``--lang nn`` or
    ``--lang=nn``); English without one, or with one that is no language."""
    for i, arg in enumerate(argv):
        if arg == "--lang":
            value = argv[i + 1] if i + 1 < len(argv) else ""
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        return value if value in LANGS else "en"
    return "en"


def say_usage(message: str, lang: str) -> str:
    """argparse's ``message`` in ``lang`` (as it is when its pattern is not known)."""
    from perineo.locale import say

    for pattern, key in _WHOLE:
        m = pattern.fullmatch(message)
        if m is not None:
            return say(lang, f"cli.usage.{key}", **m.groupdict())
    whole = _ARGUMENT.fullmatch(message)
    if whole is None:
        return message
    for pattern, key in _OF_ARGUMENT:
        m = pattern.fullmatch(whole["message"])
        if m is not None:
            values = m.groupdict()
            if values.get("type") in _TYPES:
                values["type"] = say(lang, f"cli.usage.type.{values['type']}")
            said = say(lang, f"cli.usage.{key}", **values)
            return say(lang, "cli.usage.argument", arg=whole["arg"], message=said)
    return message


def usage_word(lang: str) -> str:
    """What the usage line starts with (argparse's ``usage: ``)."""
    from perineo.locale import say

    return say(lang, "cli.usage.usage")
