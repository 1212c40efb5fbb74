"""What the virtual person does: repetitions and artefacts as data, rendered over any times.

A :class:`RepSpec` fixes one repetition completely (timing, shapes, strength, errors), so its
ground truth is exact and it renders identically over a whole session or chunk by chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from perineo.samples import FloatArray
from perineo_sim.shapes import Shape, ShapeKind, bump, spike

ERRORS = ("push_down", "abdominal_bracing", "breath_hold", "incomplete_release")
BREATH_RAMP_S = 0.4  # how quickly breathing stops and restarts
COSINE = Shape(ShapeKind.COSINE)
RESIDUAL_DEFAULT_S = 6.0  # with no next onset, an incomplete release lets go after this


class RepKind(StrEnum):
    LIGHT = "light"
    BASIC = "basic"
    INTENSIVE = "intensive"
    ENDURANCE = "endurance"
    FAST = "fast"


class ArtifactKind(StrEnum):
    COUGH = "cough"
    SNEEZE = "sneeze"
    MOVEMENT = "movement"


@dataclass(frozen=True)
class QuickLift:
    """A brief extra lift on top of the hold; ``gap_before_s`` of hold precedes it."""

    gap_before_s: float
    duration_s: float
    height_cmH2O: float
    peak_frac: float = 0.45  # where in its duration the peak falls
    # muscle dynamics (0: the symmetric bump): the drive burst until the peak is followed by
    # first-order activation (time constant tau_up_s) and, after it, deactivation (tau_down_s)
    tau_up_s: float = 0.0
    tau_down_s: float = 0.0

    def shape(self, u: FloatArray) -> FloatArray:
        """0 at the foot, exactly 1 at the peak, 0 at the end (u in [0, 1])."""
        if self.tau_up_s <= 0.0 or self.tau_down_s <= 0.0:
            return bump(u, self.peak_frac)
        u = np.clip(u, 0.0, 1.0)
        rise_s = self.peak_frac * self.duration_s
        fall_s = self.duration_s - rise_s
        x = np.minimum(u * self.duration_s, rise_s)
        up = -np.expm1(-x / self.tau_up_s) / -np.expm1(-rise_s / self.tau_up_s)
        y = np.clip(u * self.duration_s - rise_s, 0.0, fall_s)
        tail = np.exp(-fall_s / self.tau_down_s)
        down = (np.exp(-y / self.tau_down_s) - tail) / (1.0 - tail)
        return np.where(u <= self.peak_frac, up, down)


@dataclass(frozen=True)
class RepSpec:
    """One repetition, fully determined. ``strength_cmH2O`` is the pelvic-floor rise, or for a
    push-down the intra-abdominal rise that carries the squeeze."""

    kind: RepKind
    onset_s: float
    rise_s: float
    hold_s: float
    fall_s: float
    strength_cmH2O: float
    rise_shape: Shape = COSINE
    fall_shape: Shape = COSINE
    lifts: tuple[QuickLift, ...] = ()
    post_lift_s: float = 0.0
    fatigue: float = 0.0  # fraction of the level lost over the hold
    fatigue_power: float = 1.0
    overshoot: float = 0.0  # fraction above the hold level at the end of the rise
    overshoot_tau_s: float = 0.5
    iap_ratio: float = 0.0  # abdominal rise / pelvic-floor rise (draw-in ~0.1, bracing >= 0.5)
    push_pf_frac: float = 0.0  # pelvic-floor part of a push-down, as a fraction of its iap
    push_tilt_deg: float = 0.0  # how far a push-down tilts the probe down
    residual_frac: float = 0.0  # incomplete release: level kept after the fall
    residual_until_s: float | None = None  # the next onset (None: let go after a while)
    residual_fade_s: float = 1.0
    breath_level: float = 0.5  # where a held breath stops, as a fraction of a breath
    breath_keep: float = 1.0  # breathing depth kept during the contraction (0: held)
    wobble_frac: float = 0.0
    wobble_hz: float = 0.5
    wobble_phase: float = 0.0
    errors: tuple[str, ...] = ()

    @property
    def push_down(self) -> bool:
        return "push_down" in self.errors

    @property
    def hold_start_s(self) -> float:
        return self.onset_s + self.rise_s

    @property
    def hold_end_s(self) -> float:
        return self.hold_start_s + self.hold_s

    def lift_windows(self) -> list[tuple[float, float, float]]:
        """(foot, peak, end) of each quick lift."""
        out: list[tuple[float, float, float]] = []
        t = self.hold_end_s
        for i, lift in enumerate(self.lifts):
            start = t + (lift.gap_before_s if i else 0.0)
            out.append((start, start + lift.peak_frac * lift.duration_s, start + lift.duration_s))
            t = start + lift.duration_s
        return out

    @property
    def quick_lifts_s(self) -> tuple[float, ...]:
        return tuple(p for _, p, _ in self.lift_windows())

    @property
    def release_s(self) -> float:
        wins = self.lift_windows()
        return (wins[-1][2] + self.post_lift_s) if wins else self.hold_end_s

    @property
    def end_s(self) -> float:
        return self.release_s + self.fall_s

    @property
    def breath_stop_s(self) -> float:
        return self.onset_s - 0.3

    @property
    def breath_resume_s(self) -> float:
        return self.release_s + 0.3

    def residual_end_s(self) -> float:
        """When the residual of an incomplete release has faded (the end if there is none)."""
        if self.residual_frac <= 0.0:
            return self.end_s
        until = self.residual_until_s
        if until is None:
            until = self.end_s + RESIDUAL_DEFAULT_S
        return max(until, self.end_s) + self.residual_fade_s

    @property
    def render_end_s(self) -> float:
        end = self.residual_end_s()
        if self.breath_keep < 1.0:
            end = max(end, self.breath_resume_s + BREATH_RAMP_S)
        return end

    @property
    def render_start_s(self) -> float:
        return self.breath_stop_s if self.breath_keep < 1.0 else self.onset_s

    def envelope(self, t: FloatArray) -> FloatArray:
        """The main contraction at unit level (no quick lifts, falls to 0)."""
        hs, rel, end = self.hold_start_s, self.release_s, self.end_s
        top = 1.0 + self.overshoot
        env = np.zeros_like(t)
        rising = (t >= self.onset_s) & (t < hs)
        env[rising] = top * self.rise_shape((t[rising] - self.onset_s) / self.rise_s)
        holding = (t >= hs) & (t < rel)
        env[holding] = self._level(t[holding])
        falling = (t >= rel) & (t < end)
        rel_level = float(self._level(np.array([rel]))[0])
        env[falling] = rel_level * (1.0 - self.fall_shape((t[falling] - rel) / self.fall_s))
        return env

    def _level(self, t: FloatArray) -> FloatArray:
        hs, rel = self.hold_start_s, self.release_s
        span = max(rel - hs, 1e-9)
        over = self.overshoot * np.exp(-(t - hs) / self.overshoot_tau_s)
        tired = self.fatigue * np.clip((t - hs) / span, 0.0, 1.0) ** self.fatigue_power
        return 1.0 + over - tired

    def residual(self, t: FloatArray) -> FloatArray:
        """The level kept after an incomplete release, at unit strength."""
        if self.residual_frac <= 0.0:
            return np.zeros_like(t)
        rel, end = self.release_s, self.end_s
        fade_at = self.residual_end_s() - self.residual_fade_s
        out = np.zeros_like(t)
        falling = (t >= rel) & (t < end)
        out[falling] = self.fall_shape((t[falling] - rel) / self.fall_s)
        out[(t >= end) & (t < fade_at)] = 1.0
        fading = t >= fade_at
        out[fading] = 1.0 - self.rise_shape((t[fading] - fade_at) / self.residual_fade_s)
        return self.residual_frac * out

    def lifts_part(self, t: FloatArray) -> FloatArray:
        out = np.zeros_like(t)
        for (start, _, stop), lift in zip(self.lift_windows(), self.lifts, strict=True):
            inside = (t >= start) & (t < stop)
            u = (t[inside] - start) / lift.duration_s
            out[inside] += lift.height_cmH2O * lift.shape(u)
        return out

    def render(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(pelvic floor cmH2O, intra-abdominal cmH2O, push-down tilt deg) at times ``t``."""
        env = self.envelope(t)
        a = self.strength_cmH2O
        if self.push_down:
            return a * self.push_pf_frac * env, a * env, -self.push_tilt_deg * env
        wobble = self.wobble_frac * np.sin(2 * np.pi * self.wobble_hz * t + self.wobble_phase)
        pf = a * (env * (1.0 + wobble) + self.residual(t)) + self.lifts_part(t)
        return pf, a * self.iap_ratio * env, np.zeros_like(t)

    def breath_gate(self, t: FloatArray) -> FloatArray:
        """1 where the person breathes freely, ``breath_keep`` during the contraction."""
        if self.breath_keep >= 1.0:
            return np.ones_like(t)
        stop = np.clip((t - self.breath_stop_s) / BREATH_RAMP_S, 0.0, 1.0)
        go = np.clip((t - self.breath_resume_s) / BREATH_RAMP_S, 0.0, 1.0)
        shut = (0.5 - 0.5 * np.cos(np.pi * stop)) - (0.5 - 0.5 * np.cos(np.pi * go))
        return 1.0 - (1.0 - self.breath_keep) * shut


