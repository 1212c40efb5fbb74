"""The repetition the detector is following, and how it becomes a final ``Repetition``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from perineo.samples import FloatArray
from perineo.signal import filters
from perineo.signal.events import Repetition, TechError
from perineo.signal.lifts import LiftTrack


class Phase(StrEnum):
    """Where the state machine is."""

    REST = "rest"
    RISING = "rising"
    HOLD = "hold"
    FALLING = "falling"


@dataclass
class RepWork:
    """Mutable while the repetition runs; indices are the detector's grid indices."""

    index: int
    trig_i: int
    onset_s: float
    detected_s: float
    floor: float  # level the rise started from (local rest)
    rest_cmH2O: float
    peak: float
    peak_i: int
    max_slope: float = 0.0
    run_below: int = 0
    hold_i: int | None = None
    hold_start_s: float | None = None
    hold_end_s: float | None = None
    hold_ref: float = 0.0
    lifts: list[tuple[float, float]] = field(default_factory=list)
    last_lift_i: int | None = None
    lift: LiftTrack = field(default_factory=LiftTrack)  # the quick-lift follower
    release_trig_i: int | None = None
    release_s: float | None = None
    min_slope: float = 0.0
    end_s: float | None = None
    end_i: int | None = None
    errors: list[TechError] = field(default_factory=list)
    pelvic_peak: float = 0.0
    abd_rise: float | None = None
    tilt_change: float | None = None
    hold_level: float | None = None
    drop_fraction: float | None = None
    residual: float | None = None
    lift_min: float = 0.0  # the smallest quick lift on this hold (as of the last frame)
    tremor_until_i: int | None = None  # the hold's tremor is measured before this index
    breath_still: int = 0  # frames in a row whose last stretch of hold showed no breath

    def take_peak(self, r: FloatArray, i0: int) -> None:
        """The highest of ``r`` (grid samples from ``i0``) is the peak if it is higher than
        the peak so far (the first of equal tops)."""
        k = int(r.argmax())
        if r[k] > self.peak:
            self.peak, self.peak_i = float(r[k]), i0 + k

    def to_repetition(
        self, peak: float, unverifiable: tuple[TechError, ...], pelvic: bool
    ) -> Repetition:
        rise = None if self.hold_start_s is None else self.hold_start_s - self.onset_s
        fall = None
        if self.end_s is not None and self.release_s is not None:
            fall = self.end_s - self.release_s
        return Repetition(
            index=self.index,
            onset_s=self.onset_s,
            onset_detected_s=self.detected_s,
            hold_start_s=self.hold_start_s,
            hold_end_s=self.hold_end_s,
            release_s=self.release_s,
            end_s=self.end_s,
            peak_cmH2O=peak,
            rest_cmH2O=self.rest_cmH2O,
            hold_level_cmH2O=self.hold_level,
            hold_drop_fraction=self.drop_fraction,
            quick_lifts_s=tuple(t for t, _ in self.lifts),
            quick_lift_heights_cmH2O=tuple(round(v, 3) for _, v in self.lifts),
            errors=tuple(self.errors),
            unverifiable=unverifiable,
            pelvic_peak_cmH2O=self.pelvic_peak if pelvic else None,
            abdominal_rise_cmH2O=self.abd_rise,
            tilt_change_deg=self.tilt_change,
            residual_cmH2O=self.residual,
            rise_time_s=rise,
            fall_time_s=fall,
        )


def hold_level_and_drop(seg: FloatArray, fs: float) -> tuple[float | None, float | None]:
    """Median level of a hold and how much it fell from its first to its last second."""
    if len(seg) == 0:
        return None, None
    if len(seg) < 4:
        return float(np.max(seg)), None
    n = max(1, min(len(seg) // 3, round(fs)))
    first = filters.median(seg[:n])
    last = filters.median(seg[-n:])
    return filters.median(seg), (first - last) / first if first > 0 else None
