"""Physiology and measurement beyond the basic person (issue 12), every part of it opt-in.

Muscle dynamics and force tremor, slow recruitment, coughs in bouts with the pelvic floor's
reflex twitch before each, talking, posture shifts and probe slips (lasting steps of the
resting level). Sources and numbers: docs/simulator-physiology.md.

Everything here is drawn from its own random stream (``session.simulate``'s fourth), so a
scenario that uses none of it renders bit for bit as before, and one that does keeps the
same repetitions wherever the new physiology does not change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from perineo.samples import FloatArray
from perineo_sim.actions import RESIDUAL_DEFAULT_S, ArtifactSpec, RepKind, RepSpec
from perineo_sim.scenario import Range
from perineo_sim.shapes import Shape, ShapeKind, bump, decay
from perineo_sim.stretches import Stretches

TREMOR_BAND_HZ = (0.1, 2.0)
TREMOR_COMPONENTS = 6
STEP_MARGIN_S = 3.0  # level steps stay this far from repetitions (and their residuals)
EVENT_MARGIN_S = 1.0  # coughs and talking, like the older artefacts
TALK_MARGIN_S = 1.5
RECRUITMENT_RISE_S = (1.5, 2.5)


def _u(rng: np.random.Generator, r: Range) -> float:
    return float(rng.uniform(r[0], r[1])) if r[1] > r[0] else float(r[0])


@dataclass(frozen=True)
class Tremor:
    """Low-frequency force fluctuation of a sustained contraction, relative to the force.

    A sum of sinusoids in 0.1–2 Hz (random per person), scaled so its RMS is ``frac``: the
    force steadiness of a sustained isometric contraction (coefficient of variation 1–3 %).
    A continuous function of time, so any chunking renders the same values.
    """

    frac: float
    freqs_hz: tuple[float, ...]
    amps: tuple[float, ...]
    phases: tuple[float, ...]

    def __call__(self, t: FloatArray) -> FloatArray:
        out = np.zeros_like(t)
        for f, a, ph in zip(self.freqs_hz, self.amps, self.phases, strict=True):
            out += a * np.sin(2 * np.pi * f * t + ph)
        return out

    @staticmethod
    def draw(rng: np.random.Generator, frac: float) -> Tremor:
        lo, hi = np.log(TREMOR_BAND_HZ[0]), np.log(TREMOR_BAND_HZ[1])
        freqs = np.exp(rng.uniform(lo, hi, TREMOR_COMPONENTS))
        amps = rng.uniform(0.4, 1.0, TREMOR_COMPONENTS)
        amps *= frac / np.sqrt(np.sum(amps**2) / 2.0)  # RMS of the sum = frac
        phases = rng.uniform(0, 2 * np.pi, TREMOR_COMPONENTS)
        return Tremor(float(frac), tuple(map(float, freqs)), tuple(map(float, amps)),
                      tuple(map(float, phases)))  # fmt: skip


@dataclass(frozen=True)
class Cough:
    """One cough: the pelvic floor's reflex twitch starts ``lead_s`` before the abdominal
    pressure rises (over ``rise_s``) and decays back (over ``decay_s``).

    ``t_s`` is the start of the twitch, the first thing the probe sees.
    """

    t_s: float
    lead_s: float
    rise_s: float
    decay_s: float
    iap_cmH2O: float
    twitch_cmH2O: float
    twitch_s: float
    kind: str = "cough"
    lasting = False
    tilt_step_deg = 0.0

    @property
    def abdominal_s(self) -> float:
        """When the abdominal pressure starts to rise."""
        return self.t_s + self.lead_s

    @property
    def end_s(self) -> float:
        return max(self.abdominal_s + self.rise_s + self.decay_s, self.t_s + self.twitch_s)

    def render(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        a0 = self.abdominal_s
        x = t - a0
        up = 0.5 - 0.5 * np.cos(np.pi * np.clip(x / self.rise_s, 0.0, 1.0))
        down = decay(np.clip((x - self.rise_s) / self.decay_s, 0.0, 1.0))
        iap = np.where(x < 0, 0.0, np.where(x < self.rise_s, up, down))
        tu = (t - self.t_s) / self.twitch_s
        twitch = np.where((tu >= 0) & (tu < 1), bump(tu, 0.35), 0.0)
        zero = np.zeros_like(t)
        return self.twitch_cmH2O * twitch, self.iap_cmH2O * iap, zero, zero


@dataclass(frozen=True)
class Talk:
    """Talking in a rest: small, fast, irregular abdominal pressure swings (speech breathing
    with its syllables), faded in and out over 0.3 s."""

    t_s: float
    duration_s: float
    rms_cmH2O: float
    freqs_hz: tuple[float, ...]
    phases: tuple[float, ...]
    kind: str = "talking"
    lasting = False
    tilt_step_deg = 0.0

    @property
    def end_s(self) -> float:
        return self.t_s + self.duration_s

    def render(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        x = t - self.t_s
        ramp = 0.3
        env = np.clip(np.minimum(x, self.duration_s - x) / ramp, 0.0, 1.0)
        env = 0.5 - 0.5 * np.cos(np.pi * env)
        wave = np.zeros_like(t)
        for f, ph in zip(self.freqs_hz, self.phases, strict=True):
            wave += np.sin(2 * np.pi * f * t + ph)
        wave *= self.rms_cmH2O / np.sqrt(len(self.freqs_hz) / 2.0)
        zero = np.zeros_like(t)
        return zero, wave * env, zero, zero


@dataclass(frozen=True)
class LevelStep:
    """A lasting change of the resting squeeze: a posture shift or the probe slipping.

    Over ``duration_s`` the balloon's own pressure moves by ``squeeze_cmH2O`` (position and
    compression of the balloon), the abdominal pressure by ``iap_cmH2O`` (posture; it reaches
    the squeeze too, times k) and the probe's angle by ``tilt_deg``; then they stay.
    """

    kind: str  # "posture" | "slip"
    t_s: float
    duration_s: float
    squeeze_cmH2O: float
    iap_cmH2O: float = 0.0
    tilt_deg: float = 0.0
    lasting = True

    @property
    def end_s(self) -> float:
        return self.t_s + self.duration_s

    @property
    def tilt_step_deg(self) -> float:
        return self.tilt_deg

    def size_cmH2O(self, k: float) -> float:
        """The step of the resting squeeze the probe reports."""
        return self.squeeze_cmH2O + k * self.iap_cmH2O

    def render(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        u = np.clip((t - self.t_s) / self.duration_s, 0.0, 1.0)
        s = u**3 * (10.0 - 15.0 * u + 6.0 * u**2)  # a movement: minimum jerk
        return np.zeros_like(t), self.iap_cmH2O * s, self.squeeze_cmH2O * s, self.tilt_deg * s


Extra = Cough | Talk | LevelStep


def draw_cough_bout(rng: np.random.Generator, t_s: float, size: Range) -> list[Cough]:
    """1–3 coughs 0.3–0.7 s apart (abdominal rise to abdominal rise)."""
    n = int(rng.integers(int(size[0]), int(size[1]) + 1))
    out: list[Cough] = []
    at = t_s
    for _ in range(n):
        lead = float(rng.uniform(0.05, 0.1))
        out.append(
            Cough(
                t_s=at - lead,
                lead_s=lead,
                rise_s=float(rng.uniform(0.05, 0.1)),
                decay_s=float(rng.uniform(0.1, 0.3)),
                iap_cmH2O=float(rng.uniform(30.0, 150.0)),
                twitch_cmH2O=float(rng.uniform(3.0, 20.0)),
                twitch_s=float(rng.uniform(0.3, 0.5)),
            )
        )
        at += float(rng.uniform(0.3, 0.7))
    return out


def draw_talk(rng: np.random.Generator, t_s: float) -> Talk:
    n = 10
    return Talk(
        t_s=t_s,
        duration_s=float(rng.uniform(3.0, 12.0)),
        rms_cmH2O=float(rng.uniform(0.5, 2.0)),
        freqs_hz=tuple(map(float, rng.uniform(1.5, 6.0, n))),
        phases=tuple(map(float, rng.uniform(0, 2 * np.pi, n))),
    )


def draw_level_step(rng: np.random.Generator, kind: str, t_s: float, k: float) -> LevelStep:
    """A posture shift (squeeze step, a smaller abdominal step, often a tilt change) or a probe
    slip (squeeze step, sometimes a small tilt change); 2–10 cmH2O either way in 0.2–1.5 s."""
    sign = 1.0 if rng.random() < 0.5 else -1.0
    size = sign * float(rng.uniform(2.0, 10.0))
    dur = float(rng.uniform(0.2, 1.5))
    if kind == "posture":
        iap_frac = float(rng.uniform(0.1, 0.4)) * (1.0 if rng.random() < 0.5 else -1.0)
        tilt = float(rng.uniform(1.0, 6.0) * rng.choice([-1.0, 1.0])) if rng.random() < 0.6 else 0.0
        # the abdominal part reaches the squeeze times k; the balloon's own part makes up the
        # rest, so the squeeze the probe reports steps by the drawn size
        iap = iap_frac * abs(size)
        return LevelStep(kind, t_s, dur, size - k * iap, iap, tilt)
    tilt = float(rng.uniform(0.5, 3.0) * rng.choice([-1.0, 1.0])) if rng.random() < 0.3 else 0.0
    return LevelStep(kind, t_s, dur, size, 0.0, tilt)


def _busy_reps(reps: Sequence[RepSpec], margin: float) -> list[tuple[float, float]]:
    """Stretches around each repetition, an incomplete release's residual included."""
    ordered = sorted(reps, key=lambda r: r.onset_s)
    out = []
    for i, r in enumerate(ordered):
        end = r.end_s
        if r.residual_frac > 0:
            nxt = ordered[i + 1].onset_s if i + 1 < len(ordered) else None
            end = (nxt if nxt is not None else r.end_s + RESIDUAL_DEFAULT_S) + 1.0
        out.append((r.onset_s - margin, end + margin))
    return out


