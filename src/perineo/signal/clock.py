"""The probe's clock recovered from a recording stamped on arrival (BLE packets).

A probe samples at a steady rate, but a host that stamps each sample when its Bluetooth
packet arrives writes the connection interval's sawtooth into the times, and after a radio
stall (0.2–2 s in which the controller holds the packets) it stamps a whole burst at once:
a hole where nothing seems to have been measured, then seconds of samples crammed into a few
milliseconds. A contraction that began in the stall then seems to begin at its end.

The samples themselves still count the probe's clock. Sample ``i`` was taken at
``t0 + i·T`` (T the sample period) and arrived at ``s_i = t0 + i·T + d_i``, with a delay
``d_i ≥ 0``; so the offset ``u_i = s_i − i·T`` is the fixed ``t0`` plus the delay, and the
smallest offset among the next few seconds of samples is the delay of the fastest of them.
Each sample is moved back by how much later than that it arrived. A lost sample makes the
offsets of all later ones a period larger, so a real gap stays a gap (the window only looks
forward); the window is short (5 s) so that a drift between the probe's and the host's
clocks cannot build up inside it. On a recording stamped from the probe's own clock the
offsets are constant and nothing moves: late by less than a twentieth of a period is left
exactly as written.

This needs to see a few seconds ahead, so it runs on recordings (``analyze``, reports), not
in the live detector: the live BLE source already stamps samples from the probe's clock.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d

from perineo.samples import FloatArray, SampleBlock

WINDOW_S = 5.0  # longer than a stall and its burst; short against clock drift
KEEP_FRACTION = 0.25  # late by under a quarter period: host jitter, left as written


def lateness(t: FloatArray, period_s: float, window: int, first: int = 0) -> FloatArray:
    """How much later than the fastest of the next ``window`` samples each one arrived
    (``first``: the running count of the first sample, so that blocks agree with the whole)."""
    if len(t) == 0:
        return np.zeros(0)
    u: FloatArray = t - (first + np.arange(len(t))) * period_s
    # the minimum over [i, i + window - 1]: a centred filter shifted to look only forward
    ahead: FloatArray = minimum_filter1d(u, size=window, origin=-(window // 2), mode="nearest")
    late: FloatArray = u - ahead
    late[late < KEEP_FRACTION * period_s] = 0.0
    return late


def retime(t: FloatArray, period_s: float, window_s: float = WINDOW_S) -> FloatArray:
    """Times on the probe's clock for arrival stamps ``t`` (whole recording at once)."""
    window = max(1, round(window_s / period_s))
    out = t - lateness(t, period_s, window)
    return _increasing(out, period_s, -np.inf)


def _increasing(t: FloatArray, period_s: float, before: float) -> FloatArray:
    """Keep at least half a period between samples (the lower envelope can dip by jitter)."""
    half = 0.5 * period_s
    if len(t) == 0 or (bool(np.all(np.diff(t) >= half)) and t[0] >= before + half):
        return t
    k = np.arange(1, len(t) + 1) * half
    out: FloatArray = np.maximum.accumulate(np.maximum(t - k, before)) + k
    return out


class Retimer:
    """``retime`` for a recording read in blocks: each sample leaves once the window after
    it has arrived (``finish`` releases the rest). The output equals ``retime`` on the
    whole, whatever the blocks."""

    def __init__(self, period_s: float, window_s: float = WINDOW_S) -> None:
        self.period_s = period_s
        self.window = max(1, round(window_s / period_s))
        self._held: SampleBlock | None = None
        self._index0 = 0  # how many samples have left before the held ones
        self._last = -np.inf

    def push(self, block: SampleBlock) -> SampleBlock:
        held = block if self._held is None else SampleBlock.concat([self._held, block])
        ready = max(0, len(held.t) - self.window + 1)
        return self._release(held, ready)

    def finish(self) -> SampleBlock | None:
        if self._held is None:
            return None
        return self._release(self._held, len(self._held.t))

    def _release(self, held: SampleBlock, ready: int) -> SampleBlock:
        late = lateness(held.t, self.period_s, self.window, self._index0)[:ready]
        t = _increasing(held.t[:ready] - late, self.period_s, self._last)
        if len(t):
            self._last = float(t[-1])
        out = SampleBlock(t, {c: v[:ready] for c, v in held.data.items()})
        self._held = held.slice(ready, len(held.t))
        self._index0 += ready
        return out
