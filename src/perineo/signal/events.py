"""What the detector emits: events as they become certain, and finished repetitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EventKind(StrEnum):
    ONSET = "onset"  # t = foot of the rise; detected_s = when announced
    ONSET_CANCELLED = "onset_cancelled"  # the rise was a cough/spike or a gap: no repetition
    HOLD_START = "hold_start"
    QUICK_LIFT = "quick_lift"  # t = its peak
    HOLD_END = "hold_end"
    RELEASE = "release"  # start of the final fall
    REST = "rest"  # end of the fall; rest begins
    ERROR = "error"  # a technique error, ``error`` says which
    REPETITION = "repetition"  # the repetition is final; ``repetition`` holds it
    ARTIFACT = "artifact"  # a cough, sneeze or movement spike that was ignored
    GAP = "gap"  # samples missing from t to value (end time)
    LEVEL = "level"  # a new resting level (posture shift, probe slip); value = its step, cmH2O


class TechError(StrEnum):
    PUSH_DOWN = "push_down"
    ABDOMINAL_BRACING = "abdominal_bracing"
    BREATH_HOLD = "breath_hold"
    INCOMPLETE_RELEASE = "incomplete_release"


@dataclass(frozen=True)
class Repetition:
    """One attempt, onset to the end of its fall, in the stream's own clock (seconds).

    Pressures are cmH2O above the resting level at the onset unless named ``_abs``.
    A field that does not apply is ``None``.
    """

    index: int
    onset_s: float
    onset_detected_s: float
    hold_start_s: float | None
    hold_end_s: float | None
    release_s: float | None
    end_s: float | None
    peak_cmH2O: float
    rest_cmH2O: float
    hold_level_cmH2O: float | None = None
    hold_drop_fraction: float | None = None  # fatigue: fall of the level over the hold
    quick_lifts_s: tuple[float, ...] = ()
    quick_lift_heights_cmH2O: tuple[float, ...] = ()
    errors: tuple[TechError, ...] = ()
    unverifiable: tuple[TechError, ...] = ()
    pelvic_peak_cmH2O: float | None = None  # squeeze − k·abdominal, where abdominal exists
    abdominal_rise_cmH2O: float | None = None
    tilt_change_deg: float | None = None
    residual_cmH2O: float | None = None  # level above rest after the release
    rise_time_s: float | None = None
    fall_time_s: float | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def hold_s(self) -> float | None:
        if self.hold_start_s is None or self.hold_end_s is None:
            return None
        return self.hold_end_s - self.hold_start_s

    @property
    def latency_s(self) -> float:
        return self.onset_detected_s - self.onset_s

    def to_json(self) -> dict[str, object]:
        """The repetition as in docs/design.md's ``analyze`` contract (plus extra fields)."""
        return {
            "index": self.index,
            "onset_s": _r(self.onset_s),
            "onset_detected_s": _r(self.onset_detected_s),
            "hold_start_s": _r(self.hold_start_s),
            "hold_end_s": _r(self.hold_end_s),
            "release_s": _r(self.release_s),
            "end_s": _r(self.end_s),
            "peak_cmH2O": _r(self.peak_cmH2O, 2),
            "quick_lifts_s": [_r(q) for q in self.quick_lifts_s],
            "errors": [e.value for e in self.errors],
            "unverifiable": [e.value for e in self.unverifiable],
            "hold_s": _r(self.hold_s),
            "latency_s": _r(self.latency_s),
            "rest_cmH2O": _r(self.rest_cmH2O, 2),
            "hold_level_cmH2O": _r(self.hold_level_cmH2O, 2),
            "hold_drop_fraction": _r(self.hold_drop_fraction, 3),
            "quick_lift_heights_cmH2O": [_r(h, 2) for h in self.quick_lift_heights_cmH2O],
            "pelvic_peak_cmH2O": _r(self.pelvic_peak_cmH2O, 2),
            "abdominal_rise_cmH2O": _r(self.abdominal_rise_cmH2O, 2),
            "tilt_change_deg": _r(self.tilt_change_deg, 2),
            "residual_cmH2O": _r(self.residual_cmH2O, 2),
            "rise_time_s": _r(self.rise_time_s),
            "fall_time_s": _r(self.fall_time_s),
        }


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(float(x), nd)


@dataclass(frozen=True)
class Event:
    """Something the detector became certain of.

    ``t`` is when it happened, ``detected_s`` the stream time at which it was announced
    (the time of the sample that made it certain); ``rep`` the repetition index or -1.
    """

    kind: EventKind
    t: float
    detected_s: float
    rep: int = -1
    error: TechError | None = None
    value: float | None = None
    repetition: Repetition | None = None
