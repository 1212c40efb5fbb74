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

import numpy as np

from perineo.samples import Channel, FloatArray
from perineo.signal import filters
from perineo.signal.buffer import History
from perineo.signal.config import DetectorConfig
from perineo.signal.resample import Resampled, ResampleState, resample

_NOISE_FRAMES = 40
_DRIFT_TAU_S = 30.0
_HOLDOFF_MAX_S = 20.0
_BREATH_WINDOWS = 15
_BREATH_SMOOTH_S = 0.25  # Gaussian sigma: keeps breaths (< 0.5 Hz), drops the heartbeat
_OUTLIER = 3.0


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
        self._z: dict[str, FloatArray] = {}
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
        self._swing_windows: list[float] = []
        self.breath_pp = 2.0 * math.sqrt(2.0) * cfg.breath_default_rms  # a breath's swing
        self._sxy = 0.0
        self._sxx = 0.0
        self.k = cfg.k_prior if self.has_abd else 0.0
        self.frozen = False
        self.holdoff = False
        self._holdoff_s = 0.0
        self._holdoff_means: list[float] = []  # frame means of the pelvic level at rest
        self._residual = 0.0  # the level she did not let go of
        self._rest_buf: list[FloatArray] = []
        self._noise_frames: list[tuple[float, float]] = []
        self._r_buf: list[FloatArray] = []
        self._slow_windows: list[float] = []
        self.slow_sd = 0.0

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
        cols = {
            "sq": x[:, self._col[Channel.SQUEEZE]],
            "abd": x[:, self._col[Channel.ABDOMINAL]] if self.has_abd else np.zeros(n),
            "tilt": x[:, self._col[Channel.TILT]] if self.has_tilt else np.zeros(n),
        }
        if not self.initialised:
            self.b_sq = float(cols["sq"][0])
            self.b_abd = float(cols["abd"][0])
            self.b_tilt = float(cols["tilt"][0])
            self.initialised = True
        starts = np.flatnonzero(grid.segment_start)
        bounds = [0, *[int(s) for s in starts if s > 0], n]
        out = {k: np.empty(n) for k in ("sq", "abd", "tilt", "sq_slow", "abd_slow")}
        for lo, hi in itertools.pairwise(bounds):
            if hi <= lo:
                continue
            if grid.segment_start[lo] or not self._z:
                for k, v in cols.items():
                    self._z[k] = self._lp.initial_state(float(v[lo]))
                for k in ("sq", "abd"):
                    self._z[k + "_slow"] = self._slow.initial_state(float(cols[k][lo]))
            for k, v in cols.items():
                out[k][lo:hi], self._z[k] = filters.filt(self._lp, v[lo:hi], self._z[k])
            for k in ("sq", "abd"):
                out[k + "_slow"][lo:hi], self._z[k + "_slow"] = filters.filt(
                    self._slow, out[k][lo:hi], self._z[k + "_slow"]
                )
        return Filtered(out["sq"], out["abd"], out["tilt"], out["sq_slow"], out["abd_slow"])

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
        self._rest_buf.clear()
        self._r_buf.clear()

    def hold_off(self, residual: float) -> None:
        """The pelvic floor did not let go: do not take the raised level as rest."""
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
        if not in_rest:
            self._holdoff_means.clear()
            return
        self._holdoff_s += fdt
        self._holdoff_means.append(float(np.mean(h.get("a", f0, f1))))
        need = max(1, round(self.cfg.breath_window_s / fdt))
        del self._holdoff_means[:-need]
        # back: most of what she held on to has let go
        back = len(self._holdoff_means) >= need and abs(float(np.mean(self._holdoff_means))) < max(
            0.5, 0.5 * self._residual
        )
        if back or self._holdoff_s > _HOLDOFF_MAX_S:
            self.holdoff = False

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
        m_sq = float(np.mean(sq))
        if self.holdoff:
            self._follow_holdoff(h, f0, f1, fdt, in_rest)
        if self.frozen or self.holdoff or not settled:
            self.b_sq += self.drift * fdt
        else:
            step = (m_sq - self.b_sq) * (1.0 - math.exp(-fdt / cfg.baseline_tau_s))
            up, down = cfg.baseline_up_cmH2O_s * fdt, cfg.baseline_down_cmH2O_s * fdt
            step = min(max(step, -down), up)
            self.b_sq += step
            self.drift = _ema(self.drift, step / fdt, fdt, _DRIFT_TAU_S)
            self.drift = min(max(self.drift, -0.1), cfg.baseline_up_cmH2O_s)
        if not learn:
            self._rest_buf.clear()
            self._r_buf.clear()
            return
        r = h.get("r", f0, f1)
        span = cfg.slope_span
        if len(r) > span:
            # medians of recent frames: a cough at rest must not raise the thresholds
            sl = (r[span:] - r[:-span]) * (cfg.fs / span)
            self._noise_frames.append((float(np.std(r)), float(np.sqrt(np.mean(sl**2)))))
            del self._noise_frames[:-_NOISE_FRAMES]
            self.noise_sd = filters.median([f[0] for f in self._noise_frames])
            self.slope_sd = filters.median([f[1] for f in self._noise_frames])
        self._learn_slow(r)
        if self.has_abd:
            abd = h.get("abd", f0, f1)
            self.b_abd += (float(np.mean(abd)) - self.b_abd) * (
                1.0 - math.exp(-fdt / cfg.baseline_tau_s)
            )
            dev = float(np.mean((abd - self.b_abd) ** 2))
            self.abd_sd = math.sqrt(_ema(self.abd_sd**2, dev, fdt, 10.0))
            self._learn_rest(sq, abd)
        if self.has_tilt:
            tilt = h.get("tilt", f0, f1)
            self.b_tilt += (float(np.mean(tilt)) - self.b_tilt) * (
                1.0 - math.exp(-fdt / cfg.baseline_tau_s)
            )
            self.tilt_sd = math.sqrt(_ema(self.tilt_sd**2, float(np.var(tilt)), fdt, 10.0))

    def _learn_slow(self, r: FloatArray) -> None:
        """Slow swings of the detection signal at rest (breathing when no abdominal channel
        removes it, posture): a repetition must stand out from them, not only from noise."""
        cfg = self.cfg
        self._r_buf.append(np.asarray(r, dtype=float).copy())
        need = round(cfg.breath_window_s * cfg.fs)
        if sum(len(b) for b in self._r_buf) < need:
            return
        win = np.concatenate(self._r_buf)[-need:]
        self._r_buf = [win[need // 2 :]]
        size = float(np.std(detrend(filters.smooth(win, _BREATH_SMOOTH_S * cfg.fs))))
        wins = self._slow_windows
        if len(wins) >= 3 and size > _OUTLIER * filters.median(wins):
            return
        wins.append(size)
        del wins[:-_BREATH_WINDOWS]
        self.slow_sd = filters.median(wins)

    def _learn_rest(self, sq: FloatArray, abd: FloatArray) -> None:
        """Learn k and the breathing size from windows of quiet rest.

        Both channels are smoothed to the breathing band and detrended per window, so the
        heartbeat, the slow tail of a release and the warm-up drift cannot pose as
        abdominal transmission; a window far larger than the usual (a cough, a sigh) is
        left out.
        """
        cfg = self.cfg
        self._rest_buf.append(np.column_stack((sq, abd)))
        need = round(cfg.breath_window_s * cfg.fs)
        if sum(len(b) for b in self._rest_buf) < need:
            return
        win = np.concatenate(self._rest_buf)[-need:]
        self._rest_buf = [win[need // 2 :]]
        sigma = _BREATH_SMOOTH_S * cfg.fs
        y = detrend(filters.smooth(win[:, 0], sigma))
        x = detrend(filters.smooth(win[:, 1], sigma))
        size = float(np.sqrt(np.mean(x**2)))
        wins = self._breath_windows
        if len(wins) >= 3 and size > _OUTLIER * filters.median(wins):
            return
        wins.append(size)
        del wins[:-_BREATH_WINDOWS]
        # a median of recent windows: one cough or sigh does not move it
        self.breath_rms = filters.median(wins)
        self._swing_windows.append(swing(x))
        del self._swing_windows[:-_BREATH_WINDOWS]
        self.breath_pp = filters.median(self._swing_windows)
        lam = math.exp(-cfg.breath_window_s / 2 / cfg.k_memory_s)
        self._sxy = lam * self._sxy + float(np.dot(x, y)) / 2
        self._sxx = lam * self._sxx + float(np.dot(x, x)) / 2
        w = cfg.k_prior_weight_s * cfg.fs * 0.5
        self.k = min(max((self._sxy + cfg.k_prior * w) / (self._sxx + w), 0.0), cfg.k_max)


def detrend(x: FloatArray) -> FloatArray:
    """``x`` minus its least-squares straight line."""
    n = np.arange(len(x), dtype=float)
    coef = np.polyfit(n, x, 1)
    return x - np.polyval(coef, n)


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
    cols = [np.ones(n)]
    if pelvic is not None and len(pelvic) == n:
        p = filters.smooth(np.asarray(pelvic, dtype=float), sigma)
        if float(np.ptp(p)) > 0:
            cols.append(p)
    x = np.column_stack(cols)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    return swing(y - x @ coef)


def swing(x: FloatArray) -> float:
    """Peak to peak, the outer 5 % at either side left out (sensor noise adds to a
    maximum and a minimum; a breath's swing barely changes)."""
    lo, hi = np.percentile(x, (5.0, 95.0))
    return float(hi - lo)
