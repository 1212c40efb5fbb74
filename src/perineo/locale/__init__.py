"""perineo's words: one gettext catalogue per language, used where text is shown.

``<lang>/LC_MESSAGES/perineo.po`` holds every text the app, the commands and the coach show,
under a symbolic msgid (``prompt.hold``, ``reason.hold_short``, ``app.title``); the English
catalogue is a translation like the others. The domain (program/, signal/, …) emits keys with
values (:class:`perineo.program.texts.Message`); :func:`say` turns them into words.

The ``.po`` files are read as they are (:mod:`perineo.locale.po`), not compiled to ``.mo``:
the standard library has no ``msgfmt``, perineo installs with plain pip from a fresh clone,
and a committed binary could drift from its source. See docs/design.md, "Texts and
languages".
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import cache
from pathlib import Path

from perineo.assess.model import Movement, Step
from perineo.assess.texts import Act, Check, Finding, GuideText, Needs, Note, Noted, Used
from perineo.program.model import Effort
from perineo.program.plan import Advice, Leakage, Why
from perineo.program.scoring import Reason
from perineo.program.texts import Message, Param, Prompt
from perineo.signal.events import TechError

__all__ = ["Lang", "Message", "Note", "catalogue", "msgid", "say", "words"]

DOMAIN = "perineo"
_HERE = Path(__file__).parent


class Lang(StrEnum):
    EN = "en"
    NN = "nn"


# The enums whose members are message keys, and their part of the catalogue.
NAMESPACES: dict[type[StrEnum], str] = {
    Prompt: "prompt",
    Reason: "reason",
    TechError: "error",
    Advice: "advice",
    Why: "plan",
    Leakage: "leakage",
    Effort: "effort",
    # the assessment (perineo.assess.texts): its summary, findings, checks and guide
    Finding: "assess",
    Act: "assess.act",
    Noted: "assess.noted",
    Check: "assess.check",
    Needs: "assess.needs",
    Used: "assess.used",
    GuideText: "assess.guide",
    Step: "assess.step",
    Movement: "assess.movement",
}


def po_path(lang: Lang | str) -> Path:
    return _HERE / Lang(lang).value / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: Lang | str) -> dict[str, str]:
    """msgid → text for ``lang`` (read once)."""
    from perineo.locale.po import read_po

    return read_po(po_path(lang))


def msgid(key: StrEnum) -> str:
    """The catalogue's id for an enum key, e.g. ``Reason.HOLD_SHORT`` → ``reason.hold_short``."""
    try:
        return f"{NAMESPACES[type(key)]}.{key.value}"
    except KeyError:
        raise KeyError(f"{type(key).__name__} is not a message key") from None


def say(lang: Lang | str, key: str | StrEnum | Message | Note, **values: object) -> str:
    """The words for ``key`` in ``lang``, its ``{placeholders}`` filled from ``values``.

    A :class:`Message` brings its own values; an enum value among them is said in words too.
    A :class:`Note` is its message with the items it lists said and joined as ``{items}``.
    """
    if isinstance(key, Note):
        if key.items:
            values = {"items": ", ".join(say(lang, m) for m in key.items), **values}
        key = key.message
    if isinstance(key, Message):  # a whole number of cmH2O or seconds reads without ".0"
        values = {**{k: _whole(v) for k, v in key.args}, **values}
        key = key.key
    mid = key if not isinstance(key, StrEnum) else msgid(key)
    try:
        text = catalogue(lang)[mid]
    except KeyError:
        raise KeyError(f"no text {mid!r}") from None
    if not values:
        return text
    return text.format(**{k: _value(lang, v) for k, v in values.items()})


def words(lang: Lang | str) -> Callable[[Note], str]:
    """``say`` in ``lang`` as one function of a Note (what ``Perfect.to_json`` takes)."""
    return lambda note: say(lang, note)


def _value(lang: Lang | str, v: object) -> object:
    return say(lang, v) if isinstance(v, StrEnum) and type(v) in NAMESPACES else v


def _whole(v: Param) -> Param:
    return int(v) if isinstance(v, float) and v.is_integer() else v
