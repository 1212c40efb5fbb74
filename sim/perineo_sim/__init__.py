"""perineo_sim: a virtual person and a virtual probe with exact ground truth.

``load_scenario(name_or_path)`` reads a TOML scenario, ``simulate(scenario, seed)`` renders
it into a :class:`~perineo.samples.SampleBlock` plus a :class:`Truth`, and
``random_scenario(rng, ...)`` draws varied sessions for benchmarks. :class:`LivePerson`
renders chunk by chunk while a coach schedules what the person does next.
"""

from perineo_sim.actions import ArtifactKind, ArtifactSpec, QuickLift, RepKind, RepSpec
from perineo_sim.live import LivePerson
from perineo_sim.person import PersonParams, VirtualPerson
from perineo_sim.probe import ProbeFit, ProbeSpec, VirtualProbe
from perineo_sim.randomize import random_scenario
from perineo_sim.scenario import Block, Scenario, load_scenario, parse_scenario, scenario_names
from perineo_sim.session import SimResult, simulate
from perineo_sim.truth import Truth, TruthArtifact, TruthGap, TruthRep, read_truth, truth_path_for

__all__ = [
    "ArtifactKind",
    "ArtifactSpec",
    "Block",
    "LivePerson",
    "PersonParams",
    "ProbeFit",
    "ProbeSpec",
    "QuickLift",
    "RepKind",
    "RepSpec",
    "Scenario",
    "SimResult",
    "Truth",
    "TruthArtifact",
    "TruthGap",
    "TruthRep",
    "VirtualPerson",
    "VirtualProbe",
    "load_scenario",
    "parse_scenario",
    "random_scenario",
    "read_truth",
    "scenario_names",
    "simulate",
    "truth_path_for",
]
