"""Conditions: the default random session with one kind of issue 12's physiology switched on.

``condition_scenario(name, rng, channels, rate)`` draws ``random_scenario`` (the same
blocks, technique errors and person) and then turns on what the condition models, so a
benchmark can see which of them a detector fails. ``clean`` is the default draw itself.
Sources for the numbers: docs/simulator-physiology.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from perineo.samples import Channel
from perineo_sim.scenario import Block, Range, Scenario

CONDITIONS: dict[str, str] = {
    "clean": "the default random session (person, probe, nuisances and errors as before)",
    "tremor": "muscle dynamics (activation faster than deactivation: quick lifts rise faster "
    "than they fall, overshoot then sag) and 1-3 % force tremor at 0.1-2 Hz in every "
    "sustained contraction",
    "posture": "posture shifts and probe slips (lasting 2-10 cmH2O steps of the resting "
    "squeeze over 0.2-1.5 s, either sign, some with tilt and abdominal changes) and a "
    "balloon leak drift of -1..+1 cmH2O/min",
    "coughs": "coughs in bouts of 1-3 (abdominal rise 50-100 ms, decay 0.1-0.3 s, "
    "30-150 cmH2O, 0.3-0.7 s apart), each with the pelvic floor's reflex twitch "
    "50-100 ms before it; sneezes and movement knocks",
    "breathing": "breath by breath with a drifting rate (8-20/min), shallower during "
    "contractions, sighs followed by a pause, talking in rests, and shallow (half depth) "
    "or slow (8-11/min) breathing",
    "weak": "a weak pelvic floor: contractions of 4-8 cmH2O",
    "strong": "a very strong pelvic floor: contractions of 80-120 cmH2O",
    "slow_recruitment": "slow recruitment: every rise takes 1.5-2.5 s with a slow start",
    "probe_timing": "BLE packet timing (samples stamped from their packet's arrival, "
    "connection interval 7.5-50 ms), stalls delivered in bursts, bursty packet loss, "
    "10-bit ADC quantisation (0-300 cmH2O, ~0.3 cmH2O steps)",
    "mixed": "all of the above at once (weak, strong or ordinary strength per session)",
    "long": "a 36-minute session: sets with long pauses, a slowly leaking balloon, fatigue "
    "across sets",
}
LONG_S = 36 * 60.0
WEAK_CMH2O = (4.6, 7.2)  # a set's centre x 0.88-1.12, clipped: every repetition 4.05-7.9
STRONG_CMH2O = (92.0, 107.0)  # likewise 82.8-117.7


def _with(scn: Scenario, person: dict[str, Range] | None = None, **nuis: Range) -> Scenario:
    return replace(
        scn, person={**scn.person, **(person or {})}, nuisances={**scn.nuisances, **nuis}
    )


def _tremor(scn: Scenario, rng: np.random.Generator) -> Scenario:
    return _with(
        scn,
        {"tremor_frac": (0.01, 0.03), "activation_tau_s": (0.03, 0.08),
         "deactivation_tau_s": (0.1, 0.25)},
    )  # fmt: skip


def _posture(scn: Scenario, rng: np.random.Generator) -> Scenario:
    return _with(
        scn,
        posture_shifts_per_min=(0.3, 1.0),
        probe_slips_per_min=(0.1, 0.4),
        leak_cmH2O_per_min=(-1.0, 1.0),
    )


def _coughs(scn: Scenario, rng: np.random.Generator) -> Scenario:
    return _with(
        scn,
        coughs_per_min=(0.0, 0.0),  # coughs come in bouts here, the older single ones not
        cough_bouts_per_min=(0.5, 2.0),
        cough_bout_size=(1.0, 3.0),
        sneezes_per_min=(0.05, 0.3),
        movements_per_min=(0.2, 1.0),
    )


def _breathing(scn: Scenario, rng: np.random.Generator) -> Scenario:
    person: dict[str, Range] = {
        "breath_rate_drift": (0.15, 0.35),
        "sigh_prob": (0.03, 0.08),
        "sigh_pause_s": (3.0, 8.0),
    }
    variant = int(rng.integers(4))  # ordinary depth and rate, shallow, slow, both
    if variant in (1, 3):
        person["breath_pp_cmH2O"] = (0.5, 2.0)  # half the usual 1-4
    if variant in (2, 3):
        person["breath_rate_hz"] = (8.0 / 60.0, 11.0 / 60.0)
        person["breath_rate_drift"] = (0.0, 0.05)
    return _with(scn, person, talking_per_min=(0.3, 1.0))


def _strength(scn: Scenario, r: Range) -> Scenario:
    blocks = tuple(
        b if b.kind is None else replace(b, ranges={**b.ranges, "strength_cmH2O": r})
        for b in scn.blocks
    )
    return replace(scn, blocks=blocks)


def _slow(scn: Scenario, rng: np.random.Generator) -> Scenario:
    return _with(scn, {"recruitment_rise_s": (1.5, 2.5)})


def _probe_timing(scn: Scenario, rng: np.random.Generator) -> Scenario:
    return _with(
        scn,
        ble_interval_ms=(7.5, 50.0),
        stalls_per_min=(0.3, 1.5),
        drop_prob=(0.002, 0.02),
        drop_burst=(0.5, 0.8),
        adc_bits=(10.0, 10.0),
        adc_full_scale_cmH2O=(300.0, 300.0),
    )


def _mixed(scn: Scenario, rng: np.random.Generator) -> Scenario:
    for f in (_tremor, _posture, _coughs, _breathing, _slow, _probe_timing):
        scn = f(scn, rng)
    strength = int(rng.integers(3))
    if strength == 1:
        scn = _strength(scn, WEAK_CMH2O)
    elif strength == 2:
        scn = _strength(scn, STRONG_CMH2O)
    return scn


def _long(scn: Scenario, rng: np.random.Generator) -> Scenario:
    """Sets of the usual kinds with 1-3 min pauses for 36 min; strength fades and holds
    tire more set after set; the balloon slowly leaks."""
    from perineo_sim.randomize import _random_block

    blocks: list[Block] = []
    for i in range(40):
        b = _random_block(rng)
        tired = min(1.0, i / 12.0)
        lo, hi = b.ranges["strength_cmH2O"]
        f_lo, f_hi = b.ranges["fatigue"]
        ranges = {
            **b.ranges,
            "strength_cmH2O": (lo * (1 - 0.3 * tired), hi * (1 - 0.3 * tired)),
            "fatigue": (f_lo + 0.1 * tired, f_hi + 0.1 * tired),
            "pause_after_s": (60.0, 180.0),
        }
        blocks.append(replace(b, ranges=ranges))
    scn = replace(scn, blocks=tuple(blocks), duration_s=LONG_S)
    return _with(scn, leak_cmH2O_per_min=(-0.4, -0.05))


APPLY: dict[str, Callable[[Scenario, np.random.Generator], Scenario]] = {
    "clean": lambda scn, rng: scn,
    "tremor": _tremor,
    "posture": _posture,
    "coughs": _coughs,
    "breathing": _breathing,
    "weak": lambda scn, rng: _strength(scn, WEAK_CMH2O),
    "strong": lambda scn, rng: _strength(scn, STRONG_CMH2O),
    "slow_recruitment": _slow,
    "probe_timing": _probe_timing,
    "mixed": _mixed,
    "long": _long,
}


def apply_conditions(
    scn: Scenario, conditions: Iterable[str], rng: np.random.Generator
) -> Scenario:
    """``scn`` with each named condition turned on, in order."""
    names = tuple(conditions)
    for name in names:
        if name not in APPLY:
            raise ValueError(f"unknown condition {name!r}: expected one of {', '.join(CONDITIONS)}")
        scn = APPLY[name](scn, rng)
    label = "+".join(n for n in names if n != "clean")
    if label:
        scn = replace(scn, name=f"{scn.name}+{label}", description=f"{scn.description}; {label}")
    return scn


def condition_scenario(
    name: str,
    rng: np.random.Generator,
    channels: Iterable[Channel | str] = tuple(Channel),
    sample_rate_hz: float | None = None,
) -> Scenario:
    """A random session (``random_scenario``) under condition ``name`` of CONDITIONS."""
    from perineo_sim.randomize import random_scenario

    if name not in CONDITIONS:
        raise ValueError(f"unknown condition {name!r}: expected one of {', '.join(CONDITIONS)}")
    return random_scenario(rng, channels, sample_rate_hz, conditions=(name,))
