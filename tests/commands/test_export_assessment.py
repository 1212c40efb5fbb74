"""``perineo export`` of an assessment: its steps and contractions as annotations, numbered
and labelled as the assessment screen showed them, like a training session's repetitions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from perineo.cli import main

pyedflib = pytest.importorskip("pyedflib")
pytestmark = pytest.mark.slow  # a whole simulated assessment


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("assess")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERINEO_HOME", str(home / "home"))
        argv = ["assess", "--patient", "P-0042", "--sim", "--speed", "inf", "--seed", "2"]
        assert main([*argv, "--no-ui", "--json"]) == 0
    return home


def _export(home: Path, *argv: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERINEO_HOME", str(home / "home"))
        assert main(["export", "1", *argv]) == 0


def test_json_carries_the_steps_and_the_contractions(
    assessed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    _export(assessed, "--format", "json")
    doc = json.loads(capsys.readouterr().out)
    a = doc["assessment"]
    assert a["id"] == 1 and a["status"] == "done"
    assert [s["step"] for s in a["steps"]] == ["rest", "power", "endurance", "recovery", "fast"]
    assert a["result"]["perfect"].startswith("P ")
    assert "P-0042" not in json.dumps(doc)  # the patient is linked by the assessment's number
    cs = doc["contractions"]
    power = [c for c in cs if c["step"] == "power"]
    fast = [c for c in cs if c["step"] == "fast"]
    assert [c["in_step"] for c in power] == [1, 2, 3]
    assert len(fast) == a["result"]["fast"] == 10
    assert [c["number"] for c in cs] == [c["index"] + 1 for c in cs]  # the screen's "#"
    assert power[0]["label"] == f"power 1 lift {power[0]['peak_cmH2O']:.0f} cmH2O"
    endurance = [c for c in cs if c["step"] == "endurance"]
    assert endurance and " held " in endurance[0]["label"]


def test_edf_annotates_every_contraction_and_step(assessed: Path, capsys) -> None:
    out = assessed / "a.edf"
    _export(assessed, "--format", "edf", "--out", str(out))
    capsys.readouterr()
    _export(assessed, "--format", "json")
    doc = json.loads(capsys.readouterr().out)
    with pyedflib.EdfReader(str(out)) as f:
        onsets, durations, texts = f.readAnnotations()
    t_first = 0.0  # the file starts at the recording's first sample (0.0001 s)
    notes = dict(zip(texts, zip(np.round(onsets, 2), durations, strict=True), strict=True))
    for c in doc["contractions"]:
        onset, lasted = notes[c["label"]]
        assert onset == pytest.approx(c["onset_s"] - t_first, abs=0.02)
        assert lasted == pytest.approx(c["end_s"] - c["onset_s"], abs=0.02) and lasted >= 0
    for s in doc["assessment"]["steps"]:
        onset, lasted = notes[f"step {s['step']}"]
        assert lasted == pytest.approx(s["end_s"] - s["start_s"], abs=0.02)
    labels = [t for t in texts if t.startswith(("power ", "endurance ", "fast "))]
    assert len(labels) == len(doc["contractions"])
