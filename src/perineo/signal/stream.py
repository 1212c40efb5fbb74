"""The streaming front of the detector: from sample blocks to detection signals on a grid.

``Stream`` takes blocks of any size, leaves out broken samples (``intake``) and one-sample
glitches (``glitch``), resamples and filters them (``condition``) into a history on a fixed
grid, derives the detection signals there, and hands them on in spans that do not cross a
frame or a gap. What to do with them is the subclass's (``detect.Detector``): it implements
``_step`` (one grid sample; ``_steps`` a span of them), ``_frame_update``,
``_segment_started``, ``_idle`` and ``finish``. Spans are cut the same way however the
stream is split into blocks, so the events do not depend on it.

For the subclass's decisions it also cuts out the windows of history the pure rules
(``artifacts``, ``lifts``, ``technique``, ``timing``) are given, emits events and records
the finished repetitions.
"""

from __future__ import annotations

import math

import numpy as np

from perineo.samples import Channel, FloatArray, SampleBlock, ordered_channels
from perineo.signal import filters
from perineo.signal.artifacts import Candidate, breath_or_knock
from perineo.signal.buffer import History
from perineo.signal.condition import Conditioner
from perineo.signal.config import DetectorConfig
from perineo.signal.events import Event, EventKind, Repetition, TechError
from perineo.signal.glitch import GlitchState, remove_glitches
from perineo.signal.intake import as_matrix, drop_broken
from perineo.signal.lifts import (
    Lift,
    LiftTrack,
    follow_lift,
    lift_foot,
    lift_peak,
    lift_threshold,
    tremor_rise,
)
from perineo.signal.resample import Resampled
from perineo.signal.shape import width_above
from perineo.signal.technique import (
    Findings,
    breath_span,
    breath_stillness,
    co_rise,
    judge,
    unverifiable_errors,
)
from perineo.signal.timing import knee_back, steepest
from perineo.signal.work import RepWork, hold_level_and_drop

_RAW_INTERVALS = 50  # raw sample intervals that tell the probe's rate
_TREMOR_FROM_S = 0.3  # the tremor is measured past the first decay of an overshoot


