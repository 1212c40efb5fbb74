"""An assessment's part of ``perineo export``: its steps and its contractions, numbered and
labelled as the assessment screen showed them, as JSON and as EDF+ annotations.

A training session's repetitions are annotated ``set 1 rep 2 good 98`` from onset to the end
of the fall (:mod:`perineo.store.export`); an assessment's contractions the same way, by
their PERFECT step and their number within it: ``power 1 lift 42 cmH2O``, ``endurance 2 lift
41 cmH2O held 6.6 s``, ``fast 3 push_down 40 cmH2O``. Each step is one more annotation
(``step power``) over its span. The patient ID is not in the export (the file may leave the
clinic): the assessment's number links it to the patient in the training record.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from perineo.assess.model import Step
from perineo.assess.records import AssessmentRecord, assessment_of_session
from perineo.store.db import Database
from perineo.store.export import Extra


def assessment_extra(db: Database, session_id: int) -> Extra | None:
    """What an assessment session adds to its export; None for a session of no assessment."""
    found = assessment_of_session(db, session_id)
    return None if found is None else extra_of(found)


def extra_of(a: AssessmentRecord) -> Extra:
    raw = a.result.get("contractions", [])
    contractions: list[dict[str, Any]] = (
        [c for c in raw if isinstance(c, dict)] if isinstance(raw, list) else []
    )
    in_step: Counter[str] = Counter()
    docs: list[dict[str, object]] = []
    spans: list[tuple[float, float | None, str]] = [
        (s.start_s, s.end_s, f"step {s.step.value}") for s in a.steps
    ]
    for c in contractions:
        step = str(c.get("step"))
        in_step[step] += 1
        label = contraction_label(c, in_step[step])
        docs.append({**c, "number": int(c["index"]) + 1, "in_step": in_step[step], "label": label})
        end = c.get("end_s")
        spans.append((float(c["onset_s"]), None if end is None else float(end), label))
    keep = {k: v for k, v in a.result.items() if k != "contractions"}
    doc: dict[str, object] = {
        "assessment": {
            "id": a.id,
            "status": a.status.value,
            "probe": a.probe,
            "steps": [s.to_json() for s in a.steps],
            "result": keep,
        },
        "contractions": docs,
    }
    return Extra(doc, tuple(spans))


def contraction_label(c: dict[str, Any], in_step: int) -> str:
    """``power 1 lift 42 cmH2O``; an endurance hold says how long it was held (to the tenth
    below, as the assessment screen shows it); errors last."""
    step = str(c.get("step"))
    text = f"{step} {in_step} {c.get('classification', '?')}"
    peak = c.get("peak_cmH2O")
    if isinstance(peak, int | float):
        text += f" {peak:.0f} cmH2O"
    held = c.get("held_s")
    if step == Step.ENDURANCE.value and isinstance(held, int | float):
        text += f" held {math.floor(held * 10 + 1e-9) / 10:.1f} s"
    errors = c.get("errors")
    if isinstance(errors, list) and errors:
        text += " " + " ".join(str(e) for e in errors)
    return text
