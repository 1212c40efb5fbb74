"""Calibration before training: let the probe settle, take the resting level, then the
maximal voluntary contraction (MVC) as the best of three.

A pure state machine: the caller passes the stream time, the detector's new events and its
current resting level (``Detector.baseline_cmH2O``); ``update`` returns what to show.
The result is stored (``perineo.store.sessions``) and reused until calibration is redone.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from perineo.json_fields import (
    JsonObject,
    boolean,
    booleans,
    number,
    number_map,
    numbers,
    string,
    strings,
)
from perineo.program.model import Program
from perineo.program.texts import Message, Prompt
from perineo.signal.events import Event, EventKind, TechError


class CalPhase(StrEnum):
    SETTLE = "settle"  # the balloon warms to body temperature: the level drifts
    REST_LEVEL = "rest_level"
    MVC = "mvc"  # squeeze as hard as you can
    MVC_REST = "mvc_rest"
    DONE = "done"


@dataclass(frozen=True)
class CalibrationSettings:
    attempts: int = 3  # MVC is the best of these
    max_attempts: int = 6  # push-down attempts do not count; give up after this many
    settle_min_s: float = 20.0
    settle_max_s: float = 180.0  # go on even if still drifting (and say so)
    settle_window_s: float = 20.0
    settle_tolerance_cmH2O: float = 0.3  # level change over the window that counts as settled
    rest_window_s: float = 10.0
    mvc_rest_s: float = 10.0


@dataclass(frozen=True)
class Calibration:
    """A finished calibration; pressures in cmH2O (MVC above the resting level)."""

    rest_cmH2O: float
    mvc_cmH2O: float
    attempts_cmH2O: tuple[float, ...]  # peak of every attempt, in order
    valid: tuple[bool, ...]  # False for an attempt with a push-down
    settle_s: float
    drift_cmH2O_per_min: float  # at the end of settling
    settled: bool  # False if settling timed out
    created_at: str  # ISO 8601, UTC
    channels: tuple[str, ...] = ()
    extra: dict[str, float] = field(default_factory=dict)

    def keep_level_cmH2O(self, program: Program) -> float | None:
        """The level a hold of ``program`` should keep (a fraction of MVC), if it has one."""
        frac = program.rep.keep_level_fraction
        return None if frac is None else frac * self.mvc_cmH2O

    @property
    def technique_ok(self) -> bool:
        return any(self.valid)

    def to_json(self) -> dict[str, object]:
        return {
            "rest_cmH2O": round(self.rest_cmH2O, 3),
            "mvc_cmH2O": round(self.mvc_cmH2O, 3),
            "attempts_cmH2O": [round(a, 3) for a in self.attempts_cmH2O],
            "valid": list(self.valid),
            "settle_s": round(self.settle_s, 2),
            "drift_cmH2O_per_min": round(self.drift_cmH2O_per_min, 3),
            "settled": self.settled,
            "created_at": self.created_at,
            "channels": list(self.channels),
            "extra": dict(self.extra),
        }

    @staticmethod
    def from_json(d: JsonObject) -> Calibration:
        """Back from :meth:`to_json`; a missing or ill-typed field raises ``FieldError``."""
        return Calibration(
            rest_cmH2O=number(d, "rest_cmH2O"),
            mvc_cmH2O=number(d, "mvc_cmH2O"),
            attempts_cmH2O=numbers(d, "attempts_cmH2O"),
            valid=booleans(d, "valid"),
            settle_s=number(d, "settle_s"),
            drift_cmH2O_per_min=number(d, "drift_cmH2O_per_min"),
            settled=boolean(d, "settled"),
            created_at=string(d, "created_at"),
            channels=strings(d, "channels"),
            extra=number_map(d, "extra"),
        )


@dataclass(frozen=True)
class CalStep:
    """What to show during calibration; ``count`` is seconds left where a phase is timed."""

    phase: CalPhase
    prompt: Message  # what to do now, as a key with its numbers
    attempt: int = 0  # 1-based MVC attempt being asked for
    attempts_target: int = 3
    count: int | None = None
    level_cmH2O: float | None = None  # resting level so far
    best_cmH2O: float | None = None  # best valid attempt so far
    warning: Message | None = None  # a push-down during an attempt
    result: Calibration | None = None

    @property
    def done(self) -> bool:
        return self.phase is CalPhase.DONE


class Calibrator:
    """Drive one calibration. Start it when the probe is in place (stream time ``start_s``)."""

    def __init__(
        self,
        *,
        settings: CalibrationSettings | None = None,
        start_s: float = 0.0,
        channels: tuple[str, ...] = (),
    ) -> None:
        self.s = settings or CalibrationSettings()
        self.channels = channels
        self.phase = CalPhase.SETTLE
        self._start = start_s
        self._since = start_s
        self._levels: deque[tuple[float, float]] = deque()
        self._settle_s = 0.0
        self._drift = 0.0
        self._settled = True
        self._rest_sum = 0.0
        self._rest_n = 0
        self._rest: float | None = None
        self._peaks: list[float] = []
        self._valid: list[bool] = []
        self._busy = False  # a contraction is under way (onset seen, not yet final)
        self._warning: tuple[Message, float] | None = None
        self.result: Calibration | None = None

    def update(self, now_s: float, events: Iterable[Event], baseline_cmH2O: float) -> CalStep:
        for ev in events:
            self._on_event(ev)
        if self.phase is CalPhase.SETTLE:
            self._settle(now_s, baseline_cmH2O)
        elif self.phase is CalPhase.REST_LEVEL:
            self._measure_rest(now_s, baseline_cmH2O)
        elif self.phase is CalPhase.MVC_REST and now_s - self._since >= self.s.mvc_rest_s:
            self.phase = CalPhase.MVC
        return self._step(now_s)

    def _on_event(self, ev: Event) -> None:
        if ev.kind is EventKind.ONSET:
            self._busy = True
            if self.phase is CalPhase.REST_LEVEL:  # not at rest: measure again
                self._rest_sum, self._rest_n, self._since = 0.0, 0, ev.t
            elif self.phase is CalPhase.MVC_REST:
                self.phase = CalPhase.MVC
        elif ev.kind is EventKind.ONSET_CANCELLED:
            self._busy = False
        elif ev.kind is EventKind.REPETITION and ev.repetition is not None:
            self._busy = False
            if self.phase is CalPhase.REST_LEVEL:  # measure the rest after it, afresh
                self._rest_sum, self._rest_n, self._since = 0.0, 0, ev.detected_s
            elif self.phase in (CalPhase.MVC, CalPhase.MVC_REST):
                self._attempt(ev)

    def _settle(self, now: float, level: float) -> None:
        self._levels.append((now, level))
        while self._levels and self._levels[0][0] < now - self.s.settle_window_s:
            self._levels.popleft()
        elapsed = now - self._start
        t0, l0 = self._levels[0]
        span = now - t0
        change = abs(level - l0)
        self._drift = 60.0 * change / span if span > 0 else 0.0
        full_window = span >= self.s.settle_window_s * 0.95
        settled = full_window and change < self.s.settle_tolerance_cmH2O and not self._busy
        if elapsed >= self.s.settle_min_s and (settled or elapsed >= self.s.settle_max_s):
            self._settled = settled
            self._settle_s = elapsed
            self.phase, self._since = CalPhase.REST_LEVEL, now

    def _measure_rest(self, now: float, level: float) -> None:
        if self._busy:
            return
        self._rest_sum += level
        self._rest_n += 1
        if now - self._since >= self.s.rest_window_s and self._rest_n:
            self._rest = self._rest_sum / self._rest_n
            self.phase, self._since = CalPhase.MVC, now

    def _attempt(self, ev: Event) -> None:
        rep = ev.repetition
        assert rep is not None
        ok = TechError.PUSH_DOWN not in rep.errors
        self._peaks.append(rep.peak_cmH2O)
        self._valid.append(ok)
        if not ok:
            self._warning = (Message.of(TechError.PUSH_DOWN), ev.detected_s)
        n_valid = sum(self._valid)
        if n_valid >= self.s.attempts or len(self._peaks) >= self.s.max_attempts:
            self._finish()
        else:
            self.phase, self._since = CalPhase.MVC_REST, ev.detected_s

    def _finish(self) -> None:
        valid = [p for p, v in zip(self._peaks, self._valid, strict=True) if v]
        best = max(valid) if valid else max(self._peaks)
        self.result = Calibration(
            rest_cmH2O=self._rest if self._rest is not None else math.nan,
            mvc_cmH2O=best,
            attempts_cmH2O=tuple(self._peaks),
            valid=tuple(self._valid),
            settle_s=self._settle_s,
            drift_cmH2O_per_min=self._drift,
            settled=self._settled,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            channels=self.channels,
        )
        self.phase = CalPhase.DONE

    def _step(self, now: float) -> CalStep:
        valid = [p for p, v in zip(self._peaks, self._valid, strict=True) if v]
        warning = None
        if self._warning is not None and now - self._warning[1] <= 4.0:
            warning = self._warning[0]
        attempt = sum(self._valid) + 1
        p = self.phase
        step = CalStep(
            p,
            Message.of(Prompt.SETTLE),
            attempts_target=self.s.attempts,
            level_cmH2O=self._rest,
            best_cmH2O=max(valid) if valid else None,
            warning=warning,
        )
        if p is CalPhase.SETTLE:
            return step
        if p is CalPhase.REST_LEVEL:
            left = max(0, math.ceil(self.s.rest_window_s - (now - self._since)))
            return replace(step, prompt=Message.of(Prompt.REST_LEVEL), count=left)
        if p is CalPhase.MVC:
            prompt = Message.of(Prompt.MVC, k=attempt, m=self.s.attempts)
            return replace(step, prompt=prompt, attempt=attempt)
        if p is CalPhase.MVC_REST:
            left = max(0, math.ceil(self.s.mvc_rest_s - (now - self._since)))
            prompt = Message.of(Prompt.REST, n=left)
            return replace(step, prompt=prompt, attempt=attempt, count=left)
        assert self.result is not None
        prompt = Message.of(Prompt.CALIBRATED, n=round(self.result.mvc_cmH2O, 1))
        return replace(step, prompt=prompt, attempt=attempt - 1, result=self.result)