@dataclass(frozen=True)
class ArtifactSpec:
    """A cough, sneeze or movement: not a repetition, listed as an artefact in the truth."""

    kind: ArtifactKind
    t_s: float
    duration_s: float
    iap_cmH2O: float = 0.0  # abdominal pressure spike (coughs, sneezes)
    twitch_cmH2O: float = 0.0  # reflex pelvic-floor twitch
    twitch_s: float = 0.4
    squeeze_cmH2O: float = 0.0  # probe displacement seen directly by the balloon
    tilt_deg: float = 0.0  # probe swing
    tilt_step_deg: float = 0.0  # lasting change of the probe's angle after a movement

    @property
    def end_s(self) -> float:
        return self.t_s + max(self.duration_s, self.twitch_s)

    @property
    def lasting(self) -> bool:
        """Whether it leaves a lasting change (rendered until the end of the session)."""
        return bool(self.tilt_step_deg)

    def render(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """(pelvic floor, intra-abdominal, direct squeeze, tilt) at times ``t``."""
        u = (t - self.t_s) / self.duration_s
        inside = (u >= 0) & (u < 1)
        pulse = np.where(inside, spike(u), 0.0)
        twitch = np.zeros_like(t)
        if self.twitch_s > 0:
            tu = (t - self.t_s) / self.twitch_s
            twitch = np.where((tu >= 0) & (tu < 1), bump(tu, 0.35), 0.0)
        swing = np.where(inside, bump(u, 0.3), 0.0)
        step = self.tilt_step_deg * np.clip(u, 0.0, 1.0)
        return (
            self.twitch_cmH2O * twitch,
            self.iap_cmH2O * pulse,
            self.squeeze_cmH2O * swing,
            self.tilt_deg * swing + step,
        )
