"""What the domain says, as keys and numbers: never words.

The coach, the calibration, scoring and the plan emit a :class:`Message`: a key (a member of
an enum such as :class:`Prompt`, ``scoring.Reason``, ``signal.events.TechError`` or
``plan.Advice``) with typed values. Words are chosen where a message is shown, from one
catalogue per language (:mod:`perineo.locale`); its key there is the enum's namespace and the
member's value, e.g. ``prompt.hold`` with ``{n}`` seconds left.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# A value a message carries; an enum member is itself translated where it is shown.
Param = int | float | str | StrEnum


class Prompt(StrEnum):
    """What the coach and the calibration ask for now (with the values each takes)."""

    SQUEEZE = "squeeze"
    SQUEEZE_MAX = "squeeze_max"
    SQUEEZE_LIGHT = "squeeze_light"
    RISING = "rising"
    HOLD = "hold"  # n: seconds left
    QUICK = "quick"  # n: lifts done, m: lifts asked for
    LET_GO = "let_go"
    RELEASING = "releasing"
    REST = "rest"  # n: seconds left
    SET_PAUSE = "set_pause"  # k: the set just done, n: seconds left
    DONE = "done"  # k: sets done
    SETTLE = "settle"
    REST_LEVEL = "rest_level"
    MVC = "mvc"  # k: attempt, m: attempts asked for
    CALIBRATED = "calibrated"  # n: the strongest squeeze, cmH2O
    GAP = "gap"
    GOOD = "good"


@dataclass(frozen=True)
class Message:
    """A key and its values, e.g. ``Message.of(Prompt.HOLD, n=7)``."""

    key: StrEnum
    args: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, key: StrEnum, **args: Param) -> Message:
        return cls(key, tuple(sorted(args.items())))

    @property
    def values(self) -> dict[str, Param]:
        return dict(self.args)
