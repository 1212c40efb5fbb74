"""How a person performs: draw one repetition or artefact from ranges, with its variability."""

from __future__ import annotations

import numpy as np

from perineo_sim.actions import ArtifactKind, ArtifactSpec, QuickLift, RepKind, RepSpec
from perineo_sim.scenario import BLOCK_EXTRA, KIND_DEFAULTS, Range
from perineo_sim.shapes import random_shape

BREATH_HOLD_MIN_S = 6.0  # a contraction this long shows a held breath
PUSH_MIN_SQUEEZE = 8.6  # cmH2O of k·iap; with the pelvic floor sagging it stays >= ~6
KEPT_HOLD_FRAC = (0.97, 1.05)  # a kept repetition of the endurance hold, against the first
LOST_HOLD_FRAC = BLOCK_EXTRA["lost_frac"]  # a lost one: she lets go after this much of it,
LOST_SHORT_S = 2.5  # and at least this much sooner than the first (a short first hold)
LOST_HOLD_MIN_S = 0.3


def _u(rng: np.random.Generator, r: Range) -> float:
    return float(rng.uniform(r[0], r[1])) if r[1] > r[0] else float(r[0])


def kind_ranges(kind: RepKind, **overrides: Range) -> dict[str, Range]:
    """The default ranges of a kind with some replaced."""
    return {**KIND_DEFAULTS[kind], **BLOCK_EXTRA, **overrides}


def repeated_hold_s(
    rng: np.random.Generator, first_hold_s: float, kept: bool, lost_frac: Range = LOST_HOLD_FRAC
) -> float:
    """How long she holds one repetition of her first (endurance) hold in PERFECT's R step.

    While she keeps it she holds about as long as the first; once tired she loses it: the
    squeeze fades and she lets go well short (``lost_frac`` of the first, and at least
    LOST_SHORT_S sooner). A clinician counts the kept ones; there is no repetition "almost"
    at her endurance to argue over.
    """
    if kept:
        return first_hold_s * _u(rng, KEPT_HOLD_FRAC)
    lost = first_hold_s * _u(rng, lost_frac)
    return max(LOST_HOLD_MIN_S, min(lost, first_hold_s - LOST_SHORT_S))


def draw_rep(
    rng: np.random.Generator,
    kind: RepKind,
    onset_s: float,
    ranges: dict[str, Range],
    *,
    errors: tuple[str, ...] = (),
    draw_in: bool = False,
    strength_cmH2O: float | None = None,
    push_tilt_deg: float = 5.0,
    k: float = 0.5,
) -> RepSpec:
    """One repetition of ``kind`` starting at ``onset_s``, its details drawn from ``ranges``.

    ``k`` is the person's abdominal-to-squeeze transmission: a push-down strains hard enough
    to raise the squeeze visibly (>= ~6 cmH2O), as bearing down does on a real probe.
    """
    strength = _u(rng, ranges["strength_cmH2O"]) if strength_cmH2O is None else strength_cmH2O
    hold = _u(rng, ranges["hold_s"])
    push = "push_down" in errors
    if "breath_hold" in errors:
        hold = max(hold, BREATH_HOLD_MIN_S)
    lo, hi = ranges["quick_lifts"]
    n_lifts = 0 if push else int(rng.integers(int(lo), int(hi) + 1))
    lifts = tuple(
        QuickLift(
            gap_before_s=float(rng.uniform(0.05, 0.3)),
            duration_s=_u(rng, ranges["quick_lift_s"]),
            height_cmH2O=max(2.5, strength * _u(rng, ranges["quick_lift_frac"])),
            peak_frac=float(rng.uniform(0.35, 0.5)),
        )
        for _ in range(n_lifts)
    )
    if "abdominal_bracing" in errors:
        iap_ratio = float(rng.uniform(0.55, 1.2))
    elif draw_in:
        iap_ratio = float(rng.uniform(0.05, 0.15))
    else:
        iap_ratio = float(rng.uniform(0.0, 0.03))
    overshoot = float(rng.uniform(0.0, 0.08)) if rng.random() < 0.5 else 0.0
    if "breath_hold" in errors:
        breath_keep = float(rng.uniform(0.0, 0.08))
    else:  # many breathe shallower while they squeeze; that is not holding the breath
        breath_keep = float(rng.uniform(0.6, 1.0)) if rng.random() < 0.5 else 1.0
    return RepSpec(
        kind=kind,
        onset_s=onset_s,
        rise_s=_u(rng, ranges["rise_s"]),
        hold_s=hold,
        fall_s=_u(rng, ranges["fall_s"]),
        strength_cmH2O=max(_u(rng, ranges["push_iap_cmH2O"]), PUSH_MIN_SQUEEZE / k)
        if push
        else strength,
        rise_shape=random_shape(rng),
        fall_shape=random_shape(rng),
        lifts=lifts,
        post_lift_s=float(rng.uniform(0.0, 0.4)) if lifts else 0.0,
        fatigue=_u(rng, ranges["fatigue"]),
        fatigue_power=float(rng.uniform(0.7, 2.0)),
        overshoot=overshoot,
        overshoot_tau_s=float(rng.uniform(0.3, 1.0)),
        iap_ratio=0.0 if push else iap_ratio,
        push_pf_frac=k * float(rng.uniform(-0.3, 0.05)) if push else 0.0,
        push_tilt_deg=push_tilt_deg * float(rng.uniform(0.7, 1.3)) if push else 0.0,
        residual_frac=_u(rng, ranges["residual_frac"]) if "incomplete_release" in errors else 0.0,
        breath_level=float(rng.uniform(0.2, 0.9)),
        breath_keep=breath_keep,
        wobble_frac=float(rng.uniform(0.0, 0.02)),
        wobble_hz=float(rng.uniform(0.2, 0.8)),
        wobble_phase=float(rng.uniform(0, 2 * np.pi)),
        errors=errors,
    )


def draw_artifact(rng: np.random.Generator, kind: ArtifactKind, t_s: float) -> ArtifactSpec:
    """A cough, sneeze or movement at ``t_s`` with physiological sizes."""
    match kind:
        case ArtifactKind.COUGH:
            return ArtifactSpec(
                kind, t_s, float(rng.uniform(0.2, 0.5)),
                iap_cmH2O=float(rng.uniform(30, 150)),
                twitch_cmH2O=float(rng.uniform(3, 20)),
                twitch_s=float(rng.uniform(0.3, 0.6)),
            )  # fmt: skip
        case ArtifactKind.SNEEZE:
            return ArtifactSpec(
                kind, t_s, float(rng.uniform(0.25, 0.5)),
                iap_cmH2O=float(rng.uniform(60, 150)),
                twitch_cmH2O=float(rng.uniform(5, 25)),
                twitch_s=float(rng.uniform(0.3, 0.6)),
            )  # fmt: skip
        case _:
            sign = 1.0 if rng.random() < 0.5 else -1.0
            return ArtifactSpec(
                kind, t_s, float(rng.uniform(0.1, 0.5)),
                squeeze_cmH2O=sign * float(rng.uniform(3, 25)),
                tilt_deg=float(rng.choice([-1.0, 1.0]) * rng.uniform(1, 8)),
                tilt_step_deg=float(rng.uniform(-1.5, 1.5)),
                twitch_s=0.0,
            )  # fmt: skip
