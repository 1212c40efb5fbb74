"""Ground truth of a simulated session, in docs/design.md's event terms.

Repetition keys are exactly the ``perineo analyze`` JSON keys, so a benchmark compares them
directly. Written beside the recording: ``rec.csv`` → ``rec.truth.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from perineo import strict_json

SCHEMA = "perineo.truth/1"


def truth_path_for(recording: str | os.PathLike[str]) -> Path:
    """``rec.csv`` → ``rec.truth.json``."""
    p = Path(recording)
    return p.with_name(p.stem + ".truth.json") if p.suffix else p.with_name(p.name + ".truth.json")


@dataclass(frozen=True)
class TruthRep:
    onset_s: float
    hold_start_s: float
    hold_end_s: float
    release_s: float
    end_s: float
    peak_cmH2O: float
    quick_lifts_s: tuple[float, ...]
    errors: tuple[str, ...]
    kind: str

    @property
    def hold_s(self) -> float:
        return self.hold_end_s - self.hold_start_s

    def to_json(self) -> dict[str, object]:
        return {
            "onset_s": round(self.onset_s, 4),
            "hold_start_s": round(self.hold_start_s, 4),
            "hold_end_s": round(self.hold_end_s, 4),
            "release_s": round(self.release_s, 4),
            "end_s": round(self.end_s, 4),
            "peak_cmH2O": round(self.peak_cmH2O, 2),
            "quick_lifts_s": [round(q, 4) for q in self.quick_lifts_s],
            "errors": list(self.errors),
            "kind": self.kind,
        }


@dataclass(frozen=True)
class TruthArtifact:
    t_s: float
    end_s: float
    kind: str

    def to_json(self) -> dict[str, object]:
        return {"t_s": round(self.t_s, 4), "end_s": round(self.end_s, 4), "kind": self.kind}


@dataclass(frozen=True)
class TruthGap:
    """No samples strictly between ``start_s`` (last before) and ``end_s`` (first after)."""

    start_s: float
    end_s: float

    def to_json(self) -> dict[str, object]:
        return {"start_s": round(self.start_s, 4), "end_s": round(self.end_s, 4)}


@dataclass(frozen=True)
class TruthLevelStep:
    """A lasting step of the resting squeeze (posture shift, probe slip): not a repetition.

    It moves from ``t_s`` to ``end_s`` and then stays; ``size_cmH2O`` is the squeeze step.
    """

    t_s: float
    end_s: float
    size_cmH2O: float
    kind: str = "posture"

    def to_json(self) -> dict[str, object]:
        return {
            "t_s": round(self.t_s, 4),
            "end_s": round(self.end_s, 4),
            "size_cmH2O": round(self.size_cmH2O, 3),
            "kind": self.kind,
        }


@dataclass(frozen=True)
class Truth:
    scenario: str
    seed: int
    channels: tuple[str, ...]
    sample_rate_hz: float
    duration_s: float
    reps: tuple[TruthRep, ...]
    artifacts: tuple[TruthArtifact, ...] = ()
    gaps: tuple[TruthGap, ...] = ()
    person: dict[str, float] = field(default_factory=dict)
    level_steps: tuple[TruthLevelStep, ...] = ()

    def to_json(self) -> dict[str, object]:
        doc: dict[str, object] = {
            "schema": SCHEMA,
            "scenario": self.scenario,
            "seed": self.seed,
            "channels": list(self.channels),
            "sample_rate_hz": self.sample_rate_hz,
            "duration_s": round(self.duration_s, 4),
            "reps": [r.to_json() for r in self.reps],
            "artifacts": [a.to_json() for a in self.artifacts],
            "gaps": [g.to_json() for g in self.gaps],
            "person": self.person,
        }
        if self.level_steps:  # only when there are any: older truth files stay as they were
            doc["level_steps"] = [s.to_json() for s in self.level_steps]
        return doc

    def dumps(self) -> str:
        return strict_json.dumps(self.to_json(), indent=1) + "\n"

    @staticmethod
    def from_json(doc: dict) -> Truth:
        """Read back what :meth:`to_json` wrote (benchmarks load truth files this way)."""
        if doc.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} document (schema={doc.get('schema')!r})")
        reps = tuple(
            TruthRep(
                **{k: r[k] for k in ("onset_s", "hold_start_s", "hold_end_s", "release_s")},
                end_s=r["end_s"],
                peak_cmH2O=r["peak_cmH2O"],
                quick_lifts_s=tuple(r["quick_lifts_s"]),
                errors=tuple(r["errors"]),
                kind=r["kind"],
            )
            for r in doc["reps"]
        )
        return Truth(
            scenario=doc["scenario"],
            seed=int(doc["seed"]),
            channels=tuple(doc["channels"]),
            sample_rate_hz=float(doc["sample_rate_hz"]),
            duration_s=float(doc.get("duration_s", 0.0)),
            reps=reps,
            artifacts=tuple(TruthArtifact(**a) for a in doc.get("artifacts", [])),
            gaps=tuple(TruthGap(**g) for g in doc.get("gaps", [])),
            person=dict(doc.get("person", {})),
            level_steps=tuple(TruthLevelStep(**s) for s in doc.get("level_steps", [])),
        )


def read_truth(path: str | os.PathLike[str]) -> Truth:
    return Truth.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
