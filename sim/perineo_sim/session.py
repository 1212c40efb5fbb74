"""A whole simulated session: plan a scenario, render it, and state its ground truth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from perineo.errors import ScenarioError
from perineo.samples import SampleBlock
from perineo_sim.actions import ArtifactKind, ArtifactSpec, RepSpec
from perineo_sim.behaviour import draw_artifact, draw_rep, repeated_hold_s
from perineo_sim.person import PersonParams, VirtualPerson
from perineo_sim.physiology import Extra, LevelStep, adjust_rep, plan_extras
from perineo_sim.probe import ProbeFit, ProbeSpec, VirtualProbe
from perineo_sim.scenario import NEW_NUISANCE_KEYS, NEW_PERSON_KEYS, Range, Scenario
from perineo_sim.stretches import Stretches
from perineo_sim.truth import Truth, TruthArtifact, TruthGap, TruthLevelStep, TruthRep

ARTIFACT_MARGIN_S = 1.0  # artefacts stay this far from repetitions so the truth is clean
PEAK_GRID_HZ = 1000.0
# A session is rendered whole in memory, about 200 bytes a sample: 24 h at 100 Hz (8.64 M
# samples) peaks near 2 GB. Longer sessions are refused before anything is drawn.
MAX_SAMPLES = 8_640_000


@dataclass(frozen=True)
class Plan:
    """Everything drawn for one session before any sample is rendered."""

    person: PersonParams
    fit: ProbeFit
    spec: ProbeSpec
    reps: tuple[RepSpec, ...]
    artifacts: tuple[ArtifactSpec, ...]
    duration_s: float
    extras: tuple[Extra, ...] = ()  # cough bouts, talking, level steps (issue 12)


@dataclass(frozen=True)
class SimResult:
    """A simulated recording (gaps are missing samples) and its ground truth."""

    block: SampleBlock
    truth: Truth
    plan: Plan


def _u(rng: np.random.Generator, r: Range) -> float:
    return float(rng.uniform(r[0], r[1])) if r[1] > r[0] else float(r[0])


def _int(rng: np.random.Generator, r: Range) -> int:
    return int(rng.integers(int(r[0]), int(r[1]) + 1))


def draw_person(
    rng: np.random.Generator,
    ranges: dict[str, Range],
    physio: np.random.Generator | None = None,
) -> PersonParams:
    """The person's parameters; issue 12's keys come from ``physio`` (left at their defaults
    without it), so the older draws stay as they were."""
    keys = PersonParams.__dataclass_fields__
    old = {k: _u(rng, r) for k, r in ranges.items() if k in keys and k not in NEW_PERSON_KEYS}
    params = PersonParams(**old)
    if physio is None:
        return params
    new = {k: _u(physio, r) for k, r in ranges.items() if k in keys and k in NEW_PERSON_KEYS}
    return replace(params, **new)


def draw_probe(
    rng: np.random.Generator, scn: Scenario, physio: np.random.Generator | None = None
) -> tuple[ProbeFit, ProbeSpec]:
    """Probe fit and electronics; issue 12's keys come from ``physio`` like draw_person's."""
    p, n = scn.person, scn.nuisances
    fit_keys = ProbeFit.__dataclass_fields__.keys() - NEW_NUISANCE_KEYS
    spec_keys = ProbeSpec.__dataclass_fields__.keys() - NEW_NUISANCE_KEYS
    fit = ProbeFit(
        **{k: _u(rng, r) for k, r in {**p, **n}.items() if k in fit_keys},
        tip_drift_frac=float(rng.uniform(0.0, 0.5)),
        tilt_wander_deg=float(rng.uniform(0.1, 0.6)),
    )
    spec = ProbeSpec(
        channels=scn.channels,
        sample_rate_hz=scn.sample_rate_hz,
        **{k: _u(rng, r) for k, r in n.items() if k in spec_keys},
    )
    if physio is not None:
        # values for fields picked by name: Any, as dataclasses.replace sees them
        new: dict[str, Any] = {k: _u(physio, r) for k, r in n.items() if k in NEW_NUISANCE_KEYS}
        fit = replace(fit, **{k: v for k, v in new.items() if k in ProbeFit.__dataclass_fields__})
        spec = replace(
            spec, **{k: v for k, v in new.items() if k in ProbeSpec.__dataclass_fields__}
        )
    return fit, spec


def plan_reps(
    rng: np.random.Generator,
    scn: Scenario,
    fit: ProbeFit,
    push_tilt: float,
    adjust: Callable[[RepSpec], RepSpec] | None = None,
) -> tuple[list[RepSpec], float]:
    """Repetitions block after block; with ``duration_s`` the blocks cycle until it is full.

    ``adjust`` changes each drawn repetition before the next is placed (the person's muscle).
    """
    t = _u(rng, scn.lead_in_s)
    reps: list[RepSpec] = []
    limit = scn.duration_s
    tail = _u(rng, scn.tail_s)
    while scn.blocks:
        for block in scn.blocks:
            if block.kind is None:
                t += _u(rng, block.r("duration_s"))
                if limit is not None and t >= limit:
                    return reps, limit
                continue
            count = _int(rng, block.r("count"))
            # A set has a typical strength; repetitions vary around it.
            centre = _u(rng, block.r("strength_cmH2O"))
            lo, hi = block.r("strength_cmH2O")
            kept = None if block.kept is None else _int(rng, block.kept)
            first: RepSpec | None = None
            for i in range(count):
                has_err = block.errors and rng.random() < block.error_prob
                strength = float(np.clip(centre * rng.uniform(0.88, 1.12), lo * 0.9, hi * 1.1))
                rep = draw_rep(
                    rng, block.kind, t, block.ranges,
                    errors=block.errors if has_err else (),
                    draw_in=bool(rng.random() < block.draw_in_prob),
                    strength_cmH2O=strength,
                    push_tilt_deg=push_tilt, k=fit.k,
                )  # fmt: skip
                if kept is not None:  # the R step: the first hold, then repetitions of it
                    if first is None:
                        first = rep
                    else:
                        rep = _repetition_of(first, rep, rng, i <= kept, block.r("lost_frac"))
                if adjust is not None:
                    rep = adjust(rep)
                if limit is not None and rep.end_s + 1.0 > limit:
                    return reps, limit
                reps.append(rep)
                t = rep.end_s + _u(rng, block.r("rest_s"))
            t += _u(rng, block.r("pause_after_s"))
        if limit is None:
            break
    if limit is not None:
        return reps, limit
    return reps, (reps[-1].end_s if reps else t) + tail


def _repetition_of(
    first: RepSpec, rep: RepSpec, rng: np.random.Generator, kept: bool, lost: Range
) -> RepSpec:
    """PERFECT's R step: ``rep`` made a repetition of the block's first hold, kept or lost."""
    hold = repeated_hold_s(rng, first.hold_s, kept, lost)
    # the same muscle on the same task: her first hold's overshoot, fading and letting go,
    # over this hold's length (how long she keeps it above a fraction of its peak scales
    # with it)
    return replace(
        rep,
        hold_s=hold,
        fall_s=first.fall_s,
        fall_shape=first.fall_shape,
        fatigue=first.fatigue,
        fatigue_power=first.fatigue_power,
        overshoot=first.overshoot,
        overshoot_tau_s=first.overshoot_tau_s,
    )


def plan_artifacts(
    rng: np.random.Generator, nuisances: dict[str, Range], reps: list[RepSpec], duration: float
) -> list[ArtifactSpec]:
    """Coughs, sneezes and movements at random times away from the repetitions."""
    busy = Stretches((r.onset_s - ARTIFACT_MARGIN_S, r.end_s + ARTIFACT_MARGIN_S) for r in reps)
    out: list[ArtifactSpec] = []
    rates = {
        ArtifactKind.COUGH: "coughs_per_min",
        ArtifactKind.SNEEZE: "sneezes_per_min",
        ArtifactKind.MOVEMENT: "movements_per_min",
    }
    for kind, key in rates.items():
        count = int(rng.poisson(_u(rng, nuisances[key]) * duration / 60.0))
        for _ in range(count):
            for _try in range(30):
                t = float(rng.uniform(2.0, max(2.0, duration - 2.0)))
                art = draw_artifact(rng, kind, t)
                lo, hi = art.t_s - ARTIFACT_MARGIN_S, art.end_s + ARTIFACT_MARGIN_S
                if busy.free(lo, hi):
                    busy.add(lo, hi)
                    out.append(art)
                    break
    return sorted(out, key=lambda a: a.t_s)


def plan_session(
    scn: Scenario, rng: np.random.Generator, physio: np.random.Generator | None = None
) -> Plan:
    """Everything of a session; issue 12's physiology is drawn from ``physio`` alone."""
    person = draw_person(rng, scn.person, physio)
    fit, spec = draw_probe(rng, scn, physio)
    push_tilt = _u(rng, scn.person["push_tilt_deg"])
    adjust = None
    if physio is not None and (
        person.recruitment_rise_s > 0 or (person.activation_tau_s > 0 < person.deactivation_tau_s)
    ):
        prng = physio
        adjust = lambda rep: adjust_rep(rep, person, prng)  # noqa: E731
    reps, duration = plan_reps(rng, scn, fit, push_tilt, adjust)
    arts = plan_artifacts(rng, scn.nuisances, reps, duration)
    extras: list[Extra] = []
    if physio is not None:
        extras = plan_extras(physio, scn.nuisances, reps, arts, duration, fit.k)
    return Plan(person, fit, spec, tuple(reps), tuple(arts), duration, tuple(extras))


def check_length(scenario: Scenario, duration_s: float | None) -> None:
    """Refuse a session too long to render in memory (``MAX_SAMPLES``), on one line."""
    if duration_s is None:
        return
    samples = duration_s * scenario.sample_rate_hz
    if samples > MAX_SAMPLES:
        hours = MAX_SAMPLES / scenario.sample_rate_hz / 3600.0
        raise ScenarioError(
            f"{scenario.source}: {duration_s:.0f} s at {scenario.sample_rate_hz:g} Hz is "
            f"{samples:,.0f} samples; the simulator renders at most {MAX_SAMPLES:,} in memory "
            f"(24 h at 100 Hz, {hours:g} h at this rate)"
        )


def rep_truth(person: VirtualPerson, rep: RepSpec, k: float) -> TruthRep:
    """Exact event times from the spec; the peak from the rendered contraction."""
    grid = np.arange(rep.onset_s, rep.end_s, 1.0 / PEAK_GRID_HZ)
    peak = float(person.contraction_squeeze(grid, k).max()) if len(grid) else 0.0
    return TruthRep(
        onset_s=rep.onset_s,
        hold_start_s=rep.hold_start_s,
        hold_end_s=rep.hold_end_s,
        release_s=rep.release_s,
        end_s=rep.end_s,
        peak_cmH2O=peak,
        quick_lifts_s=rep.quick_lifts_s,
        errors=rep.errors,
        kind=rep.kind.value,
    )


def simulate(scenario: Scenario, seed: int) -> SimResult:
    """Render ``scenario`` for ``seed``: the same seed always gives the same samples."""
    plan_ss, person_ss, probe_ss, physio_ss = np.random.SeedSequence(seed).spawn(4)
    plan_rng, person_rng, probe_rng = (
        np.random.default_rng(s) for s in (plan_ss, person_ss, probe_ss)
    )
    # issue 12's physiology has streams of its own: without it nothing else changes
    plan_physio, person_physio, link = (np.random.default_rng(s) for s in physio_ss.spawn(3))
    check_length(scenario, scenario.duration_s)
    plan = plan_session(scenario, plan_rng, plan_physio)
    check_length(scenario, plan.duration_s)
    person = VirtualPerson(plan.person, person_rng, person_physio)
    for rep in plan.reps:
        person.schedule(rep)
    for art in (*plan.artifacts, *plan.extras):
        person.add_artifact(art)
    probe = VirtualProbe(plan.fit, plan.spec, probe_rng, link)
    block = probe.sample(person, plan.duration_s)
    events = sorted(
        [TruthArtifact(a.t_s, a.end_s, a.kind.value) for a in plan.artifacts]
        + [TruthArtifact(e.t_s, e.end_s, e.kind) for e in plan.extras if not e.lasting],
        key=lambda a: a.t_s,
    )
    steps = tuple(
        TruthLevelStep(e.t_s, e.end_s, e.size_cmH2O(plan.fit.k), e.kind)
        for e in plan.extras
        if isinstance(e, LevelStep)
    )
    truth = Truth(
        scenario=scenario.name,
        seed=seed,
        channels=tuple(c.value for c in plan.spec.channels),
        sample_rate_hz=plan.spec.sample_rate_hz,
        duration_s=plan.duration_s,
        reps=tuple(rep_truth(person, r, plan.fit.k) for r in person.reps),
        artifacts=tuple(events),
        gaps=tuple(TruthGap(a, b) for a, b in probe.gaps),
        person={**plan.person.to_json(), **plan.fit.to_json(), **_spec_json(plan.spec)},
        level_steps=steps,
    )
    return SimResult(block, truth, plan)


def _spec_json(spec: ProbeSpec) -> dict[str, float]:
    """Issue 12's link and converter settings, when used (older truth files stay as they were)."""
    keys = ("ble_interval_ms", "stalls_per_min", "adc_bits", "adc_full_scale_cmH2O")
    if not spec.ble and spec.adc_bits <= 0 and spec.stalls_per_min <= 0:
        return {}
    return {k: round(float(getattr(spec, k)), 4) for k in keys}
