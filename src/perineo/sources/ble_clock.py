"""Probe clock → host clock: unwrap the 32-bit µs timestamp, follow the crystal's drift.

A notification can arrive late (radio retries, connection events, a busy host) but never
before it was sent, so the probe-to-host offset is estimated from the *lower envelope* of
``arrival − device time``: the smallest offset in each window of a few seconds. A straight
line through those minima gives offset and drift; the slope is bounded to what a crystal
can do (±1000 ppm), so a burst of late packets cannot bend time.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final

import numpy as np

from perineo.samples import FloatArray

US: Final = 1e-6
WRAP_US: Final = 1 << 32
HALF_WRAP_US: Final = 1 << 31
WINDOW_S: Final = 5.0
KEEP_WINDOWS: Final = 24  # two minutes of minima for the drift fit
MIN_FIT_SPAN_S: Final = 20.0  # fit a slope only once the minima span this long
MAX_DRIFT: Final = 1e-3


@dataclass(frozen=True)
class ClockFit:
    """host_time ≈ device_s + offset_s + drift · (device_s − pivot_s)."""

    offset_s: float
    drift: float
    pivot_s: float


class DeviceClock:
    """Unwraps probe timestamps (µs, mod 2**32) into seconds on an increasing axis.

    A jump backwards by less than half the wrap is a probe reboot: the axis continues from
    where it was (``reboots`` counts them), the mapper must then be reset.
    """

    def __init__(self) -> None:
        self._epoch_us = 0
        self._last_raw: int | None = None
        self.reboots = 0

    def unwrap(self, raw_us: int) -> float:
        if self._last_raw is not None:
            back = self._last_raw - raw_us
            if back > HALF_WRAP_US:
                self._epoch_us += WRAP_US
            elif back > 0:
                self.reboots += 1
                self._epoch_us += self._last_raw - raw_us
        self._last_raw = raw_us
        return (self._epoch_us + raw_us) * US


class ClockMapper:
    """Maps unwrapped device seconds to host seconds; feed it every packet's arrival."""

    def __init__(self) -> None:
        self._windows: deque[tuple[float, float]] = deque(maxlen=KEEP_WINDOWS)
        self._window_start: float | None = None
        self._window_min: tuple[float, float] | None = None
        self._fit: ClockFit | None = None

    def reset(self) -> None:
        """Forget the history (after a probe reboot: its clock restarted)."""
        self._windows.clear()
        self._window_start = None
        self._window_min = None
        self._fit = None

    @property
    def fit(self) -> ClockFit | None:
        return self._fit

    def observe(self, device_s: float, arrival_s: float) -> None:
        """A packet whose *last* frame was sampled at ``device_s`` arrived at ``arrival_s``."""
        offset = arrival_s - device_s
        if self._window_start is None or device_s - self._window_start >= WINDOW_S:
            if self._window_min is not None:
                self._windows.append(self._window_min)
            self._window_start = device_s
            self._window_min = (device_s, offset)
        elif self._window_min is not None and offset < self._window_min[1]:  # set with the start
            self._window_min = (device_s, offset)
        self._fit = self._refit()

    def _refit(self) -> ClockFit:
        points = [*self._windows, self._window_min]
        xs = np.array([p[0] for p in points if p is not None])
        ys = np.array([p[1] for p in points if p is not None])
        if len(xs) < 3 or xs[-1] - xs[0] < MIN_FIT_SPAN_S:
            return ClockFit(float(ys.min()), 0.0, float(xs[-1]))
        pivot = float(xs.mean())
        slope = float(np.polyfit(xs - pivot, ys, 1)[0])
        slope = max(-MAX_DRIFT, min(MAX_DRIFT, slope))
        # the line goes through the lower envelope, not the middle of the minima
        offset = float(np.min(ys - slope * (xs - pivot)))
        return ClockFit(offset, slope, pivot)

    def to_host(self, device_s: FloatArray) -> FloatArray:
        fit = self._fit
        if fit is None:
            raise RuntimeError("ClockMapper.to_host before any observe()")
        return device_s + fit.offset_s + fit.drift * (device_s - fit.pivot_s)