def plan_extras(
    rng: np.random.Generator,
    nuisances: dict[str, Range],
    reps: Sequence[RepSpec],
    artifacts: Sequence[ArtifactSpec],
    duration: float,
    k: float,
) -> list[Extra]:
    """Cough bouts, talking and level steps at random times away from the repetitions and
    from each other. Nothing is drawn for a rate that is zero."""
    steps_busy = Stretches(_busy_reps(reps, STEP_MARGIN_S))
    near_busy = Stretches(_busy_reps(reps, EVENT_MARGIN_S))
    taken = Stretches((a.t_s - EVENT_MARGIN_S, a.end_s + EVENT_MARGIN_S) for a in artifacts)
    out: list[Extra] = []

    def free(lo: float, hi: float, busy: Stretches) -> bool:
        return busy.free(lo, hi) and taken.free(lo, hi)

    def count(key: str) -> int:
        r = nuisances.get(key, (0.0, 0.0))
        if r[1] <= 0:
            return 0
        return int(rng.poisson(_u(rng, r) * duration / 60.0))

    plans = (
        ("posture_shifts_per_min", "posture"),
        ("probe_slips_per_min", "slip"),
        ("cough_bouts_per_min", "cough"),
        ("talking_per_min", "talking"),
    )
    for key, what in plans:
        for _ in range(count(key)):
            for _try in range(40):
                t = float(rng.uniform(4.0, max(4.0, duration - 4.0)))
                events: list[Extra]
                if what in ("posture", "slip"):
                    events, busy, m = [draw_level_step(rng, what, t, k)], steps_busy, 0.0
                elif what == "cough":
                    size = nuisances.get("cough_bout_size", (1.0, 3.0))
                    events, busy, m = list(draw_cough_bout(rng, t, size)), near_busy, 0.0
                else:
                    events, busy, m = [draw_talk(rng, t)], near_busy, TALK_MARGIN_S - 1.0
                lo = min(e.t_s for e in events) - m
                hi = max(e.end_s for e in events) + m
                if hi < duration - 1.0 and free(lo, hi, busy):
                    taken.add(lo - EVENT_MARGIN_S, hi + EVENT_MARGIN_S)
                    out.extend(events)
                    break
    return sorted(out, key=lambda e: e.t_s)


