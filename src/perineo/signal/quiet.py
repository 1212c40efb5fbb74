"""Quiet stretches taken at once: the samples of a rest, a hold or a quick lift's top at
which nothing can happen are found with numpy, and only the ones around a sample where
something may happen are stepped one at a time by the state machine (``detect.py``). The
events and the detector's state are exactly those of stepping every sample
(``tests/signal/test_fast_paths.py`` checks it with a detector that does).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from perineo.samples import Channel, FloatArray
from perineo.signal.config import DetectorConfig
from perineo.signal.lifts import LiftTrack
from perineo.signal.release import release_level
from perineo.signal.resting import Resting
from perineo.signal.work import Phase, RepWork


class Quiet(Resting):
    """The state the state machine keeps, and its quiet stretches taken at once."""

    # quiet stretches of a hold are taken at once (a subclass that steps every sample
    # shows it gives the same events)
    _quiet_holds = True

    def __init__(
        self, channels: tuple[Channel, ...] | list[Channel], config: DetectorConfig | None = None
    ) -> None:
        super().__init__(channels, config)
        self.phase = Phase.REST
        self._rep: RepWork | None = None
        self._run = 0
        # the oldest trough a quick lift may still rise from, in grid samples, as
        # ``follow_lift`` compares it; the quiet stretches of a hold rely on it being the
        # window it moves the trough along in, or one less
        n, age = self._lift_rise_n, self._oldest(self.config.lift_max_rise_s)
        self._lift_age = age if age in (n - 1, n) else -1
        self._fall_age = self._oldest(self.config.lift_max_fall_s)

    def _idle(self, r: FloatArray, i1: int) -> bool:
        # fast path: nothing in this span can start a repetition (or settle a residual)
        pend = self._pending
        return (
            self.phase is Phase.REST
            and (
                pend is None
                or self.hist.at("t", i1 - 1) - (pend.end_s or 0.0) < self.config.residual_decide_s
            )
            and self._refractory is None
            and self._run == 0
            and float(r.max()) - self._lo <= self._thr_lo()
        )

    def _oldest(self, limit_s: float) -> int:
        """The most grid samples ``a`` with ``a * dt <= limit_s``, as the rules compare."""
        a = max(0, int(limit_s / self.dt) + 1)
        while a > 0 and a * self.dt > limit_s:
            a -= 1
        return a

    # ------------------------------------------------------------------ the state machine
    def _steps(self, i0: int, i1: int) -> None:
        i = i0
        while i < i1:
            if self._quiet_holds:
                phase = self.phase
                if phase is Phase.HOLD:
                    i = self._quiet_hold(i, i1)
                elif phase is Phase.REST:
                    i = self._quiet_rest(i, i1)
                elif phase is Phase.RISING:
                    i = self._quiet_rise(i, i1)
                else:
                    i = self._quiet_fall(i, i1)
                if i >= i1:
                    return
            self._step(i)
            i += 1

    def _quiet_rest(self, i0: int, i1: int) -> int:
        """Take the samples of rest from ``i0`` on at once, up to the first (before ``i1``)
        that starts a repetition or settles a residual; return it. Until then each only
        counts the samples in a row that stand out (``_run``)."""
        h, cfg, span = self.hist, self.config, self._slope_span
        if self._refractory is not None or i0 - self._seg_start < span:
            return i0
        m = i1 - i0
        pend = self._pending
        if pend is not None:
            due = h.get("t", i0, i1) - (pend.end_s or 0.0) >= cfg.residual_decide_s
            if due[0]:
                return i0
            m = _first(due)
        r = h.get("r", i0, i0 + m)
        level = r - self._lo
        slope = (r - h.get("r", i0 - span, i0 + m - span)) / (span * self.dt)
        ok = ((level > self._thr_lo()) & (slope > self._thr_slope())) | (level > self._thr_hi())
        run, need = self._run, cfg.onset_run
        for k, up in enumerate(ok.tolist()):
            if up:
                if run + 1 >= need:
                    self._run = run
                    return i0 + k
                run += 1
            else:
                run = 0
        self._run = run
        return i0 + m

    def _slopes(self, i0: int, i1: int) -> tuple[FloatArray, FloatArray] | None:
        """``r`` over ``[i0, i1)`` and its slopes there, as ``_slope`` gives them one at a
        time; ``None`` where a slope would look back past the segment or the history, or a
        value is not finite."""
        h, span = self.hist, self._slope_span
        if i0 - span < max(self._seg_start, h.base):
            return None
        r, back = h.get("r", i0, i1), h.get("r", i0 - span, i1 - span)
        if not math.isfinite(float(r.sum()) + float(back.sum())):
            return None
        return r, (r - back) / (span * self.dt)

    def _quiet_rise(self, i0: int, i1: int) -> int:
        """Take the samples of a rise from ``i0`` on at once, up to the first (before
        ``i1``) at which anything may happen; return it. What may happen: the rise is
        outlived, it falls below half its height twice in a row, it levels off while big
        enough (a hold, if wide enough and no spike), or it has waited 4 s without being
        big enough. Until then each sample only raises the peak and the steepest slope
        (and freezes the resting level once the rise is big enough), found here as
        stepping them one at a time would."""
        rep, cfg = self._rep, self.config
        if rep is None or self._outlived(i1 - 1, rep.trig_i):
            return i0
        got = self._slopes(i0, i1)
        if got is None:
            return i0
        r, slope = got
        floor = rep.floor
        tops = np.maximum.accumulate(np.concatenate(([rep.peak], r)))
        peak = tops[1:]
        amp = peak - floor
        size = np.where(amp >= floor, peak, amp) if self.cond.holdoff and self.has_abd else amp
        big = size >= self._min_amp()
        steepest = np.maximum.accumulate(np.concatenate(([rep.max_slope], slope)))[1:]
        below = r < floor + 0.5 * amp
        before = np.concatenate(([rep.run_below >= 1], below[:-1]))
        waited = (np.arange(i0, i1) - rep.trig_i) * self.dt > 4.0
        levelled = big & (slope < cfg.plateau_fraction * steepest)
        stop = (below & before) | levelled | (waited & ~big)
        m = _first(stop)
        if m == 0:
            return i0
        rep.take_peak(r[:m], i0)
        rep.max_slope = max(rep.max_slope, float(slope[:m].max()))
        if not self.cond.frozen and bool(big[m - 1]):
            self.cond.freeze()
        rep.run_below = int(below[m - 1])
        return i0 + m

    def _quiet_fall(self, i0: int, i1: int) -> int:
        """Take the samples of a fall from ``i0`` on at once, up to the first (before
        ``i1``) at which it has levelled off (``fall_ended``); return it. Until then each
        sample only lowers the steepest fall's slope."""
        rep = self._rep
        if rep is None or rep.release_trig_i is None:
            return i0
        got = self._slopes(i0, i1)
        if got is None:
            return i0
        slope = got[1]
        steepest = np.minimum.accumulate(np.concatenate(([rep.min_slope], slope)))[1:]
        n = np.arange(i0, i1) - rep.release_trig_i
        stop = (
            (n >= 3)
            & (slope > -self.config.fall_end_fraction * np.abs(steepest))
            & (np.abs(slope) < self._thr_slope() * 2)
        )
        m = _first(stop)
        if m > 0:
            rep.min_slope = min(rep.min_slope, float(slope[:m].min()))
        return i0 + m

    def _quiet_hold(self, i0: int, i1: int) -> int:
        """Take the samples of a hold from ``i0`` on at once, up to the first (before
        ``i1``) at which anything may happen; return it. What may happen: the rise is
        outlived, she rises on the hold by more than the hold, the lift follower sees a
        rise big enough, or the level falls to a release. Until then each sample only
        raises the peak and moves the lift follower's trough, and these are found here as
        stepping them one at a time would: the trough after sample ``i`` is the lowest
        ``q`` (its first) over ``[max(s, i - n), i]``, ``s`` where it stood before ``i0``
        (``n``: the samples ``follow_lift`` moves it along in)."""
        rep, h = self._rep, self.hist
        n, age = self._lift_rise_n, self._lift_age
        if rep is None or age < 0 or h.base > i0 - n - 1:
            return i0
        if self._outlived(i1 - 1, rep.trig_i):
            return i0  # (the last span of a rise that never came down: one at a time)
        r = h.get("r", i0, i1)
        ref, floor = rep.hold_ref, rep.floor
        stop = (r - ref > ref - floor) | (r < release_level(floor, ref, self.config))
        if stop[0]:
            return i0
        m = _first(stop)
        track = rep.lift
        if track.peak is not None:
            return self._quiet_lift(i0, m, rep, track)
        s, trough = track.trough_i, track.trough
        if not (s == i0 and trough == np.inf):
            if not i0 - 1 - n <= s <= i0 - 1:
                return i0
            before = h.get("q", s, i0)
            if not (before[0] == trough and before.min() >= trough):
                return i0
        q = h.get("q", i0 - n, i0 + m)  # the follower's windows [i - n, i] for i from i0
        if not math.isfinite(float(r[:m].sum()) + float(q.sum())):
            return i0
        now = q[n:]
        # no trough before any of these samples is lower than the lowest of their windows
        # (from ``s``), nor than the trough before ``i0``: no rise from one is big enough
        lowest = min(trough, float(q[max(0, s - (i0 - n)) :].min()))
        if float(now.max()) - lowest >= rep.lift_min:
            m = self._no_lift_before(q, i0, m, s, trough, rep.lift_min, age)
            if m == 0:
                return i0
        rep.take_peak(r[:m], i0)
        last = i0 + m - 1
        w0 = max(s, last - n)
        k = int(q[w0 - (i0 - n) : last + 1 - (i0 - n)].argmin())
        if w0 + k != s or float(q[w0 + k - (i0 - n)]) != trough:
            rep.lift = LiftTrack(float(q[w0 + k - (i0 - n)]), w0 + k)
        rep.run_below = 0
        return i0 + m

    def _quiet_lift(self, i0: int, m: int, rep: RepWork, track: LiftTrack) -> int:
        """As ``_quiet_hold`` (its first ``m`` samples from ``i0`` quiet otherwise), while
        the follower has seen a rise big enough: it only follows its top, until it falls
        back by half or has not risen further for ``lift_max_fall_s``."""
        assert track.peak is not None
        r, q = self.hist.get("r", i0, i0 + m), self.hist.get("q", i0, i0 + m)
        if not math.isfinite(float(r.sum()) + float(q.sum())):
            return i0
        steps = np.arange(i0, i0 + m)
        tops = np.maximum.accumulate(np.concatenate(([track.peak], q)))
        top_i = np.maximum.accumulate(np.where(q > tops[:-1], steps, track.peak_i))
        tops = tops[1:]
        stop = (q <= tops - 0.5 * (tops - track.trough)) | (steps - top_i > self._fall_age)
        j = _first(stop)
        if j == 0:
            return i0
        rep.take_peak(r[:j], i0)
        if int(top_i[j - 1]) != track.peak_i:
            rep.lift = LiftTrack(
                track.trough, track.trough_i, float(tops[j - 1]), int(top_i[j - 1])
            )
        rep.run_below = 0
        return i0 + j

    def _no_lift_before(
        self, q: FloatArray, i0: int, m: int, s: int, trough: float, lift_min: float, age: int
    ) -> int:
        """How many of the ``m`` samples from ``i0`` the lift follower takes before the
        first at which it sees a rise big enough (``q`` from ``i0 - n``)."""
        n = self._lift_rise_n
        if s > i0 - n:
            q = q.copy()
            q[: s - (i0 - n)] = np.inf
        steps = np.arange(m)
        k = q[steps[:, None] + np.arange(n + 1)].argmin(axis=1)
        lows = q[steps + k]
        low_i = i0 - n + steps + k
        prev = np.concatenate(([trough], lows[:-1]))
        prev_i = np.concatenate(([s], low_i[:-1]))
        now = q[n:]
        fire = (now >= prev) & (now - prev >= lift_min) & (i0 + steps - prev_i <= age)
        return _first(fire)


def _first(stop: npt.NDArray[np.bool_]) -> int:
    """Where ``stop`` (not empty) is first true, or its length if nowhere (``argmax`` alone:
    ``any`` and ``numpy.argmax`` cost more than the few samples looked at)."""
    k = int(stop.argmax())
    return k if stop[k] else len(stop)
