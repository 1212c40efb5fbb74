"""The causal, streaming contraction detector: the thin state machine REST → RISING → HOLD →
FALLING → REST over pure rules (``artifacts``, ``lifts``, ``release``, ``technique``,
``timing``) and conditioning. ``Detector.push(block)`` takes samples in blocks of any size
and returns the events that became certain, whatever the split into blocks.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from perineo.signal.artifacts import (
    Refractory,
    after_spike,
    impulse_pending,
    next_in_train,
    not_a_contraction,
    spike,
)
from perineo.signal.events import Event, EventKind, TechError
from perineo.signal.lifts import Lift, LiftTrack, stands_out
from perineo.signal.quiet import Quiet
from perineo.signal.release import (
    fall_ended,
    place_fall_end,
    place_release,
    released,
)
from perineo.signal.technique import judged_span, nothing_to_find, unverifiable_errors
from perineo.signal.timing import place_rise, stood_out
from perineo.signal.work import Phase, RepWork

__all__ = ["Detector", "Phase", "unverifiable_errors"]

_SETTLE_AFTER_S = 1.0  # the end of a fall still settles this long: learn nothing from it


class Detector(Quiet):
    """Streaming detector of onsets, holds, quick lifts, releases and technique errors."""

    def finish(self) -> list[Event]:
        """End of stream: settle what can be settled."""
        self._events = []
        self._release_held()
        last = self.hist.end - 1
        if self._pending is not None:
            self._decide_residual(last, final=True)
        if self._rep is not None:
            self._close_open_rep(last)
        return self._events

    def _step(self, i: int) -> None:
        h = self.hist
        r = h.at("r", i)
        if self.phase is Phase.REST:
            if self._pending is not None and h.at("t", i) - (self._pending.end_s or 0.0) >= (
                self.config.residual_decide_s
            ):
                self._decide_residual(i, final=False)
            level = r - self._lo
            if self._refractory is not None:
                thr_lo, min_amp = self._thr_lo(), self._min_amp()
                self._refractory, risen = after_spike(
                    self._refractory, i, r, level, thr_lo, min_amp, self.dt, self.config
                )
                if not risen:
                    if self._refractory is None:
                        # what rises next (the next cough of a bout) is judged on its own
                        # rise, not with the spikes before it
                        self._after_i = i
                    return
            slope = self._slope(i)
            ok = (level > self._thr_lo() and slope > self._thr_slope()) or level > self._thr_hi()
            self._run = self._run + 1 if ok else 0
            if self._run >= self.config.onset_run:
                self._run = 0
                self._start_rep(i)
            return
        rep = self._rep
        assert rep is not None
        if self.phase is not Phase.FALLING and self._outlived(i, rep.trig_i):
            # it did not come back down: the resting level moved (a posture shift, the probe
            # slipping, the balloon settling); it was no repetition, what she did on it was
            self._level_shift(i, rep, *self._moved_rest(i, rep), until=i)
            return
        if self.phase is Phase.RISING:
            self._rising(i, r, rep)
        elif self.phase is Phase.HOLD:
            self._holding(i, r, rep)
        else:
            self._falling(i, r, rep)

    def _start_rep(self, i: int) -> None:
        h = self.hist
        if self._pending is not None:
            self._decide_residual(i, final=True)
        floor = self._lo
        i_lo = max(self._seg_start, self._after_i, i - round(2.0 * self.config.fs))
        onset = self._foot(i_lo, i, floor)
        rep = RepWork(
            index=len(self.repetitions),
            trig_i=i,
            onset_s=onset,
            detected_s=h.at("avail", i),
            floor=floor,
            rest_cmH2O=self.cond.b_sq,
            peak=h.at("r", i),
            peak_i=i,
        )
        self._rep = rep
        self.phase = Phase.RISING
        self._emit(EventKind.ONSET, onset, rep.detected_s, rep.index)

    def _rising(self, i: int, r: float, rep: RepWork) -> None:
        cfg = self.config
        slope = self._slope(i)
        if r > rep.peak:
            rep.peak, rep.peak_i = r, i
        rep.max_slope = max(rep.max_slope, slope)
        amp = rep.peak - rep.floor
        big = self._size(rep) >= self._min_amp()
        if not self.cond.frozen and big:
            # a real rise: the resting level stops learning (a noise candidate does not)
            self.cond.freeze()
        half = rep.floor + 0.5 * amp
        width = self._width_above(half, rep.trig_i, i)
        if r < half:
            rep.run_below += 1
        else:
            rep.run_below = 0
        if rep.run_below >= 2:
            if not big:
                self._cancel(i, rep, artifact=False)
                return
            cand = self._candidate(i, rep.trig_i, rep.peak_i, rep.floor, rep.peak)
            if impulse_pending(cand, cfg):
                return  # a cough's abdominal impulse is still up: judged once it has passed
            in_train = next_in_train(rep.onset_s, amp, self.repetitions, cfg)
            if not_a_contraction(cand, width, in_train, cfg):
                self._cancel(i, rep, artifact=True)
                return
            # a contraction without a hold (light or fast): it is already falling
            self._confirm_hold(i, rep)
            if self._rep is rep:
                self._start_release(i, rep)
            return
        if (
            big
            and width >= cfg.min_width_s
            and slope < cfg.plateau_fraction * rep.max_slope
            and self._not_a_spike(i, rep, width)
        ):
            self._confirm_hold(i, rep)
        elif (i - rep.trig_i) * self.dt > 4.0 and not big:
            self._cancel(i, rep, artifact=False)

    def _size(self, rep: RepWork) -> float:
        """How strong the rise is: its top above its own floor or, while the pelvic floor
        has not let go since an earlier repetition (the resting level held off), above
        rest, when it rose at least as far as the residual it began on. A weak
        contraction made on a residual is as strong as its top above rest, though its own
        rise is smaller (5 cmH2O on a residual of 2); a wobble on a strong floor's
        residual of 20 is not. Only where breathing is taken off: on a squeeze-only
        balloon a breath dips a weak hold like a release, and the rest of that hold is no
        new contraction."""
        amp = rep.peak - rep.floor
        if self.cond.holdoff and self.has_abd and amp >= rep.floor:
            return rep.peak  # (``r`` is the level above rest; the floor, the residual)
        return amp

    def _not_a_spike(self, i: int, rep: RepWork, width: float) -> bool:
        """The rise levelling off now is no cough, sneeze or knock, and no abdominal
        impulse is passing over it (then the hold waits until it has)."""
        if width >= self.config.spike_max_width_s:
            return True
        cand = self._candidate(i, rep.trig_i, rep.peak_i, rep.floor, rep.peak)
        return not spike(cand, self.config) and not impulse_pending(cand, self.config)

    def _level_shift(self, i: int, rep: RepWork, j0: int, j1: int, until: int) -> None:
        """Withdraw the rise ``rep``: it is a new resting level, measured over ``[j0, j1)``;
        what she did on it up to ``until`` is looked at again from that level."""
        self._emit(EventKind.ONSET_CANCELLED, rep.onset_s, self.hist.at("avail", i), rep.index)
        self._new_level(i, rep.onset_s, rep.index, j0, j1)
        self._rep = None
        self.phase = Phase.REST
        self._run = 0
        self._replay(self._after_rise(rep), until, i)

    def _confirm_hold(self, i: int, rep: RepWork) -> None:
        if self._breath_or_knock(i, rep.trig_i):
            self._cancel(i, rep, artifact=True)
            return
        h = self.hist
        i0 = max(self._seg_start, self._after_i, rep.trig_i - round(2.0 * self.config.fs))
        t, lev, sl = self._smoothed(i0, i + 1)
        onset, rep.hold_start_s = place_rise(
            t, lev, sl, rep.peak_i - i0, rep.floor, rep.peak, self._rest_sd()
        )
        # a rise that began before a gap keeps the foot seen then: after the gap only its top
        rep.onset_s = onset if rep.trig_i >= self._seg_start else rep.onset_s
        if rep.onset_s > rep.detected_s:
            # the first announcement was a lead-in before this rise: the rise itself was
            # seen once it stood out from the floor, and no earlier
            j = stood_out(t, lev, rep.onset_s, rep.floor, self._thr_lo())
            rep.detected_s = max(rep.detected_s, h.at("avail", i0 + j))
        rep.hold_i = i
        rep.hold_ref = rep.peak
        rep.lift_min = self._lift_threshold(rep.hold_ref - rep.floor)
        rep.lift = replace(rep.lift, trough=h.at("q", i), trough_i=i)
        self.phase = Phase.HOLD
        self._emit(EventKind.HOLD_START, rep.hold_start_s, h.at("avail", i), rep.index)
        self._judge_technique(i, rep, final=False)

    def _holding(self, i: int, r: float, rep: RepWork) -> None:
        cfg = self.config
        if r > rep.peak:
            rep.peak, rep.peak_i = r, i
        held, rise = rep.hold_ref - rep.floor, r - rep.hold_ref
        if rise > held:  # taller on top than the hold itself: no quick lift is
            early = rep.hold_i is not None and (i - rep.hold_i) * self.dt < cfg.rerise_window_s
            min_amp = self._min_amp()
            if early and not rep.lifts and rise > held + min_amp:
                # what looked like the hold was a slow lead-in: the real rise is only now
                rep.max_slope = self._slope(i)
                rep.run_below = 0
                self.phase = Phase.RISING
                return
            if not early and rise > min_amp and self._slope(i) > self._thr_slope():
                # long after it began: that level was a new resting level (a posture
                # shift, the probe slipping), and a contraction starts on it now
                j0, j1 = self._rest_before_rise(i, rep.hold_ref)
                self._level_shift(i, rep, j0, j1, until=j1 - 1)
                if self.phase is Phase.REST:
                    self._start_rep(i)
                return
        # quick lifts: a brief extra rise on top of the hold that falls back
        rep.lift, lift = self._follow_lift(
            i, rep.lift, rep.hold_i, rep.hold_start_s or 0.0, rep.lift_min
        )
        if lift is not None and rep.hold_i is not None:
            # measured on the hold before the first lift: the lifts themselves are no tremor
            until = rep.tremor_until_i if rep.tremor_until_i is not None else lift.trough_i
            if stands_out(lift.height, held, self._hold_tremor(rep.hold_i, until, held), cfg):
                rep.tremor_until_i = until
                self._confirm_lift(i, rep, lift)
        if released(r, rep.floor, rep.hold_ref, cfg):
            rep.run_below += 1
            if rep.run_below >= 2:
                self._start_release(i, rep)
        else:
            rep.run_below = 0

    def _confirm_lift(self, i: int, rep: RepWork, lift: Lift) -> None:
        peak_t, foot = self._time_lift(i, lift, with_foot=not rep.lifts)
        now = self.hist.at("avail", i)
        if foot is not None:
            # the first lift ends the hold where it leaves it
            rep.hold_end_s = max(foot, rep.hold_start_s or foot)
            self._emit(EventKind.HOLD_END, rep.hold_end_s, now, rep.index)
            self._record_hold(rep, rep.hold_end_s, i)
        rep.lifts.append((peak_t, lift.height))
        self._emit(EventKind.QUICK_LIFT, peak_t, now, rep.index, value=lift.height)
        rep.last_lift_i = i

    def _start_release(self, i: int, rep: RepWork) -> None:
        h, fs = self.hist, self.config.fs
        i0 = max(self._seg_start, (rep.hold_i or rep.trig_i) - round(0.5 * fs))
        t, lev, sl = self._smoothed(i0, i + 1)
        k_lift = None if rep.last_lift_i is None else rep.last_lift_i - i0
        rel = place_release(t, lev, sl, i - i0, k_lift, rep.floor, rep.hold_start_s, fs)
        rep.release_s = rel
        if rep.hold_end_s is None:
            rep.hold_end_s = rel
            self._emit(EventKind.HOLD_END, rel, h.at("avail", i), rep.index)
            self._record_hold(rep, rel, i)
        rep.release_trig_i = i
        rep.min_slope = 0.0
        rep.run_below = 0
        self.phase = Phase.FALLING
        self._judge_technique(i, rep, final=True)
        self._emit(EventKind.RELEASE, rel, h.at("avail", i), rep.index)

    def _falling(self, i: int, r: float, rep: RepWork) -> None:
        slope = self._slope(i)
        rep.min_slope = min(rep.min_slope, slope)
        assert rep.release_trig_i is not None
        n = i - rep.release_trig_i
        if fall_ended(slope, rep.min_slope, n, self._thr_slope(), self.config):
            self._end_fall(i, rep)

    def _end_fall(self, i: int, rep: RepWork) -> None:
        h = self.hist
        assert rep.release_trig_i is not None
        i0 = max(self._seg_start, rep.release_trig_i - round(1.5 * self.config.fs))
        t, lev, sl = self._smoothed(i0, i + 1)
        rep.end_s, bottom = place_fall_end(t, lev, sl, rep.peak_i - i0, rep.hold_ref, rep.release_s)
        rep.end_i = i
        self._after_i = i0 + int(np.searchsorted(t, rep.end_s))
        self.phase = Phase.REST
        self._lo = max(0.0, bottom)
        self._emit(EventKind.REST, rep.end_s, h.at("avail", i), rep.index)
        self._pending = rep
        self._rep = None

    def _cancel(self, i: int, rep: RepWork, artifact: bool) -> None:
        h = self.hist
        self._emit(EventKind.ONSET_CANCELLED, rep.onset_s, h.at("avail", i), rep.index)
        self._after_i = i  # the next onset's foot is not looked for inside this one
        if artifact:
            self._emit(EventKind.ARTIFACT, h.at("t", rep.peak_i), h.at("avail", i))
            until = rep.peak_i + round(self.config.spike_refractory_s * self.config.fs)
            self._refractory = Refractory(until, h.at("r", rep.peak_i))
        self._rep = None
        self.phase = Phase.REST
        self.cond.thaw(h.at("t", i))

    def _close_open_rep(self, i: int) -> None:
        rep = self._rep
        if rep is None:
            return
        if self.phase is Phase.RISING:
            amp = rep.peak - rep.floor
            width = self._width_above(rep.floor + 0.5 * amp, rep.trig_i, i)
            if self._size(rep) < self._min_amp() or width < self.config.min_width_s:
                self._cancel(i, rep, artifact=False)
                return
        self._end_unfinished(i, rep)

    def _end_unfinished(self, i: int, rep: RepWork) -> None:
        """Settle a repetition whose fall was not seen (stream end, or ended in a gap)."""
        self._judge_technique(i, rep, final=True)
        self._rep = None
        self.phase = Phase.REST
        self._finish_rep(rep, i)
        self.cond.thaw(self.hist.at("t", i))

    # ------------------------------------------------------------------ errors
    def _judge_technique(self, i: int, rep: RepWork, final: bool) -> None:
        j0, i1 = judged_span(rep.trig_i, rep.hold_i, rep.release_trig_i, i, final)
        push_down = False
        if not final and self._nothing_new(j0, i1, rep.errors):
            # (what the abdomen and tilt did is recorded by the final judgement)
            a = self.hist.get("a", j0, i1 + 1)
            rep.pelvic_peak = max(rep.pelvic_peak, float(a.max()) if len(a) else 0.0)
        else:
            # part of a hold, or one shorter than a breath: its abdominal median is the
            # breath's phase as much as bracing, so the abdomen must also have risen with
            # the contraction
            whole = final and (i1 - j0) * self.dt >= self.config.bracing_short_s
            from_i = None if whole else rep.trig_i - round(0.5 / self.dt)
            found, pelvic_peak = self._findings(j0, i1, from_i)
            rep.pelvic_peak = max(rep.pelvic_peak, pelvic_peak)
            rep.abd_rise, rep.tilt_change = found.abdominal_rise, found.tilt_change
            long_enough = (i1 - j0) * self.dt >= self.config.bracing_early_s
            if found.bracing and (final or long_enough):
                self._add_error(rep, TechError.ABDOMINAL_BRACING, self.hist.at("avail", i))
            push_down = found.push_down
        if self.has_abd and rep.hold_i is not None and self.phase is Phase.HOLD and not final:
            self._check_breath(i, rep)
        if push_down:
            self._add_error(rep, TechError.PUSH_DOWN, self.hist.at("avail", i))

    def _nothing_new(self, j0: int, i1: int, errors: list[TechError]) -> bool:
        """Push-down and bracing over ``[j0, i1]``, those not in ``errors`` yet, are
        certainly not found (``judge`` would find neither)."""
        push, bracing = TechError.PUSH_DOWN not in errors, TechError.ABDOMINAL_BRACING not in errors
        if not (push or bracing):
            return True
        c = self.cond
        return nothing_to_find(
            *self._judged(j0, i1),
            cfg=self.config,
            abd_sd=c.abd_sd,
            tilt_sd=c.tilt_sd,
            push=push,
            bracing=bracing,
        )

    def _check_breath(self, i: int, rep: RepWork) -> None:
        """Once a frame of a hold: the last stretch as long as a breath hold must be shows
        no breath. Two such stretches in a row (about 6 s of the hold) make a breath hold: one
        stretch that fits between two slow breaths does not, unless nothing at all moved."""
        if TechError.BREATH_HOLD in rep.errors:
            return
        cfg = self.config
        still = self._breath_stillness(rep.trig_i, i)
        rep.breath_still = rep.breath_still + 1 if still < cfg.breath_ratio else 0
        if rep.breath_still >= cfg.breath_still_frames or still < cfg.breath_gone_ratio:
            self._add_error(rep, TechError.BREATH_HOLD, self.hist.at("avail", i))

    # ------------------------------------------------------------------ frames
    def _frame_update(self, f0: int, f1: int) -> None:
        h = self.hist
        if self.phase is Phase.REST:
            self._follow_local_rest(f0, f1)
        else:
            self._measure_rest()  # (rest was left: the medians of its last frames now)
        if self.phase is Phase.HOLD and self._rep is not None:
            rep = self._rep
            recent = self._recent_hold(rep.hold_i or f0, f1)
            if recent is not None:
                # fatigue lowers the hold slowly; a faster fall is a release, not a new level
                rep.hold_ref = max(recent, rep.floor + 0.85 * (rep.hold_ref - rep.floor))
            rep.lift_min = self._lift_threshold(rep.hold_ref - rep.floor)
            self._judge_technique(f1 - 1, rep, final=False)
        rest = self.phase is Phase.REST
        pend = self._pending
        # a candidate still smaller than a repetition (noise, a breath) is rest to learn from
        small = self.phase is Phase.RISING and not self.cond.frozen
        learn = (
            (rest or small)
            and self._run == 0
            and self._refractory is None
            and (pend is None or h.at("t", f1 - 1) - (pend.end_s or 0.0) >= _SETTLE_AFTER_S)
        )
        self.cond.frame_update(h, f0, f1, settled=learn and pend is None, learn=learn, in_rest=rest)

    def _segment_started(self, i: int) -> None:
        self._run = 0
        rep = self._rep
        if rep is None:
            return
        # after a gap: still contracting, or did the repetition end inside the gap?
        # what was being followed across the gap starts afresh after it
        rep.lift = LiftTrack(np.inf, i)
        rep.run_below = 0
        sq = self.hist.at("sq", i) - self.cond.b_sq
        if sq < rep.floor + 0.5 * (rep.hold_ref - rep.floor):
            self._end_unfinished(i, rep)
            # what is left of its fall after the gap is no new onset: wait until it settles
            self._refractory = Refractory(i, np.inf)
