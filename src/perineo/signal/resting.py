"""The resting level as the detector follows it between repetitions.

Between ``Stream`` (samples in, detection signals, history) and ``Detector`` (the state
machine): the local rest a next onset is measured from, the incomplete-release verdict on
a finished repetition, and new resting levels. docs/design.md: a rise that does not come back down
within 30 s is a new resting level (a posture shift, the probe slipping, the balloon
settling), and so is a raised level that has stood for 30 s through the repetitions after
an incomplete release: rest is there from then on, and one repetition that did not let go
does not make every later one look as if it did not either.
"""

from __future__ import annotations

import numpy as np

from perineo.samples import Channel
from perineo.signal import filters
from perineo.signal.artifacts import Refractory
from perineo.signal.config import DetectorConfig
from perineo.signal.events import EventKind, TechError
from perineo.signal.release import residual
from perineo.signal.stream import Stream
from perineo.signal.work import RepWork


class Resting(Stream):
    """Local rest, incomplete releases and new resting levels."""

    def __init__(
        self, channels: tuple[Channel, ...] | list[Channel], config: DetectorConfig | None = None
    ) -> None:
        super().__init__(channels, config)
        self._pending: RepWork | None = None  # finished fall, incomplete release undecided
        self._lo = 0.0  # local rest level of r (follows a residual after a release)
        # the last two frames of rest: the median of r over each, or where it is to be taken
        self._rest_frames: list[float | tuple[int, int]] = []
        self._raised_since: float | None = None  # a residual has kept the level up since
        self._raised_level = 0.0  # ... at this level
        self._let_go = False  # the last repetition judged was let go of, back to rest
        self._refractory: Refractory | None = None  # a spike's tail is waited out

    def _outlived(self, i: int, trig_i: int) -> bool:
        """A rise triggered at ``trig_i`` that has not come back down by ``i`` is older than
        a repetition can be (``level_shift_s``)."""
        return (i - trig_i) * self.dt > self.config.level_shift_s

    def _new_level(self, i: int, since_s: float, rep: int, j0: int, j1: int) -> None:
        """Rest is at the level of ``[j0, j1)`` now (it rose at ``since_s``; ``rep``: the
        repetition index an announced onset had): rebase, and re-derive the recent past."""
        h = self.hist
        old = (self.cond.b_sq, self.cond.b_abd, self.cond.b_tilt)
        # measured within this segment; when the new level began before a gap (the rise
        # that follows it came straight after), what the segment holds of it is too little
        # and the level is read from before the gap, which held it too
        in_seg = max(j0, self._seg_start)
        levels = self._rest_levels(in_seg if j1 - in_seg >= 2 else max(j0, h.base), j1)
        # never an unknown rest: a level that cannot be read keeps the one it had
        self.cond.rebase(*(v if np.isfinite(v) else o for v, o in zip(levels, old, strict=True)))
        self._emit(EventKind.LEVEL, since_s, h.at("avail", i), rep, value=self.cond.b_sq - old[0])
        self._derive(max(self._seg_start, i - round(3.0 * self.config.fs)), self.hist.end)
        self._lo = 0.0
        self._rest_frames = []
        self._raised_since = None
        self._after_i = in_seg

    def _moved_rest(self, i: int, rep: RepWork) -> tuple[int, int]:
        """``rep`` has stood 30 s at ``i``: the window ``[j0, j1)`` the new level is read
        from. The last second, unless she is contracting on the new level right now: then
        the level most of the time since (contractions on it are rises above it, and take
        the lesser share of the time)."""
        fs = self.config.fs
        since = self._after_rise(rep)
        last = (i - round(1.0 * fs), i + 1)
        if since >= last[0]:
            return last
        sq = self.hist.get("sq", since, i + 1)
        now = filters.median(sq[last[0] - since :])
        whole = filters.median(sq)
        contracting = now - whole > self._thr_lo()
        return (since, i + 1) if contracting else last

    def _after_rise(self, rep: RepWork) -> int:
        """Where the rise of ``rep``, now taken for a new resting level, was over."""
        return max(self._seg_start, (rep.hold_i or rep.trig_i) + round(1.0 * self.config.fs))

    def _replay(self, j0: int, until: int, now: int) -> None:
        """Look again at ``[j0, until]`` from the new resting level, found at ``now``: the
        contractions she made on it while it was taken for a hold count. Nothing of it was
        known before ``now``, so every event found there is announced then."""
        h = self.hist
        if j0 > until:
            return
        h.set("avail", j0, np.full(until + 1 - j0, h.at("avail", now)))
        self._after_i = j0
        self._derive(j0, until + 1)
        for j in range(j0, until + 1):
            self._step(j)

    def _rest_before_rise(self, i: int, floor: float) -> tuple[int, int]:
        """The second before the foot of the rise seen at ``i`` from ``floor``."""
        i_lo = max(self._seg_start, i - round(2.0 * self.config.fs))
        foot_s = self._foot(i_lo, i, floor)
        foot = i_lo + int(np.searchsorted(self.hist.get("t", i_lo, i + 1), foot_s))
        return foot - round(1.0 * self.config.fs), foot

    def _decide_residual(self, i: int, final: bool) -> None:
        """Incomplete release: does the level stay clearly above rest after the fall?"""
        cfg = self.config
        rep = self._pending
        if rep is None or rep.end_s is None or rep.end_i is None:
            return
        self._pending = None
        h = self.hist
        i0 = rep.end_i + round(cfg.residual_delay_s * cfg.fs)
        hold_amp = rep.hold_level or rep.hold_ref
        found = residual(h.get("a", i0, i + 1), hold_amp, self.cond.noise_sd, cfg)
        if found is not None:
            rep.residual = found.level
            incomplete = found.incomplete
            since = self._raised_since
            before = self._level_before(rep)
            # the same raised level before and after this repetition as after the first
            # that did not let go: the level has stood, steady, through repetitions
            steady = max(abs(found.level - before), abs(found.level - self._raised_level))
            if incomplete and steady > found.limit:
                since = None
            moved = self._let_go and abs(found.level - before) <= found.limit < before
            if incomplete and since is None and moved:
                # she let go of the last repetition, and the level this one left was there
                # before she began: rest moved while nothing was contracting (a posture
                # step at rest, repetitions following before it could be learned)
                self._new_level(i, rep.onset_s, -1, i0, i + 1)
                incomplete = False
            if incomplete and since is not None and h.at("t", i) - since >= cfg.residual_level_s:
                # a minute on one plateau: that is where rest is now, and this repetition
                # is judged against the level it started from
                self._new_level(i, since, -1, i0, i + 1)
                incomplete = found.level - before > found.limit
            if incomplete:
                self._add_error(rep, TechError.INCOMPLETE_RELEASE, h.at("avail", i))
                self.cond.hold_off(found.level)
                if since is None:
                    self._raised_since = rep.release_s or rep.end_s
                    self._raised_level = found.level
            else:
                self._raised_since = None
            self._let_go = not incomplete
        else:
            self._let_go = False
        self.cond.thaw(h.at("t", i))
        self._finish_rep(rep, i)

    def _level_before(self, rep: RepWork) -> float:
        """The pelvic-floor level in the second before ``rep``'s onset (above rest)."""
        fs = self.config.fs
        lead = round(max(0.0, self.hist.at("t", rep.trig_i) - rep.onset_s) * fs)
        i_on = rep.trig_i - lead
        before = self.hist.get("a", i_on - round(1.0 * fs), i_on)
        return filters.median(before) if len(before) else 0.0

    def _follow_local_rest(self, f0: int, f1: int) -> None:
        """A frame of rest: the local rest follows a lingering residual down to the higher
        of its last two frames' medians (not while a spike's tail is waited out: what
        rises then is no resting level). The medians are taken when there is a residual
        to follow, or rest is left (``_measure_rest``): ``r`` there is not derived again
        before (a new resting level forgets these frames)."""
        self._rest_frames = [*self._rest_frames[-1:], (f0, f1)]
        if self._pending is None and self._refractory is None:
            self._lo = max(0.0, min(self._measure_rest())) if self._lo > 0 else 0.0

    def _measure_rest(self) -> list[float]:
        """The medians of the last frames of rest, taken now where they were not yet (and
        kept: their samples may leave the history before they are needed)."""
        meds = [
            f if isinstance(f, float) else filters.median(self.hist.get("r", *f))
            for f in self._rest_frames
        ]
        self._rest_frames = list(meds)
        return meds