class Stream:
    """Input cleaning, grid, history, frames, thresholds, the windows the rules are given,
    events and the repetitions recorded: everything but the decisions."""

    def __init__(
        self, channels: tuple[Channel, ...] | list[Channel], config: DetectorConfig | None = None
    ) -> None:
        self.channels = ordered_channels(channels)
        self.config = cfg = config or DetectorConfig()
        self.has_abd = Channel.ABDOMINAL in self.channels
        self.has_tilt = Channel.TILT in self.channels
        self.dt = 1.0 / cfg.fs
        self.cond = Conditioner(self.channels, cfg)
        self.frame = max(1, round(cfg.frame_s * cfg.fs))
        # (asked for every grid sample: kept)
        self._lift_rise_n = round(cfg.lift_max_rise_s * cfg.fs)
        self._slope_span = cfg.slope_span
        self.hist = History(
            ("t", "avail", "r", "a", "q", "sq", "abd", "tilt", "sq_slow", "abd_slow"),
            round(cfg.history_s * cfg.fs),
        )
        self._n = 0  # global grid index of the next sample
        self._seg_start = 0  # global index where the current gap-free segment began
        # the rules look back no further than this: the end of the last fall, or a cancelled
        # rise (a cough of a bout is judged on its own rise, not on the one before it)
        self._after_i = 0
        self.skipped = 0  # samples left out: non-finite, or time not after the previous
        self.glitches = 0  # one-sample spikes replaced by the median of their neighbours
        self._glitch = GlitchState()
        self._last_t = -np.inf
        self._raw_steps: list[float] = []
        self._raw_dt: float | None = None  # the probe's sample interval, once known
        self._raw_dt_from = np.inf
        self._events: list[Event] = []
        self.unverifiable = unverifiable_errors(self.channels)
        self.repetitions: list[Repetition] = []

    # ------------------------------------------------------------------ for the subclass
    def _step(self, i: int) -> None:
        raise NotImplementedError

    def _idle(self, r: FloatArray, i1: int) -> bool:
        """Nothing in the span ending before ``i1``, with detection signal ``r``, can start
        or change anything."""
        return False

    def _frame_update(self, f0: int, f1: int) -> None:
        raise NotImplementedError

    def _segment_started(self, i: int) -> None:
        """A gap-free segment begins at ``i`` (after a gap)."""

    # ------------------------------------------------------------------ public API
    @property
    def baseline_cmH2O(self) -> float:
        """Current resting level of ``squeeze`` (absolute cmH2O)."""
        return self.cond.b_sq

    @property
    def k(self) -> float:
        return self.cond.k

    def push(self, block: SampleBlock) -> list[Event]:
        """Feed a block; return the events that became certain."""
        self._events = []
        t, x = as_matrix(block, self.channels)
        t, x, skipped = drop_broken(t, x, self._last_t)
        self.skipped += skipped
        if len(t):
            self._learn_raw_interval(t)
            self._last_t = float(t[-1])
        t, x, self._glitch, fixed = remove_glitches(t, x, self._glitch, self.config.glitch_jump)
        self.glitches += fixed
        self._resample_and_process(t, x)
        return self._events

    def _learn_raw_interval(self, t: FloatArray) -> None:
        """The probe's sample interval: the median of its first ``_RAW_INTERVALS`` (gaps
        left out), known from the time of the last of them on, whatever the block split."""
        if self._raw_dt is not None:
            return
        d = np.diff(np.concatenate(([self._last_t], t)))
        ok = np.flatnonzero((d > 0) & (d <= self.config.gap_s))
        need = _RAW_INTERVALS - len(self._raw_steps)
        self._raw_steps += [float(v) for v in d[ok[:need]]]
        if len(self._raw_steps) >= _RAW_INTERVALS:
            self._raw_dt = filters.median(self._raw_steps)
            self._raw_dt_from = float(t[ok[need - 1]])

    def _spike_rise_s(self, t: float) -> float | None:
        """The ballistic limit for this probe (``None``: the configured one)."""
        if self._raw_dt is None or t < self._raw_dt_from:
            return None
        cfg = self.config
        return cfg.spike_rise_s + cfg.spike_rise_per_raw_dt * max(0.0, self._raw_dt - 0.02)

    def _resample_and_process(self, t: FloatArray, x: FloatArray) -> None:
        grid = self.cond.resample(t, x)
        for g0, g1 in grid.gaps:
            self._emit(EventKind.GAP, g0, g1, value=g1)
        if len(grid.t):
            self._process(grid)

    def _release_held(self) -> None:
        """Pass on a sample held back for its successor that will not come."""
        g = self._glitch
        if g.held_t is None or g.held_x is None:
            return
        self._glitch = GlitchState(g.held_x.copy())
        self._resample_and_process(np.array([g.held_t]), g.held_x[None, :])

    def mark_gap(self, start_s: float, end_s: float) -> list[Event]:
        """A source reports missing samples: break the grid there, if the hole is one the
        grid does not bridge (``gap_s``); a shorter one is interpolated over, as in a
        recording of the same samples, so live and ``analyze`` see the same repetitions."""
        self._events = []
        self._release_held()
        if end_s - start_s >= self.config.gap_s:
            self.cond.break_segment()
        self._emit(EventKind.GAP, start_s, start_s, value=end_s)
        return self._events

    # ------------------------------------------------------------------ processing
    def _process(self, grid: Resampled) -> None:
        sig = self.cond.filter(grid)
        n = len(grid.t)
        start = self._n
        self.hist.append(
            t=grid.t,
            avail=grid.available_s,
            sq=sig.sq,
            abd=sig.abd,
            tilt=sig.tilt,
            sq_slow=sig.sq_slow,
            abd_slow=sig.abd_slow,
            r=np.zeros(n),
            a=np.zeros(n),
            q=np.zeros(n),
        )
        self.cond.prepare_frames(self.hist, start, start + n, self.frame)
        # windows look back only as far as the history holds (a rise held for minutes)
        self._seg_start = max(self._seg_start, self.hist.base)
        # where gaps start new segments, in order (a plain list: looked at once a span)
        seg_starts = [int(s) + start for s in np.flatnonzero(grid.segment_start)]
        k = 0
        i = start
        end = start + n
        while i < end:
            frame_end = (i // self.frame + 1) * self.frame
            stop = min(frame_end, end)
            while k < len(seg_starts) and seg_starts[k] < i:
                k += 1
            # a gap starts a new segment inside this span
            if k < len(seg_starts) and seg_starts[k] < stop:
                if seg_starts[k] > i:
                    stop = seg_starts[k]
                else:
                    self._seg_start = i
                    self._segment_started(i)
            self._span(i, stop)
            i = stop
            if i == frame_end:
                self._frame_update(frame_end - self.frame, frame_end)
        self._n = end

    def _span(self, i0: int, i1: int) -> None:
        """Derive the detection signals for [i0, i1) with this frame's parameters, then step."""
        r = self._derive(i0, i1)
        if not self._idle(r, i1):
            self._steps(i0, i1)

    def _steps(self, i0: int, i1: int) -> None:
        """Step every grid sample of [i0, i1) (a subclass may take quiet stretches at once,
        with the same result)."""
        for i in range(i0, i1):
            self._step(i)

    def _derive(self, i0: int, i1: int) -> FloatArray:
        """Write ``r``, ``a`` and ``q`` for [i0, i1) from the resting levels and k as they
        stand (also to re-derive the recent past once a new resting level is known)."""
        h, c = self.hist, self.cond
        # (written straight into the history's columns: the same operations, no copies)
        r, a, q = h.get("r", i0, i1), h.get("a", i0, i1), h.get("q", i0, i1)
        sq = h.get("sq", i0, i1) - c.b_sq
        # quick lifts are followed on a smoother copy: a noise excursion is not a lift
        np.subtract(h.get("sq_slow", i0, i1), c.b_sq, out=q)
        if self.has_abd:
            k = c.k
            abd = h.get("abd", i0, i1) - c.b_abd
            np.subtract(sq, np.multiply(abd, k, out=abd), out=a)
            np.maximum(a, sq - k * c.breath_allowance, out=r)
            slow = h.get("abd_slow", i0, i1) - c.b_abd
            np.subtract(q, np.multiply(slow, k, out=slow), out=q)
        else:
            a[:] = sq
            r[:] = sq
        return r

    # ------------------------------------------------------------------ thresholds
    def _rest_sd(self) -> float:
        """How far the level wanders at rest: sensor noise, or slow swings (breathing on a
        squeeze-only probe) counted at two thirds."""
        return max(self.cond.noise_sd, 2.0 * self.cond.slow_sd / 3.0)

    def _thr_lo(self) -> float:
        cfg = self.config
        return max(cfg.onset_level_min, cfg.onset_level_sigmas * self.cond.noise_sd)

    def _thr_hi(self) -> float:
        cfg = self.config
        c = self.cond
        return max(
            cfg.onset_high_min, cfg.onset_high_sigmas * c.noise_sd, cfg.slow_sigmas_high * c.slow_sd
        )

    def _thr_slope(self) -> float:
        cfg = self.config
        return max(cfg.onset_slope_min, cfg.onset_slope_sigmas * self.cond.slope_sd)

    def _min_amp(self) -> float:
        cfg = self.config
        c = self.cond
        return max(
            cfg.min_amplitude,
            cfg.min_amplitude_sigmas * c.noise_sd,
            cfg.slow_sigmas_amplitude * c.slow_sd,
        )

    def _slope(self, i: int) -> float:
        span = i - self._seg_start
        if span > self._slope_span:
            span = self._slope_span
        if span <= 0:
            return 0.0
        h = self.hist
        return (h.at("r", i) - h.at("r", i - span)) / (span * self.dt)

    # ------------------------------------------------------------------ windows for the rules
    def _candidate(self, i: int, trig_i: int, peak_i: int, floor: float, peak: float) -> Candidate:
        """The rise triggered at ``trig_i``, up to ``i``, cut out for the artifact rules."""
        h, c = self.hist, self.cond
        j0 = max(self._seg_start, self._after_i, trig_i - round(1.0 * self.config.fs))
        abd, squeeze_rise = None, 0.0
        if self.has_abd:
            squeeze_rise = float(np.max(h.get("sq", trig_i, i + 1))) - c.b_sq
            abd = h.get("abd", j0, i + 1) - c.b_abd
        return Candidate(
            r=h.get("r", j0, i + 1),
            rise=h.get("r", j0, peak_i + 1),
            since_trigger=h.get("r", trig_i, i + 1),
            k_trig=trig_i - max(j0, h.base),
            floor=floor,
            peak=peak,
            dt=self.dt,
            abd=abd,
            squeeze_rise=squeeze_rise,
            spike_rise_s=self._spike_rise_s(h.at("avail", i)),
        )

    def _breath_or_knock(self, i: int, trig_i: int) -> bool:
        """A deep breath or a knock, judged on the top just reached (needs both channels)."""
        if not (self.has_abd and self.has_tilt):
            return False
        h, c, cfg = self.hist, self.cond, self.config
        j0 = max(trig_i, i - round(cfg.breath_top_s * cfg.fs))
        return breath_or_knock(
            h.get("sq", j0, i + 1) - c.b_sq,
            h.get("a", j0, i + 1),
            h.get("abd", j0, i + 1) - c.b_abd,
            h.get("tilt", j0, i + 1) - c.b_tilt,
            cfg=cfg,
            abd_sd=c.abd_sd,
            tilt_sd=c.tilt_sd,
        )

    def _findings(self, j0: int, i1: int, from_i: int | None = None) -> tuple[Findings, float]:
        """Push-down and bracing over ``[j0, i1]``, and the pelvic-floor peak there; with
        ``from_i`` (a little before the rise) bracing must also move with the contraction."""
        h, c = self.hist, self.cond
        judged = self._judged(j0, i1)
        a = judged[1]
        coupling = None
        if self.has_abd and from_i is not None:
            lag = max(1, round(0.1 * self.config.fs))
            abd, pelvic = h.get("abd", from_i, i1 + 1), h.get("a", from_i, i1 + 1)

            def coupling() -> float | None:  # (computed only if bracing hangs on it)
                return co_rise(abd, pelvic, lag)

        found = judge(
            *judged,
            cfg=self.config,
            abd_sd=c.abd_sd,
            tilt_sd=c.tilt_sd,
            coupling=coupling,
        )
        return found, float(a.max()) if len(a) else 0.0

    def _judged(
        self, j0: int, i1: int
    ) -> tuple[FloatArray, FloatArray, FloatArray | None, FloatArray | None]:
        """What technique is judged on over ``[j0, i1]``: the squeeze, the pelvic-floor
        level, the abdominal pressure and the tilt, each above its resting level."""
        h, c = self.hist, self.cond
        return (
            h.get("sq", j0, i1 + 1) - c.b_sq,
            h.get("a", j0, i1 + 1),
            h.get("abd", j0, i1 + 1) - c.b_abd if self.has_abd else None,
            h.get("tilt", j0, i1 + 1) - c.b_tilt if self.has_tilt else None,
        )

    def _breath_stillness(self, trig_i: int, i: int) -> float:
        """How much of a breath's swing at rest the last stretch of the contraction triggered
        at ``trig_i`` shows (as of ``i``); infinite when it cannot be told yet."""
        if not self.cond.breath_known:
            return math.inf  # no rest seen yet to compare with: unknown is not an error
        cfg = self.config
        span = breath_span(trig_i, i, cfg)
        if span is None:
            return math.inf
        abd, pelvic = self.hist.get("abd", *span), self.hist.get("a", *span)
        return breath_stillness(abd, pelvic, cfg.fs, self.cond.breath_pp)

    def _lift_threshold(self, hold_amp: float) -> float:
        """The smallest quick lift on a hold ``hold_amp`` above its floor (what it depends on
        changes once a frame: the caller keeps it)."""
        c = self.cond
        return lift_threshold(hold_amp, c.noise_sd, c.slow_sd, self.config)

    def _follow_lift(
        self, i: int, track: LiftTrack, hold_i: int | None, hold_start_s: float, lift_min: float
    ) -> tuple[LiftTrack, Lift | None]:
        """One sample of the quick-lift follower on the hold begun at ``hold_i``."""
        h = self.hist
        j0 = i - self._lift_rise_n
        if hold_i is not None and hold_i < j0:
            j0 = hold_i
        q, trough_t = h.get("q", j0, i + 1), h.at("t", track.trough_i)
        return follow_lift(track, q, i, trough_t, hold_start_s, lift_min, self.dt, self.config)

    def _rest_levels(self, i0: int, i1: int) -> tuple[float, float, float]:
        """Squeeze, abdominal and tilt levels over ``[i0, i1)`` (medians): a resting level."""
        sq, abd, tilt = (filters.median(self.hist.get(c, i0, i1)) for c in ("sq", "abd", "tilt"))
        return sq, abd, tilt

    def _hold_tremor(self, hold_i: int, until_i: int, hold_amp: float) -> float | None:
        """The tremor of the hold begun at ``hold_i`` (``hold_amp`` above its floor),
        measured up to ``until_i`` (past the overshoot that may crown its start)."""
        cfg = self.config
        # (across a gap too: the hold before it shows the same tremor)
        j0 = max(self.hist.base, hold_i + round(_TREMOR_FROM_S * cfg.fs))
        return tremor_rise(self.hist.get("q", j0, until_i), cfg.fs, cfg, hold_amp)

    def _time_lift(self, i: int, lift: Lift, with_foot: bool) -> tuple[float, float | None]:
        """A quick lift confirmed at ``i``: when it peaked and (``with_foot``) where it left
        the hold, timed on the unlagged signal (``q``, which decided it, lags by ~75 ms)."""
        h = self.hist
        lo = max(self._seg_start, lift.trough_i)
        i0 = max(self._seg_start, lo - 10)
        t = h.get("t", i0, i + 1)
        level = filters.smooth(h.get("a", i0, i + 1), self.config.smooth_sigma)
        j = lift_peak(level, lo - i0)
        if not with_foot:
            return float(t[j]), None
        return float(t[j]), lift_foot(t, level, lo - i0, j, lift.trough, lift.height, self.dt)

    def _recent_hold(self, hold_i: int, f1: int) -> float | None:
        """The hold's level over its last ``hold_ref_s`` before ``f1`` (a frame at least)."""
        j0 = max(hold_i, f1 - round(self.config.hold_ref_s * self.config.fs))
        if f1 - j0 < self.frame:
            return None
        return filters.median(self.hist.get("r", j0, f1))

    def _foot(self, i_lo: int, i: int, floor: float) -> float:
        """Where the rise seen at ``i`` left ``floor`` (looking back to ``i_lo``)."""
        t, lev, sl = self._smoothed(i_lo, i + 1)
        i_st = steepest(sl, 0, len(t) - 1)
        step = max(float(lev[-1]) - floor, 1e-6)
        return knee_back(t, lev, sl, i_st, 0, floor, step)

    # ------------------------------------------------------------------ recording
    def _add_error(self, rep: RepWork, err: TechError, detected_s: float) -> None:
        if err in rep.errors:
            return
        rep.errors.append(err)
        self._emit(EventKind.ERROR, detected_s, detected_s, rep.index, error=err)

    def _record_hold(self, rep: RepWork, hold_end_s: float, i: int) -> None:
        """Level and drop of the hold, from its start to ``hold_end_s`` (known at ``i``)."""
        if rep.hold_start_s is None or rep.hold_i is None:
            return
        h = self.hist
        fs = self.config.fs
        i_hs = rep.hold_i
        # (not past ``i``: what the history holds beyond it depends on how the stream was cut)
        i_he = min(i + 1, i_hs + max(1, round((hold_end_s - h.at("t", i_hs)) * fs)))
        i_start = i_hs - round(max(0.0, h.at("t", i_hs) - rep.hold_start_s) * fs)
        seg = h.get("sq", i_start, i_he) - self.cond.b_sq
        rep.hold_level, rep.drop_fraction = hold_level_and_drop(seg, fs)
        if rep.hold_level is None:
            rep.hold_level = rep.peak

    def _finish_rep(self, rep: RepWork, i: int) -> None:
        """``rep`` is settled at ``i``: its squeeze peak above rest over the whole repetition
        (up to ``i`` when no end was seen), and the repetition is announced."""
        h = self.hist
        detected_s = h.at("avail", i)
        i1 = rep.end_i if rep.end_i is not None else i
        sq = h.get("sq", rep.trig_i, i1 + 1) - rep.rest_cmH2O
        peak = float(np.max(sq)) if len(sq) else rep.peak
        final = rep.to_repetition(peak, self.unverifiable, pelvic=self.has_abd)
        self.repetitions.append(final)
        self._emit(EventKind.REPETITION, rep.onset_s, detected_s, rep.index, repetition=final)

    # ------------------------------------------------------------------ helpers
    def _smoothed(self, i0: int, i1: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        h = self.hist
        t = h.get("t", i0, i1)
        lev = filters.smooth(h.get("r", i0, i1), self.config.smooth_sigma)
        sl = filters.gradient(lev) / self.dt if len(lev) > 1 else np.zeros_like(lev)
        return t, lev, sl

    def _width_above(self, level: float, i0: int, i1: int) -> float:
        """Seconds r has been above ``level`` since it first crossed it after ``i0``."""
        j0 = max(self._seg_start, self._after_i, i0 - round(1.0 * self.config.fs))
        r = self.hist.get("r", j0, i1 + 1)
        return width_above(r, level, self.dt)

    def _emit(
        self,
        kind: EventKind,
        t: float,
        detected_s: float,
        rep: int = -1,
        *,
        error: TechError | None = None,
        value: float | None = None,
        repetition: Repetition | None = None,
    ) -> None:
        self._events.append(Event(kind, float(t), float(detected_s), rep, error, value, repetition))
