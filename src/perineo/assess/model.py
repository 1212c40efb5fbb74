"""Values of a clinic assessment (PERFECT): steps, contractions, findings, the result.

Every definition is in ``docs/clinician.md``; the constants here are the ones it quotes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from perineo.assess.bands import OxfordBand
from perineo.assess.texts import Note
from perineo.program.texts import Message

# E: a hold lasts while the squeeze stays above this fraction of its own peak: it ends
# when the pressure has fallen by 35 % (Laycock & Jerwood 2001; see docs/clinician.md).
# The one definition of "still held" for every PERFECT number perineo gives.
ENDURANCE_FRACTION = 0.65
ENDURANCE_MAX_S = 10.0
REPETITIONS_MAX = 10
FAST_MAX = 10
# R: a repetition "reaches the endurance" if it is held at least E minus this tolerance.
REPETITION_TOLERANCE_S = 1.0
# P: without the abdominal channel the breath stays in the peak. P could read up to this
# many times the breathing swing at rest (±) otherwise (200 simulated squeeze-only sessions:
# within 1.5x in 195, at most 1.8x), and that is named beside P from 1 cmH2O (its target).
POWER_BREATH_FACTOR = 1.5
POWER_BREATH_NOTE_CMH2O = 1.0


def held_floor(seconds: float, digits: int = 0) -> float:
    """Time held, never rounded up: 8.96 s is 8 whole seconds, 8.9 to the tenth (E and
    every hold are shown this way, live and in the report)."""
    k = 10**digits
    return math.floor(seconds * k + 1e-9) / k


def breath_named(power_cmH2O: float | None, could_cmH2O: float | None) -> bool:
    """Is the breathing left in P (``could_cmH2O`` either way) to be named beside it?"""
    return (
        power_cmH2O is not None
        and could_cmH2O is not None
        and could_cmH2O >= POWER_BREATH_NOTE_CMH2O
    )


class Step(StrEnum):
    """The parts of a PERFECT assessment, in order."""

    REST = "rest"
    POWER = "power"  # three maximal contractions
    ENDURANCE = "endurance"  # the first maximal hold (E) and its repetitions (R)
    RECOVERY = "recovery"  # a minute's rest
    FAST = "fast"  # 1-s maximal contractions (F)


class Movement(StrEnum):
    """What the pelvic floor did: the correct-contraction check."""

    LIFT = "lift"
    PUSH_DOWN = "push_down"
    NOT_VERIFIABLE = "not_verifiable"  # squeeze-only probe: a push cannot be told from a lift


@dataclass(frozen=True)
class StepSpan:
    """When a step ran, in the recording's clock."""

    step: Step
    start_s: float
    end_s: float

    def contains(self, t: float) -> bool:
        return self.start_s <= t < self.end_s

    def to_json(self) -> dict[str, object]:
        return {"step": self.step.value, "start_s": _r(self.start_s), "end_s": _r(self.end_s)}


@dataclass(frozen=True)
class Contraction:
    """One contraction, timed and classified (ECT: every contraction timed)."""

    index: int
    step: Step
    onset_s: float
    hold_start_s: float | None
    release_s: float | None
    end_s: float | None
    peak_cmH2O: float  # above the local resting level
    held_s: float | None  # time above ENDURANCE_FRACTION of its own peak, from hold start
    rise_time_s: float | None  # onset to hold start (to the top, for a fast contraction)
    relax_time_s: float | None  # release to the end of the fall
    movement: Movement
    errors: tuple[str, ...] = ()  # technique errors (docs/design.md names)
    relaxed: bool | None = None  # complete relaxation afterwards (None: not decided)
    residual_cmH2O: float | None = None
    tilt_change_deg: float | None = None  # probe pitch during it (tilt channel), + = lift

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "step": self.step.value,
            "onset_s": _r(self.onset_s),
            "hold_start_s": _r(self.hold_start_s),
            "release_s": _r(self.release_s),
            "end_s": _r(self.end_s),
            "peak_cmH2O": _r(self.peak_cmH2O, 1),
            "held_s": None if self.held_s is None else held_floor(self.held_s, 2),
            "rise_time_s": _r(self.rise_time_s),
            "relax_time_s": _r(self.relax_time_s),
            "classification": self.movement.value,
            "errors": list(self.errors),
            "relaxed": self.relaxed,
            "residual_cmH2O": _r(self.residual_cmH2O, 1),
            "tilt_change_deg": _r(self.tilt_change_deg, 2),
        }


