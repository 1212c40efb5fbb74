"""What is not a contraction: coughs, sneezes, knocks, deep breaths, too-narrow rises.

Pure rules over a candidate rise cut from the detector's history (``Candidate``) and the
repetitions already found. The detector asks them while a rise is being followed; each
returns a plain answer and keeps no state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from perineo.samples import FloatArray
from perineo.signal.config import DetectorConfig
from perineo.signal.events import Repetition
from perineo.signal.shape import ballistic, dwelt_at_top
from perineo.signal.technique import judge


@dataclass(frozen=True)
class Candidate:
    """A rise being followed, up to now (levels in cmH2O above the channels' rest).

    ``r`` is the detection signal from the lead-in (up to 1 s before the trigger, not
    before the current gap-free segment) to now, ``abd`` the abdominal pressure over the
    same samples (``None`` without the channel), ``k_trig`` the trigger's index in them.
    ``rise`` is ``r`` from the lead-in up to the peak, ``since_trigger`` ``r`` from the
    trigger to now (it may reach back before a gap the rise went on across).
    """

    r: FloatArray
    rise: FloatArray
    since_trigger: FloatArray
    k_trig: int
    floor: float
    peak: float
    dt: float
    abd: FloatArray | None = None
    squeeze_rise: float = 0.0  # the squeeze's peak since the trigger
    # the fastest rise a contraction makes, as this probe's sampling shows it (None: the
    # configured ``spike_rise_s``)
    spike_rise_s: float | None = None

    def ballistic_limit(self, cfg: DetectorConfig) -> float:
        return cfg.spike_rise_s if self.spike_rise_s is None else self.spike_rise_s

    @classmethod
    def of(
        cls,
        r: FloatArray,
        k_trig: int,
        k_peak: int,
        floor: float,
        peak: float,
        dt: float,
        abd: FloatArray | None = None,
        squeeze_rise: float = 0.0,
    ) -> Candidate:
        """A candidate cut from one trace ``r`` (lead-in to now), without a gap inside."""
        return cls(r, r[: k_peak + 1], r[k_trig:], k_trig, floor, peak, dt, abd, squeeze_rise)

    @property
    def amp(self) -> float:
        return self.peak - self.floor


def spike(c: Candidate, cfg: DetectorConfig) -> bool:
    """A cough, sneeze or knock: a ballistic rise, or a rise the abdomen carries alone."""
    if ballistic(c.rise, c.floor, c.amp, c.dt, c.ballistic_limit(cfg)) and not dwelt_at_top(
        c.since_trigger, c.floor, c.amp, c.dt, cfg
    ):
        return True
    return c.abd is not None and cough(c, cfg)


def cough(c: Candidate, cfg: DetectorConfig) -> bool:
    """An abdominal impulse, big against the squeeze rise and gone again (under 30 % of its
    top): a cough when it rose ballistically, or when the pelvic floor's reflex twitch
    still holds the squeeze up after it (``reflex_twitch``).

    A push-down rises in the abdomen as slowly as a contraction, and stays.
    """
    found = _abdominal_impulse(c, cfg)
    if found is None:
        return False
    abd, k_top, top = found
    if abd[-1] >= 0.3 * top:
        return False
    rise_s = _abdominal_rise_s(abd, k_top, top, c.dt)
    if rise_s < max(c.ballistic_limit(cfg), cfg.cough_abdominal_rise_s):
        return True
    if k_top <= c.k_trig:
        return False  # the abdominal top came before this rise: not its impulse
    return reflex_twitch(abd[k_top:], c.r[k_top:], top, c.floor, c.amp)


def impulse_pending(c: Candidate, cfg: DetectorConfig) -> bool:
    """An abdominal impulse (a cough or sneeze) is at or just past its top: it rose from a
    tenth of its top within ``cough_abdominal_rise_s``, far beyond a breath and big against
    the squeeze rise, and it has not come down under 30 % of its top yet, for at most
    ``cough_wait_s`` after the top.

    Whether the rise under it is a contraction can be told only once the impulse has
    passed (``cough``): a cough's squeeze falls with it, or the reflex twitch outlasts it.
    A push-down's abdominal pressure rises with the contraction, far slower than this.
    """
    found = _abdominal_impulse(c, cfg)
    if found is None:
        return False
    abd, k_top, top = found
    if len(abd) < 2 or abd[-1] < 0.3 * top:
        return False
    if (len(abd) - 1 - k_top) * c.dt > cfg.cough_wait_s:
        return False
    return _abdominal_rise_s(abd, k_top, top, c.dt) < cfg.cough_abdominal_rise_s


def _abdominal_impulse(c: Candidate, cfg: DetectorConfig) -> tuple[FloatArray, int, float] | None:
    """The abdominal trace, its top's index and the top, when the top is far beyond a
    breath (``cough_abdominal_min``) and at least half the squeeze's rise."""
    abd = c.abd
    if abd is None or not len(abd):
        return None
    k_top = int(np.argmax(abd))
    top = float(abd[k_top])
    if top < max(cfg.cough_abdominal_min, 0.5 * c.squeeze_rise):
        return None
    return abd, k_top, top


def _abdominal_rise_s(abd: FloatArray, k_top: int, top: float, dt: float) -> float:
    """Seconds from the last sample at a tenth of ``top`` or less to the top itself."""
    below = np.flatnonzero(abd[:k_top] <= 0.1 * top)
    start = int(below[-1]) if len(below) else 0
    return (k_top - start) * dt


def reflex_twitch(abd: FloatArray, r: FloatArray, top: float, floor: float, amp: float) -> bool:
    """A slower cough or a sneeze: the abdominal impulse has passed (under 30 % of its
    ``top``) while the squeeze, held up by the pelvic floor's reflex twitch, still stands at
    60 % of its own peak or more. Bracing and straining rise and fall with the squeeze.

    ``abd`` and ``r`` run from the abdominal top to now.
    """
    gone = np.flatnonzero(abd < 0.3 * top)
    if not len(gone):
        return False
    return bool(r[int(gone[0])] - floor >= 0.6 * amp)


def breath_or_knock(
    sq: FloatArray,
    pelvic: FloatArray,
    abd: FloatArray,
    tilt: FloatArray,
    *,
    cfg: DetectorConfig,
    abd_sd: float,
    tilt_sd: float,
) -> bool:
    """Not a contraction, told by the abdominal and tilt channels together (the top just
    reached, all above rest):

    - a rise the abdomen alone carries, with the probe not tilting down: a deep breath,
      not a push-down attempt (docs/design.md: bearing down tilts the probe down);
    - the probe tilting down while the abdominal pressure does not rise: the probe pushed
      or knocked from outside, for bearing down raises the abdominal pressure.
    """
    found = judge(sq, pelvic, abd, tilt, cfg=cfg, abd_sd=abd_sd, tilt_sd=tilt_sd)
    if found.carried and not found.tilt_down:
        return True
    still = (found.abdominal_rise or 0.0) < max(cfg.push_abdominal_min, 3.0 * abd_sd)
    return found.tilt_down and still


def not_a_contraction(c: Candidate, width: float, in_train: bool, cfg: DetectorConfig) -> bool:
    """A rise that has fallen back below half its height was an artifact: a spike (up to
    ``spike_max_width_s`` wide at half height), or too narrow for a voluntary contraction."""
    return (width < cfg.spike_max_width_s and spike(c, cfg)) or too_narrow(c, width, in_train, cfg)


def too_narrow(c: Candidate, width: float, in_train: bool, cfg: DetectorConfig) -> bool:
    """Narrower (``width`` at half height) than the fastest voluntary contraction, unless it
    is only a little narrower and rose as a muscle does (no faster than
    ``voluntary_rise_s``), or is the next of a train of quick contractions."""
    if width >= cfg.min_width_s:
        return False
    if in_train:
        return width < cfg.train_width_s
    if width < cfg.narrow_width_s:
        return True
    return ballistic(c.rise, c.floor, c.amp, c.dt, cfg.voluntary_rise_s)


def next_in_train(
    onset_s: float, amp: float, previous: Sequence[Repetition], cfg: DetectorConfig
) -> bool:
    """The next of a series of quick contractions: the last repetition had no hold to
    speak of and ended at most ``train_gap_s`` before this onset, and one of the quick
    ones of the last ``train_span_s`` was about as big as this (a push-down between
    them is part of the series, though its size is the abdomen's)."""
    quick = []
    for prev in reversed(previous):
        if prev.end_s is None or onset_s - prev.end_s > cfg.train_span_s:
            break
        held = (prev.release_s or 0.0) - (prev.hold_start_s or 0.0)
        if held > cfg.train_hold_max_s:
            break
        quick.append(prev)
    if not quick or onset_s - (quick[0].end_s or 0.0) > cfg.train_gap_s:
        return False
    lo, hi = cfg.train_amp_ratio
    return any(lo * q.peak_cmH2O <= amp <= hi * q.peak_cmH2O for q in quick)


@dataclass(frozen=True)
class Refractory:
    """After a spike was cancelled: its tail and the reflex twitch are no onset."""

    until_i: int  # settling does not re-arm before this grid index
    top: float  # the spike's top: a rise past it by a contraction's worth is an onset
    quiet_run: int = 0  # samples in a row back near rest


def after_spike(
    ref: Refractory,
    i: int,
    r: float,
    level: float,
    thr_lo: float,
    min_amp: float,
    dt: float,
    cfg: DetectorConfig,
) -> tuple[Refractory | None, bool]:
    """One grid sample ``i`` after a spike; return the state (``None``: re-armed) and whether
    ``r`` has risen past the spike's top, which makes this sample an onset candidate.

    Re-arm once the spike has settled (``level``, above the local rest, under ``thr_lo``
    for ``spike_settle_s``, not before ``until_i``), 1.5 s after ``until_i`` at the latest,
    or at once when ``r`` rises past the spike's top by ``min_amp``: a contraction begun on
    the spike's tail (after a deep breath).
    """
    quiet = ref.quiet_run + 1 if level < thr_lo else 0
    settled = quiet * dt >= cfg.spike_settle_s
    risen = r - ref.top > min_amp
    if risen or (settled and i >= ref.until_i) or i > ref.until_i + round(1.5 * cfg.fs):
        return None, risen
    return Refractory(ref.until_i, ref.top, quiet), risen
