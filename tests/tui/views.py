"""Fixed screen states for the snapshots: views and a trace, independent of detector tuning.

The trace is a drawn intensive repetition (rest, rise, hold with a little fatigue, four
quick lifts, release) with a slow breathing ripple: deterministic, no randomness.
"""

from __future__ import annotations

import numpy as np

from perineo.display.tracebuf import TraceBuffer
from perineo.display.view import (
    CalibrationView,
    Connection,
    CueView,
    RepView,
    SetSummary,
    StatusView,
    SummaryView,
    Verdict,
)

REST = 31.0
MVC = 46.0
RATE_HZ = 100.0


def _rep(t: np.ndarray, onset: float, hold: float, height: float, lifts: int) -> np.ndarray:
    """Rise 0.8 s, hold losing 12 %, ``lifts`` quick lifts 0.5 s apart, fall 0.9 s."""
    y = np.zeros_like(t)
    hold_start = onset + 0.8
    lifts_start = hold_start + hold
    release = lifts_start + 0.5 * lifts
    rising = (t >= onset) & (t < hold_start)
    y[rising] = height * (0.5 - 0.5 * np.cos(np.pi * (t[rising] - onset) / 0.8))
    held = (t >= hold_start) & (t < release)
    y[held] = height * (1 - 0.12 * (t[held] - hold_start) / (release - hold_start))
    for i in range(lifts):
        peak = lifts_start + 0.25 + 0.5 * i
        y[held] += 0.25 * height * np.exp(-(((t[held] - peak) / 0.09) ** 2))
    falling = (t >= release) & (t < release + 0.9)
    y[falling] = height * 0.88 * (0.5 + 0.5 * np.cos(np.pi * (t[falling] - release) / 0.9))
    return y


def trace(until_s: float, reps: list[tuple[float, float, int]]) -> TraceBuffer:
    """A buffer from 0 to ``until_s`` holding repetitions ``(onset, hold, quick lifts)``."""
    t = np.arange(0.0, until_s, 1.0 / RATE_HZ)
    v = REST + 0.6 * np.sin(2 * np.pi * 0.25 * t)
    for onset, hold, lifts in reps:
        v = v + _rep(t, onset, hold, MVC, lifts)
    buf = TraceBuffer()
    buf.append(t, v)
    return buf


STATUS = StatusView(
    source_name="perineo-probe A1", connection=Connection.CONNECTED, quality=0.93, battery=81
)

CALIBRATION = CalibrationView(
    step=4,
    steps=5,
    text="Squeeze as hard as you can (2/3)",
    progress=0.6,
    rest_cmH2O=REST,
    mvc_cmH2O=MVC - 1.2,
)

CUE_HOLD = CueView(
    text="Hold 3…",
    countdown=3,
    set_no=1,
    sets=3,
    rep_no=4,
    reps=10,
    quick_done=0,
    quick_target=4,
    band=(REST + 0.5 * MVC, REST + MVC),
)

CUE_QUICK_WARNING = CueView(
    text="Quick lifts 2/4",
    set_no=2,
    sets=3,
    rep_no=7,
    reps=10,
    quick_done=2,
    quick_target=4,
    band=(REST + 0.5 * MVC, REST + MVC),
    warning="Keep breathing calmly – do not hold your breath",
)

REP_GOOD = RepView(index=3, score=97, verdict=Verdict.GOOD, hold_s=7.1, quick_lifts=4)
REP_FIX = RepView(
    index=6,
    score=62,
    verdict=Verdict.FIX,
    reasons=("Hold a little longer", "Add the quick lifts at the end of the hold"),
    hold_s=4.2,
    quick_lifts=1,
)

SUMMARY = SummaryView(
    sets=(SetSummary(1, 91, 10, 8), SetSummary(2, 84, 10, 7), SetSummary(3, 88, 10, 8)),
    session_score=88,
    work_on=("Hold a little longer", "Keep breathing calmly – do not hold your breath"),
    sets_today=3,
    sets_target=3,
    last_week_score=81,
    last_week_sessions=5,
    mvc_cmH2O=MVC,
    mean_hold_s=6.6,
    saved=True,
)
