"""A training program as a value: what a repetition, a set and a dose should be."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum


class ProgramKind(StrEnum):
    TRAINING = "training"
    ASSESSMENT = "assessment"  # the clinic's PERFECT scheme


class Effort(StrEnum):
    LIGHT = "light"  # finding the muscles: light contractions
    STRONG = "strong"
    MAX = "max"  # "as hard as you can"


class Period(StrEnum):
    """What a dose is counted over: the daily dose, or maintenance's weekly one."""

    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True)
class Range:
    """A closed range of targets, e.g. a 6–8 s hold."""

    low: float
    high: float

    def __contains__(self, x: float) -> bool:
        return self.low <= x <= self.high

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    def __str__(self) -> str:
        if self.low == self.high:
            return f"{self.low:g}"
        return f"{self.low:g}–{self.high:g}"


@dataclass(frozen=True)
class Dose:
    reps: Range  # repetitions a set
    sets: int  # sets a session (the daily dose: 3)
    period: Period
    sessions: Range  # sessions a period (maintenance: 1–2 a week)
    set_pause_s: float  # coached pause between sets


@dataclass(frozen=True)
class RepTarget:
    """What one repetition should look like; ``None`` = not a target of this program."""

    hold_s: Range | None
    quick_lifts: Range | None
    rest_s: Range
    cue_hold_s: float | None = None  # how long the coach asks to hold without a hold target
    max_hold_drop: float = 0.35  # fraction the level may fall over the hold
    keep_level_fraction: float | None = None  # of MVC: the level a hold should keep
    tolerance_s: float = 0.5  # timing slack for hold and rest (detector timing, reaction)

    @property
    def coach_hold_s(self) -> float:
        """The hold the coach counts down: the middle of the range, whole seconds."""
        if self.hold_s is not None:
            return float(math.ceil(self.hold_s.mid))
        return self.cue_hold_s if self.cue_hold_s is not None else 3.0

    @property
    def coach_quick_lifts(self) -> int:
        return 0 if self.quick_lifts is None else int(self.quick_lifts.high)

    @property
    def coach_rest_s(self) -> float:
        return float(math.ceil(self.rest_s.high))


@dataclass(frozen=True)
class PerfectSpec:
    """The PERFECT assessment's limits (docs/design.md)."""

    endurance_max_s: float = 10.0
    repetitions_max: int = 10
    rest_s: float = 4.0
    fast_max: int = 10
    fast_rest_before_s: float = 60.0


@dataclass(frozen=True)
class Program:
    name: str
    title: str
    title_nn: str
    kind: ProgramKind
    effort: Effort
    dose: Dose
    rep: RepTarget
    min_months: int | None = None  # intensive: at least 6 months
    perfect: PerfectSpec | None = None
    source: str = "built-in"  # the file it came from

    def to_json(self) -> dict[str, object]:
        return {k: _plain(v) for k, v in asdict(self).items()}


def _plain(x: object) -> object:
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, StrEnum):
        return x.value
    return x
