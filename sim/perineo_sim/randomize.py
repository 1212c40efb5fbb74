"""Random scenarios: many varied sessions over a seed range for the accuracy benchmark."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from perineo.samples import Channel, ordered_channels
from perineo_sim.actions import RepKind
from perineo_sim.scenario import (
    BLOCK_EXTRA,
    KIND_DEFAULTS,
    NUISANCE_KEYS,
    PERSON_KEYS,
    Block,
    Range,
    Scenario,
)

KIND_WEIGHTS = {
    RepKind.LIGHT: 0.1,
    RepKind.BASIC: 0.3,
    RepKind.INTENSIVE: 0.3,
    RepKind.ENDURANCE: 0.15,
    RepKind.FAST: 0.15,
}
ERROR_CHOICES = ("push_down", "abdominal_bracing", "breath_hold", "incomplete_release")
RATES = (25.0, 32.0, 50.0, 64.0, 100.0, 128.0, 200.0)


def _random_block(rng: np.random.Generator) -> Block:
    kinds = list(KIND_WEIGHTS)
    kind = kinds[int(rng.choice(len(kinds), p=list(KIND_WEIGHTS.values())))]
    ranges: dict[str, Range] = {**KIND_DEFAULTS[kind], **BLOCK_EXTRA}
    n = int(rng.integers(3, 9))
    ranges["count"] = (n, n)
    ranges["pause_after_s"] = (5.0, 20.0)
    errors: tuple[str, ...] = ()
    error_prob = 0.0
    if kind in (RepKind.BASIC, RepKind.INTENSIVE, RepKind.ENDURANCE) and rng.random() < 0.7:
        err = ERROR_CHOICES[int(rng.integers(len(ERROR_CHOICES)))]
        errors = (err,)
        if err == "breath_hold":
            lo, hi = ranges["hold_s"]
            ranges["hold_s"] = (max(lo, 6.0), max(hi, 8.0))
        elif err == "abdominal_bracing" and rng.random() < 0.2 and ranges["hold_s"][0] >= 6.0:
            errors = ("abdominal_bracing", "breath_hold")
        error_prob = float(rng.uniform(0.3, 0.7))
    elif kind in (RepKind.LIGHT, RepKind.FAST) and rng.random() < 0.2:
        errors, error_prob = ("push_down",), float(rng.uniform(0.2, 0.5))
    if kind == RepKind.INTENSIVE:
        lo = int(rng.integers(0, 4))
        ranges["quick_lifts"] = (lo, min(5, lo + int(rng.integers(0, 2))))
    return Block(kind, ranges, errors, error_prob, float(rng.uniform(0.2, 0.9)))


def random_scenario(
    rng: np.random.Generator,
    channels: Iterable[Channel | str] = tuple(Channel),
    sample_rate_hz: float | None = None,
    conditions: Iterable[str] = (),
) -> Scenario:
    """A varied session: mixed behaviours and errors, every nuisance, random person.

    ``sample_rate_hz=None`` draws a common probe rate between 25 and 200 Hz. ``conditions``
    (names of ``perineo_sim.conditions.CONDITIONS``) turn on issue 12's physiology after the
    usual draw; without them the session is drawn exactly as it always was.
    """
    rate = float(rng.choice(RATES)) if sample_rate_hz is None else float(sample_rate_hz)
    nuisances = {k: v[0] for k, v in NUISANCE_KEYS.items()}
    nuisances.update(
        coughs_per_min=(0.0, 1.5),
        sneezes_per_min=(0.0, 0.2),
        movements_per_min=(0.0, 1.0),
        drop_prob=(0.0, 0.01) if rng.random() < 0.6 else (0.0, 0.0),
        dropouts_per_min=(0.0, 0.1) if rng.random() < 0.3 else (0.0, 0.0),
    )
    scn = Scenario(
        name="random",
        channels=ordered_channels(channels),
        sample_rate_hz=rate,
        blocks=tuple(_random_block(rng) for _ in range(int(rng.integers(3, 7)))),
        person={k: v[0] for k, v in PERSON_KEYS.items()},
        nuisances=nuisances,
        lead_in_s=(10.0, 30.0),
        tail_s=(5.0, 10.0),
        description="drawn by random_scenario",
    )
    names = tuple(conditions)
    if names:
        from perineo_sim.conditions import apply_conditions

        scn = apply_conditions(scn, names, rng)
    return scn
