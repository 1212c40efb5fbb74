"""Conditioning: resampling, filtering, resting levels, noise and the abdominal share ``k``.

What it keeps is slow state, updated once a frame of rest: the resting level of each channel
(following the balloon's warm-up drift but frozen during a contraction and while a residual
contraction lingers), the noise of the detection signal, and ``k``, how much abdominal
pressure reaches the squeeze balloon, learned by regressing squeeze on abdominal pressure in
the breathing band while the pelvic floor rests (``squeeze − k·abdominal`` is then the
pelvic-floor part, as detrusor pressure is in urodynamics).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from perineo.samples import Channel, FloatArray
from perineo.signal import filters
from perineo.signal.buffer import History
from perineo.signal.config import DetectorConfig
from perineo.signal.resample import Resampled, ResampleState, resample

_NOISE_FRAMES = 40
_DRIFT_TAU_S = 30.0
_HOLDOFF_MAX_S = 20.0
_DRIFT_HELD_S = 10.0
_BREATH_WINDOWS = 15
_BREATH_SMOOTH_S = 0.25  # Gaussian sigma: keeps breaths (< 0.5 Hz), drops the heartbeat
_OUTLIER = 3.0
# How much the abdominal pressure can follow the pelvic floor's (cmH2O per cmH2O): from a
# slight fall to bracing harder than she squeezes. Within a steady hold the pelvic signal
# barely moves; the little breathing left in it (k not exact) must not let a fit explain
# the breath itself away with a coefficient no body produces.
_SHARE_MIN, _SHARE_MAX = -0.5, 2.0


@dataclass(frozen=True)
class Filtered:
    sq: FloatArray
    abd: FloatArray
    tilt: FloatArray
    sq_slow: FloatArray  # squeeze and abdominal through the quick-lift low-pass as well
    abd_slow: FloatArray


def _ema(old: float, new: float, dt: float, tau: float) -> float:
    a = 1.0 - math.exp(-dt / tau)
    return old + a * (new - old)


class Conditioner:
    """Resampling and filter state plus the slowly learned resting levels."""

    def __init__(self, channels: tuple[Channel, ...], cfg: DetectorConfig) -> None:
        self.cfg = cfg
        self.channels = channels
        self.has_abd = Channel.ABDOMINAL in channels
        self.has_tilt = Channel.TILT in channels
        self._col = {c: i for i, c in enumerate(channels)}
        self._rs = ResampleState()
        self._lp = filters.lowpass(cfg.lowpass_hz, cfg.fs)
        self._slow = filters.lowpass(cfg.lift_lowpass_hz, cfg.fs)
        self._z_lp: FloatArray | None = None  # filter states, one row a channel
        self._z_slow: FloatArray | None = None
        self.initialised = False
        self.b_sq = 0.0
        self.b_abd = 0.0
        self.b_tilt = 0.0
        self.drift = 0.0  # cmH2O/s of the squeeze resting level
        self.noise_sd = 0.2
        self.slope_sd = 1.5
        self.abd_sd = 1.0
        self.tilt_sd = 0.2
        self.breath_rms = cfg.breath_default_rms
        self._breath_windows: list[float] = []
        self._swing_windows: list[float] = []  # over rest windows of breath_window_s
        self._long_swings: list[float] = []  # over rest windows as long as a judged hold
        self._swing_from: int | None = None  # where the next long rest window starts
        self.breath_pp = 2.0 * math.sqrt(2.0) * cfg.breath_default_rms  # a breath's swing
        self._sxy = 0.0
        self._sxx = 0.0
        self.k = cfg.k_prior if self.has_abd else 0.0
        self.frozen = False
        self.holdoff = False
        self._holdoff_s = 0.0
        self._held_s = 0.0  # since the resting level was first held off
        self._holdoff_means: list[float] = []  # frame means of the pelvic level at rest
        self._residual = 0.0  # the level she did not let go of
        # where the rest windows' samples begin (the frames learnt from since, in a row;
        # read from the history: r there is not derived again before ``rebase`` forgets them)
        self._win_from: int | None = None
        self._noise = filters.WindowMedian(_NOISE_FRAMES)  # of the last frames at rest
        self._slope_noise = filters.WindowMedian(_NOISE_FRAMES)
        self._slow_windows: list[float] = []
        self.slow_sd = 0.0
        # the whole frames of the samples last appended: their means (and tilt's variance)
        self._pre_first = 0
        self._pre: dict[str, list[float]] = {}

    @property
    def breath_known(self) -> bool:
        """Whether breathing at rest has been measured yet."""
        return bool(self._breath_windows)

    @property
    def breath_allowance(self) -> float:
        """Abdominal swing breathing alone explains (cmH2O above its resting level)."""
        return 3.0 * self.breath_rms

    # ------------------------------------------------------------------ resampling
    def resample(self, t: FloatArray, x: FloatArray) -> Resampled:
        out, self._rs = resample(t, x, self._rs, self.cfg.fs, self.cfg.gap_s)
        return out

    @property
    def last_t(self) -> float | None:
        """Time of the last raw sample taken."""
        return self._rs.last_t

    def break_segment(self) -> None:
        """Force the next sample to start a new gap-free segment."""
        self._rs = ResampleState()

    # ------------------------------------------------------------------ filtering
    def filter(self, grid: Resampled) -> Filtered:
        n = len(grid.t)
        x = grid.x
        # squeeze, abdominal and tilt as rows (zeros for a channel the probe lacks): each
        # filter runs once over its rows, not once a channel
        raw = np.zeros((3, n))
        raw[0] = x[:, self._col[Channel.SQUEEZE]]
        if self.has_abd:
            raw[1] = x[:, self._col[Channel.ABDOMINAL]]
        if self.has_tilt:
            raw[2] = x[:, self._col[Channel.TILT]]
        if not self.initialised:
            self.b_sq, self.b_abd, self.b_tilt = (float(v) for v in raw[:, 0])
            self.initialised = True
        starts = np.flatnonzero(grid.segment_start)
        bounds = [0, *[int(s) for s in starts if s > 0], n]
        lp = np.empty((3, n))
        slow = np.empty((2, n))  # squeeze and abdominal through the quick-lift low-pass too
        for lo, hi in itertools.pairwise(bounds):
            if hi <= lo:
                continue
            if grid.segment_start[lo] or self._z_lp is None or self._z_slow is None:
                self._z_lp = self._lp.initial_states(raw[:, lo])
                self._z_slow = self._slow.initial_states(raw[:2, lo])
            lp[:, lo:hi], self._z_lp = filters.filt_rows(self._lp, raw[:, lo:hi], self._z_lp)
            slow[:, lo:hi], self._z_slow = filters.filt_rows(
                self._slow, lp[:2, lo:hi], self._z_slow
            )
        return Filtered(lp[0], lp[1], lp[2], slow[0], slow[1])

    # ------------------------------------------------------------------ slow state
    def freeze(self) -> None:
        """A contraction started: stop learning the resting level (drift is extrapolated)."""
        self.frozen = True

    def thaw(self, t: float) -> None:
        self.frozen = False

    def rebase(self, sq: float, abd: float, tilt: float) -> None:
        """A new resting level (a posture shift, the probe slipping): rest is here now.

        The drift learned so far described the old level, and windows that straddle the
        step would pose as breathing or transmission: both start afresh."""
        self.b_sq, self.b_abd, self.b_tilt = sq, abd, tilt
        self.drift = 0.0
        self.frozen = False
        self.holdoff = False
        self._win_from = None
        self._swing_from = None

    def hold_off(self, residual: float) -> None:
        """The pelvic floor did not let go: do not take the raised level as rest."""
        if not self.holdoff:
            self._held_s = 0.0
        self.holdoff = True
        self._holdoff_s = 0.0
        self._holdoff_means.clear()
        self._residual = residual

    def _follow_holdoff(self, h: History, f0: int, f1: int, fdt: float, in_rest: bool) -> None:
        """End the hold-off once the pelvic floor has let go of most of the residual,
        judged over a breath of rest (a squeeze-only balloon carries the breath, and at the
        bottom of an exhalation a raised level passes for rest), or once the raised level
        has stood through ``_HOLDOFF_MAX_S`` of rest with no repetition on it (then it is
        the resting level). While repetitions follow each other on it, each is judged
        against rest."""
        self._held_s += fdt
        if not in_rest:
            self._holdoff_means.clear()
            return
        self._holdoff_s += fdt
        self._holdoff_means.append(_mean(h.get("a", f0, f1)))
        need = max(1, round(self.cfg.breath_window_s / fdt))
        del self._holdoff_means[:-need]
        # back: most of what she held on to has let go
        back = len(self._holdoff_means) >= need and abs(float(np.mean(self._holdoff_means))) < max(
            0.5, 0.5 * self._residual
        )
        if back or self._holdoff_s > _HOLDOFF_MAX_S:
            self.holdoff = False

    def prepare_frames(self, h: History, i0: int, i1: int, frame: int) -> None:
        """Samples ``[i0, i1)`` were appended: the means of squeeze, abdominal and tilt over
        each whole frame among them, and tilt's variance, taken at once (``frame_update``
        reads them: each is ``_mean`` and ``_var`` of its frame to the bit, as numpy sums
        each row of a matrix as it sums that row alone)."""
        first = -(-i0 // frame) * frame
        n = (i1 - first) // frame
        self._pre_first = first
        self._pre = {}
        if n <= 0:
            return
        names = ["sq", *(["abd"] if self.has_abd else []), *(["tilt"] if self.has_tilt else [])]
        for name in names:
            x = h.get(name, first, first + n * frame).reshape(n, frame)
            m = np.add.reduce(x, axis=1) / frame
            self._pre[name] = m.tolist()
            if name == "tilt":
                d = x - m[:, None]
                self._pre["tilt_var"] = (np.add.reduce(d * d, axis=1) / frame).tolist()

    def _prepared(self, name: str, f0: int, f1: int) -> float | None:
        """What ``prepare_frames`` took for the frame ``[f0, f1)``, if it did."""
        got = self._pre.get(name)
        k, off = divmod(f0 - self._pre_first, f1 - f0)
        if got is None or off or not 0 <= k < len(got):
            return None
        return got[k]

    def frame_update(
        self, h: History, f0: int, f1: int, *, settled: bool, learn: bool, in_rest: bool
    ) -> None:
        """Once a frame: follow the resting level (when ``settled``) and learn noise, k and
        breathing (when ``learn``: at rest, away from spikes and the end of a fall)."""
        cfg = self.cfg
        fdt = (f1 - f0) / cfg.fs
        sq = h.get("sq", f0, f1)
        if len(sq) == 0:
            return
        m_sq = self._prepared("sq", f0, f1)
        if m_sq is None:
            m_sq = _mean(sq)
        if self.holdoff:
            self._follow_holdoff(h, f0, f1, fdt, in_rest)
        if self.frozen or self.holdoff or not settled:
            # the drift learned at rest carries the level a while; through a long run of
            # releases that do not let go it is no longer known (a warming balloon rises
            # while a baseline that caught up after a fall had learned a fall)
            if not self.holdoff or self._held_s <= _DRIFT_HELD_S:
                self.b_sq += self.drift * fdt
        else:
            step = (m_sq - self.b_sq) * (1.0 - math.exp(-fdt / cfg.baseline_tau_s))
            up, down = cfg.baseline_up_cmH2O_s * fdt, cfg.baseline_down_cmH2O_s * fdt
            step = min(max(step, -down), up)
            self.b_sq += step
            self.drift = _ema(self.drift, step / fdt, fdt, _DRIFT_TAU_S)
            self.drift = min(max(self.drift, -0.1), cfg.baseline_up_cmH2O_s)
        if not learn:
            self._win_from = None
            self._swing_from = None
            return
        need = round(cfg.breath_window_s * cfg.fs)
        self._win_from, full = _rest_window(self._win_from, f0, f1, need)
        r = h.get("r", f0, f1)
        span = cfg.slope_span
        if len(r) > span:
            # medians of recent frames: a cough at rest must not raise the thresholds
            sl = (r[span:] - r[:-span]) * (cfg.fs / span)
            self.noise_sd = self._noise.add(math.sqrt(_var(r)))
            self.slope_sd = self._slope_noise.add(math.sqrt(_mean(sl * sl)))
        if full:
            self._learn_slow(h.get("r", f1 - need, f1))
        if self.has_abd:
            abd = h.get("abd", f0, f1)
            m_abd = self._prepared("abd", f0, f1)
            m_abd = _mean(abd) if m_abd is None else m_abd
            self.b_abd += (m_abd - self.b_abd) * (1.0 - math.exp(-fdt / cfg.baseline_tau_s))
            dev_abd = abd - self.b_abd
            dev = _mean(dev_abd * dev_abd)
            self.abd_sd = math.sqrt(_ema(self.abd_sd**2, dev, fdt, 10.0))
            if full:
                self._learn_rest(h.get("sq", f1 - need, f1), h.get("abd", f1 - need, f1))
            self._learn_swing(h, f0, f1)
        if self.has_tilt:
            tilt = h.get("tilt", f0, f1)
            m_tilt, v_tilt = self._prepared("tilt", f0, f1), self._prepared("tilt_var", f0, f1)
            m_tilt = _mean(tilt) if m_tilt is None else m_tilt
            v_tilt = _var(tilt) if v_tilt is None else v_tilt
            self.b_tilt += (m_tilt - self.b_tilt) * (1.0 - math.exp(-fdt / cfg.baseline_tau_s))
            self.tilt_sd = math.sqrt(_ema(self.tilt_sd**2, v_tilt, fdt, 10.0))

    def _learn_slow(self, win: FloatArray) -> None:
        """Slow swings of the detection signal at rest (breathing when no abdominal channel
        removes it, posture), from a window of it: a repetition must stand out from them,
        not only from noise."""
        cfg = self.cfg
        size = math.sqrt(_var(detrend(filters.smooth(win, _BREATH_SMOOTH_S * cfg.fs))))
        slow = _recent_median(self._slow_windows, size)
        if slow is not None:
            self.slow_sd = slow

    def _learn_swing(self, h: History, f0: int, f1: int) -> None:
        """A breath's swing at rest, over windows as long as the stretch of a hold a breath
        hold is judged over and measured the same way (``breath_swing``: smoothed to the
        breathing band, no line taken out). A slow breath (8 a minute) seen through a shorter
        window with its trend removed keeps a fraction of its swing, and a held breath's
        leftovers (where she stopped, the heartbeat, noise) then look like breathing."""
        cfg = self.cfg
        need = round(cfg.breath_hold_s * cfg.fs)
        self._swing_from, full = _rest_window(self._swing_from, f0, f1, need)
        if not full:
            return
        pp = _recent_median(self._long_swings, breath_swing(h.get("abd", f1 - need, f1), cfg.fs))
        if pp is not None:
            self.breath_pp = pp

    def _learn_rest(self, win_sq: FloatArray, win_abd: FloatArray) -> None:
        """Learn k and the breathing size from a window of quiet rest.

        Both channels are smoothed to the breathing band and detrended per window, so the
        heartbeat, the slow tail of a release and the warm-up drift cannot pose as
        abdominal transmission; a window far larger than the usual (a cough, a sigh) is
        left out.
        """
        cfg = self.cfg
        sigma = _BREATH_SMOOTH_S * cfg.fs
        y = detrend(filters.smooth(win_sq, sigma))
        xs = filters.smooth(win_abd, sigma)
        x = detrend(xs)
        rms = _recent_median(self._breath_windows, math.sqrt(_mean(x * x)))
        if rms is None:
            return
        self.breath_rms = rms
        self._swing_windows.append(swing(xs))
        del self._swing_windows[:-_BREATH_WINDOWS]
        if not self._long_swings:
            self.breath_pp = filters.median(self._swing_windows)
        lam = math.exp(-cfg.breath_window_s / 2 / cfg.k_memory_s)
        self._sxy = lam * self._sxy + float(np.dot(x, y)) / 2
        self._sxx = lam * self._sxx + float(np.dot(x, x)) / 2
        w = cfg.k_prior_weight_s * cfg.fs * 0.5
        self.k = min(max((self._sxy + cfg.k_prior * w) / (self._sxx + w), 0.0), cfg.k_max)


def _rest_window(start: int | None, f0: int, f1: int, need: int) -> tuple[int, bool]:
    """Where the window of unbroken rest being filled starts (``start``, or this frame's
    ``f0`` when none is), and whether it holds ``need`` samples at ``f1``: then the next one
    starts where it overlaps this one by half."""
    s = f0 if start is None else start
    if f1 - s >= need:
        return f1 - (need - need // 2), True
    return s, False


def _recent_median(wins: list[float], size: float) -> float | None:
    """The median of the recent windows' sizes with ``size`` added (the last
    ``_BREATH_WINDOWS``); ``None``, and ``size`` left out, when it is far larger than their
    median (a cough, a sigh, talking): one such window does not move it."""
    if len(wins) >= 3 and size > _OUTLIER * filters.median(wins):
        return None
    wins.append(size)
    del wins[:-_BREATH_WINDOWS]
    return filters.median(wins)


def _mean(x: FloatArray) -> float:
    """``numpy.mean`` of a non-empty 1-D array, to the last bit, without its overhead."""
    return float(np.add.reduce(x)) / len(x)


def _var(x: FloatArray) -> float:
    """``numpy.var`` of a non-empty 1-D array, to the last bit, without its overhead."""
    d = x - _mean(x)
    return _mean(d * d)


def detrend(x: FloatArray) -> FloatArray:
    """``x`` minus its least-squares straight line (in closed form: ``numpy.polyfit``'s
    general solver costs more than the window it fits)."""
    n = len(x)
    if n < 2:
        return x - x
    tc = centred_ramp(n)
    xm = _mean(x)
    slope = float(np.dot(tc, x - xm)) / float(np.dot(tc, tc))
    return x - (xm + slope * tc)


@lru_cache(maxsize=64)
def centred_ramp(n: int) -> FloatArray:
    """``0, 1, … n−1`` minus its mean (read-only: shared between calls)."""
    r = np.arange(n, dtype=float) - 0.5 * (n - 1)
    r.flags.writeable = False
    return r


def breath_swing(abd: FloatArray, fs: float, pelvic: FloatArray | None = None) -> float:
    """Peak-to-peak of the breathing in ``abd`` over a window (cmH2O).

    The abdominal pressure is smoothed to the breathing band; with ``pelvic`` (the
    pelvic-floor signal over the same samples) the part of the abdominal pressure that
    follows the contraction (bracing with its fatigue, an overshoot, quick lifts) is
    removed: what is left moves with the breath alone. A peak-to-peak with no trend taken
    out, not a detrended RMS: a slow breath (8 a minute) seen through a 5 s window keeps
    most of its swing, but little of its RMS once a straight line is fitted through it.
    """
    n = len(abd)
    if n < 3:
        return 0.0
    sigma = _BREATH_SMOOTH_S * fs
    y = filters.smooth(np.asarray(abd, dtype=float), sigma)
    # least squares on a constant (and the pelvic floor), in closed form
    yc = y - _mean(y)
    if pelvic is not None and len(pelvic) == n:
        p = filters.smooth(np.asarray(pelvic, dtype=float), sigma)
        if float(p.max()) - float(p.min()) > 0:
            pc = p - _mean(p)
            beta = float(np.dot(pc, yc)) / float(np.dot(pc, pc))
            yc = yc - min(max(beta, _SHARE_MIN), _SHARE_MAX) * pc
    return swing(yc)


def swing(x: FloatArray) -> float:
    """Peak to peak, the outer 5 % at either side left out (sensor noise adds to a
    maximum and a minimum; a breath's swing barely changes). The 5th and 95th
    percentiles are ``numpy.percentile``'s (linear), to the last bit, without its
    overhead."""
    n = len(x)
    lo_at, hi_at = (n - 1) * 0.05, (n - 1) * 0.95
    k_lo, k_hi = math.floor(lo_at), math.floor(hi_at)
    ks = sorted({k_lo, min(k_lo + 1, n - 1), k_hi, min(k_hi + 1, n - 1)})
    part = np.partition(np.asarray(x, dtype=float), ks)
    lo = _lerp(float(part[k_lo]), float(part[min(k_lo + 1, n - 1)]), lo_at - k_lo)
    hi = _lerp(float(part[k_hi]), float(part[min(k_hi + 1, n - 1)]), hi_at - k_hi)
    return hi - lo


def _lerp(a: float, b: float, g: float) -> float:
    """``a`` to ``b`` by ``g``, computed as ``numpy.percentile`` does (from the nearer end)."""
    d = b - a
    return b - d * (1.0 - g) if g >= 0.5 else a + d * g