def adjust_rep(rep: RepSpec, person: object, rng: np.random.Generator) -> RepSpec:
    """The person's muscle on one drawn repetition: slow recruitment, and activation faster
    than deactivation (quick lifts rise faster than they fall, the final fall is a
    deactivation decay, holds overshoot then sag). Event times stay those of the spec."""
    rise = float(getattr(person, "recruitment_rise_s", 0.0))
    tau_a = float(getattr(person, "activation_tau_s", 0.0))
    tau_d = float(getattr(person, "deactivation_tau_s", 0.0))
    changes: dict[str, Any] = {}  # RepSpec fields by name, for dataclasses.replace
    if rise > 0 and not rep.push_down and rep.kind is not RepKind.FAST:
        # (a fast contraction is a quick one by definition: she either manages it or does
        # not, and a 2-s rise is no 1-s contraction)
        lo, hi = RECRUITMENT_RISE_S
        changes["rise_s"] = float(np.clip(rise * rng.uniform(0.9, 1.1), lo, hi))
        changes["rise_shape"] = Shape(ShapeKind.SLOW_START, float(rng.uniform(1.0, 1.25)))
    if tau_a > 0 and tau_d > 0 and not rep.push_down:
        changes["lifts"] = tuple(
            replace(q, tau_up_s=tau_a, tau_down_s=tau_d, peak_frac=float(rng.uniform(0.25, 0.4)))
            for q in rep.lifts
        )
        lam = float(np.clip(rep.fall_s / tau_d, 1.5, 3.5))
        changes["fall_shape"] = Shape(ShapeKind.EXPONENTIAL, lam)
        if rep.hold_s >= 1.0 and rng.random() < 0.7:
            changes["overshoot"] = float(rng.uniform(0.04, 0.15))
            changes["overshoot_tau_s"] = float(rng.uniform(0.5, 2.0))
    return replace(rep, **changes) if changes else rep


__all__ = [
    "Cough",
    "Extra",
    "LevelStep",
    "Talk",
    "Tremor",
    "adjust_rep",
    "draw_cough_bout",
    "draw_level_step",
    "draw_talk",
    "plan_extras",
]
