"""Pseudonymous patient IDs and assessments over time in the training record."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from perineo.assess.model import Step, StepSpan
from perineo.assess.records import assessments, check_patient_id, previous, save_assessment
from perineo.errors import InputError
from perineo.store.db import Database


@pytest.mark.parametrize("pid", ["P-0042", "clinic3.patient_17", "AB"])
def test_pseudonymous_ids_are_accepted(pid: str):
    assert check_patient_id(pid) == pid


@pytest.mark.parametrize(
    ("pid", "why"),
    [
        ("Kari Nordmann", "never a name"),
        ("kari@example.no", "never a name"),
        ("01019912345", "identity number"),
        ("010199", "birth date"),
        ("01.01.1999", "birth date"),
        ("x", "2–32"),
    ],
)
def test_identifying_ids_are_refused(pid: str, why: str):
    with pytest.raises(InputError, match=why):
        check_patient_id(pid)


def test_assessments_over_time_and_the_previous_one(tmp_path: Path):
    steps = (StepSpan(Step.REST, 0.0, 20.0),)
    with Database(tmp_path / "perineo.db") as db:
        for month, power in ((1, 20.0), (3, 25.0), (6, 31.0)):
            save_assessment(
                db,
                patient="P-1",
                probe="sim",
                channels=("squeeze",),
                steps=steps,
                result={"power_cmH2O": power, "perfect": f"P {power:.0f}"},
                created_at=datetime(2026, month, 1, tzinfo=UTC),
            )
        save_assessment(
            db, patient="P-2", probe="sim", channels=("squeeze",), steps=steps,
            result={"power_cmH2O": 50.0}, created_at=datetime(2026, 2, 1, tzinfo=UTC),
        )  # fmt: skip
        history = assessments(db, "P-1")
        assert [a.result["power_cmH2O"] for a in history] == [20.0, 25.0, 31.0]
        assert history[0].steps == steps
        prev = previous(db, "P-1", datetime(2026, 6, 1, tzinfo=UTC))
        assert prev is not None and prev.summary()["power_cmH2O"] == 25.0
        assert previous(db, "P-1", datetime(2026, 1, 1, tzinfo=UTC)) is None
        with pytest.raises(InputError):
            save_assessment(
                db, patient="Kari Nordmann", probe="sim", channels=("squeeze",), steps=steps,
                result={},
            )  # fmt: skip
