"""Read a gettext ``.po`` catalogue: the entries a translator edits, without compiling them.

Only what perineo's catalogues use: comments, ``msgid``/``msgstr`` (each possibly continued
on following ``"…"`` lines) and the ``fuzzy`` flag. An entry marked fuzzy, or with an empty
``msgstr``, is not a translation yet and is left out, as ``msgfmt`` leaves it out. Plural
forms and contexts are refused with the line that has them, so a catalogue never says more
than this reader understands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from perineo.errors import PerineoError

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"\s*$')


class CatalogueError(PerineoError):
    """A ``.po`` file perineo cannot read."""


@dataclass
class _Entry:
    line: int
    fuzzy: bool
    msgid: list[str] = field(default_factory=list)
    msgstr: list[str] = field(default_factory=list)


def _unquote(text: str, where: str) -> str:
    m = _STRING.match(text)
    if m is None:
        raise CatalogueError(f"{where}: expected a quoted string")
    body, out, i = m.group(1), [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise CatalogueError(f"{where}: unknown escape \\{nxt}")
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_po(text: str, name: str = "<po>") -> dict[str, str]:
    """The translated entries of a ``.po`` text: msgid → msgstr (the header left out)."""
    entries: list[_Entry] = []
    part: list[str] | None = None  # the string being read (continuation lines add to it)
    fuzzy = False  # the flags seen since the last entry
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{name}:{number}"
        if not line or line.startswith("#"):
            part = None
            if line.startswith("#,") and "fuzzy" in (f.strip() for f in line[2:].split(",")):
                fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid":
            entries.append(_Entry(number, fuzzy))
            fuzzy = False
            part = entries[-1].msgid
        elif keyword == "msgstr":
            if not entries or entries[-1].msgstr or part is not entries[-1].msgid:
                raise CatalogueError(f"{where}: msgstr without a msgid")
            part = entries[-1].msgstr
        elif line.startswith('"') and part is not None:
            part.append(_unquote(line, where))
            continue
        elif line.startswith('"'):
            raise CatalogueError(f"{where}: a string outside an entry")
        else:
            raise CatalogueError(f"{where}: {keyword!r} is not supported here")
        part.append(_unquote(rest, where))
    out: dict[str, str] = {}
    seen: set[str] = set()
    for e in entries:
        msgid, msgstr = "".join(e.msgid), "".join(e.msgstr)
        if not e.msgstr:
            raise CatalogueError(f"{name}:{e.line}: {msgid!r} has no msgstr")
        if msgid in seen:
            raise CatalogueError(f"{name}:{e.line}: {msgid!r} twice")
        seen.add(msgid)
        if msgid and msgstr and not e.fuzzy:
            out[msgid] = msgstr
    return out


def read_po(path: Path) -> dict[str, str]:
    return parse_po(path.read_text("utf-8"), str(path))