@dataclass(frozen=True)
class Perfect:
    """The PERFECT numbers of one assessment and everything they were computed from."""

    power_cmH2O: float | None
    band: OxfordBand | None
    endurance_s: float | None
    repetitions: int
    fast: int
    resting_cmH2O: float | None
    contractions: tuple[Contraction, ...]
    steps: tuple[StepSpan, ...]
    channels: tuple[str, ...]
    # the clauses of the one-sentence summary (said and joined by "; " where shown)
    summary: tuple[Note, ...]
    findings: tuple[Note, ...] = ()
    # the lowest and highest R the holds ending near the E - 1 s line allow
    repetitions_range: tuple[int, int] = (0, 0)
    # without the abdominal channel the breathing stays in P: how far P could read
    # otherwise (POWER_BREATH_FACTOR x the breathing swing at rest), cmH2O
    power_uncertainty_cmH2O: float | None = None
    # the findings that qualify the PERFECT line itself (also in findings): what was left
    # out of it, how far P or R could read otherwise; shown beside the line wherever it is
    qualifiers: tuple[Note, ...] = ()
    # one line per technique check: what it found, with which channels, or that these
    # channels cannot check it
    checks: tuple[Note, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    def line(self) -> str:
        """``P 32 cmH2O · E 7 s · R 6 · F 8`` (E in whole seconds held: 7.9 s is 7)"""
        p = "–" if self.power_cmH2O is None else f"{self.power_cmH2O:.0f}"
        e = "–" if self.endurance_s is None else f"{held_floor(self.endurance_s):.0f}"
        return f"P {p} cmH2O · E {e} s · R {self.repetitions} · F {self.fast}"

    def to_json(self, words: Callable[[Note], str] | None = None) -> dict[str, object]:
        """The result as JSON. Its texts (summary, findings, qualifiers, checks) are said by
        ``words`` (the edge brings the language), or without it kept as keys and values
        (:func:`note_json`): the training record stores them so, in no language."""
        say: Callable[[Note], object] = note_json if words is None else words
        summary: object = [say(n) for n in self.summary]
        if words is not None:
            summary = "; ".join(words(n) for n in self.summary)
        return {
            "power_cmH2O": _r(self.power_cmH2O, 1),
            "endurance_s": None if self.endurance_s is None else held_floor(self.endurance_s, 2),
            "repetitions": self.repetitions,
            "fast": self.fast,
            "repetitions_range": list(self.repetitions_range),
            "power_uncertainty_cmH2O": _r(self.power_uncertainty_cmH2O, 1),
            "resting_cmH2O": _r(self.resting_cmH2O, 1),
            "contractions": [c.to_json() for c in self.contractions],
            "perfect": self.line(),
            "power_band": None if self.band is None else self.band.to_json(),
            "summary": summary,
            "findings": [say(n) for n in self.findings],
            "qualifiers": [say(n) for n in self.qualifiers],
            "checks": [say(n) for n in self.checks],
            "channels": list(self.channels),
            "steps": [s.to_json() for s in self.steps],
            "definitions": {
                "endurance_fraction": ENDURANCE_FRACTION,
                "endurance_max_s": ENDURANCE_MAX_S,
                "repetition_tolerance_s": REPETITION_TOLERANCE_S,
                "power_breath_factor": POWER_BREATH_FACTOR,
                "power_breath_note_cmH2O": POWER_BREATH_NOTE_CMH2O,
            },
            **self.extra,
        }


def note_json(n: Note) -> dict[str, object]:
    """A Note in no language: ``{"key": "finding.lift_in", "n": 9, "of": 10}``, with the
    items it lists as ``items``."""

    def one(m: Message) -> dict[str, object]:
        return {"key": f"{type(m.key).__name__.lower()}.{m.key.value}", **m.values}

    doc = one(n.message)
    if n.items:
        doc["items"] = [one(m) for m in n.items]
    return doc


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(float(x), nd)
