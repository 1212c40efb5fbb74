"""What the assessment says, as keys and numbers: never words.

Like the coach (:mod:`perineo.program.texts`), PERFECT's summary, findings, technique
checks and the guide's instructions are :class:`~perineo.program.texts.Message` keys with
their values; the words are chosen where they are shown (the report, the assessment
screen, the command line), from the catalogues of :mod:`perineo.locale`, under
``assess.<part>.<key>``. A line that lists things (the contractions a finding names, the
checks left undone) is a :class:`Note`: its message and the items, each said and joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from perineo.program.texts import Message, Param
from perineo.signal.events import TechError

__all__ = ["Act", "Check", "Finding", "GuideText", "Needs", "Note", "Noted", "Used", "note"]


class Finding(StrEnum):
    """The sentences of the summary, the findings and the technique checks."""

    NO_CONTRACTIONS = "no_contractions"
    NOT_VERIFIABLE = "not_verifiable"  # n: contractions
    LIFT_IN = "lift_in"  # n lifts of `of`
    DURING = "during"  # act (Act) during step (Step)
    IN_N = "in_n"  # act (Act) in n of `of`
    NOT_CHECKED = "not_checked"  # items: Noted
    AT = "at"  # n: contraction number, step, t: onset s; items: Noted
    R_COULD = "r_could"  # low, high, within (s); items: HELD_ITEM
    HELD_ITEM = "held_item"  # n, held (s)
    P_COULD = "p_could"  # could, swing (cmH2O)
    MOVED = "moved"  # items: MOVED_ITEM
    MOVED_ITEM = "moved_item"  # n, t (s), tilt (degrees), peak (cmH2O)
    NOT_COUNTED = "not_counted"  # brief (s); items: ONSET_ITEM
    ONSET_ITEM = "onset_item"  # n, t (s)
    NOT_CHECKABLE = "not_checkable"  # check (Check) without needs (Needs)
    NONE_SEEN = "none_seen"  # check (Check), used (Used)
    SEEN_IN = "seen_in"  # check (Check), n of `of`, used (Used)
    NO_ASSESSMENT = "no_assessment"  # what a recording without is no PERFECT assessment


class Act(StrEnum):
    """A technique error as the summary says she did it (``pushes down``)."""

    PUSH_DOWN = TechError.PUSH_DOWN.value
    ABDOMINAL_BRACING = TechError.ABDOMINAL_BRACING.value
    BREATH_HOLD = TechError.BREATH_HOLD.value
    INCOMPLETE_RELEASE = TechError.INCOMPLETE_RELEASE.value


class Noted(StrEnum):
    """A technique error as a contraction's finding lists it (``push down``)."""

    PUSH_DOWN = TechError.PUSH_DOWN.value
    ABDOMINAL_BRACING = TechError.ABDOMINAL_BRACING.value
    BREATH_HOLD = TechError.BREATH_HOLD.value
    INCOMPLETE_RELEASE = TechError.INCOMPLETE_RELEASE.value


class Check(StrEnum):
    """A technique check by name (``push-down``, ``incomplete relaxation``)."""

    PUSH_DOWN = TechError.PUSH_DOWN.value
    ABDOMINAL_BRACING = TechError.ABDOMINAL_BRACING.value
    BREATH_HOLD = TechError.BREATH_HOLD.value
    INCOMPLETE_RELEASE = TechError.INCOMPLETE_RELEASE.value


class Needs(StrEnum):
    """The channels a check needs, any one of them (``an abdominal or a tilt channel``)."""

    ABDOMINAL = "abdominal"
    ABDOMINAL_TILT = "abdominal_tilt"
    SQUEEZE = "squeeze"


class Used(StrEnum):
    """The channels a check was made with (``checked with the squeeze channel``)."""

    ABDOMINAL = "abdominal"
    TILT = "tilt"
    ABDOMINAL_TILT = "abdominal_tilt"
    SQUEEZE = "squeeze"


class GuideText(StrEnum):
    """The guided assessment's step titles, instructions and cues."""

    REST = "rest"
    REST_DO = "rest_do"
    POWER = "power"
    POWER_DO = "power_do"
    ENDURANCE = "endurance"
    ENDURANCE_DO = "endurance_do"
    RECOVERY = "recovery"
    RECOVERY_DO = "recovery_do"
    FAST = "fast"
    FAST_DO = "fast_do"
    STEP = "step"  # title, instruction (GuideText)
    SQUEEZE = "squeeze"
    REPEAT = "repeat"  # hold: E, whole seconds
    LET_GO = "let_go"
    DONE = "done"


@dataclass(frozen=True)
class Note:
    """One line of the summary or the findings: a message, and what it lists (``items``,
    each said and joined by commas into its ``{items}``)."""

    message: Message
    items: tuple[Message, ...] = ()


def note(key: StrEnum, items: tuple[Message, ...] = (), **args: Param) -> Note:
    """``note(Finding.LIFT_IN, n=9, of=10)``: a Note of one message and its items."""
    return Note(Message.of(key, **args), items)
