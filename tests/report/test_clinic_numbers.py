"""One PERFECT through every command: the same numbers from `perineo analyze --program
perfect`, `perineo report` and `perineo assess`; the fast step found by its shape; no
PERFECT made up for a training recording; E in whole seconds held; what was checked."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
from pathlib import Path

import pytest

from perineo.assess.guide import PROTOCOL, GuideRunner
from perineo.assess.live import AssessSession
from perineo.assess.model import ENDURANCE_MAX_S, FAST_MAX, REPETITIONS_MAX, Step
from perineo.cli import main
from perineo.program.loader import get_program
from perineo.recording import write_recording
from perineo_sim import load_scenario, parse_scenario, simulate
from perineo_sim.patient import SimPatient

NUMBERS = ("power_cmH2O", "endurance_s", "repetitions", "fast", "perfect", "repetitions_range")


def _recording(home: Path, scenario: str, seed: int) -> Path:
    rec = home / f"{Path(scenario).stem}-{seed}.csv"
    write_recording(rec, simulate(load_scenario(scenario), seed).block)
    return rec


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:  # type: ignore[type-arg]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_analyze_with_the_perfect_program_gives_the_reports_numbers(home: Path, capsys):
    rec = _recording(home, "perfect", 3)
    report = _json(capsys, ["report", str(rec), "--format", "json"])
    analysis = _json(capsys, ["analyze", str(rec), "--format", "json", "--program", "perfect"])
    got = analysis["summary"]["perfect"]
    assert {k: got[k] for k in NUMBERS} == {k: report[k] for k in NUMBERS}
    assert main(["analyze", str(rec), "--program", "perfect"]) == 0
    assert f"PERFECT: {report['perfect']}\n" in capsys.readouterr().out


def test_the_perfect_programs_limits_are_the_assessments():
    spec = get_program("perfect").perfect
    assert spec is not None
    assert (spec.endurance_max_s, spec.repetitions_max, spec.fast_max) == (
        ENDURANCE_MAX_S,
        REPETITIONS_MAX,
        FAST_MAX,
    )


@pytest.mark.slow
def test_a_training_recording_gets_no_perfect(home: Path, capsys):
    rec = _recording(home, "intensive", 3)
    assert main(["report", str(rec), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "not a PERFECT assessment" in err[0]
    assert f"perineo analyze {rec} --program NAME" in err[0]
    analysis = _json(capsys, ["analyze", str(rec), "--format", "json", "--program", "perfect"])
    assert analysis["summary"]["perfect"] is None
    assert len(analysis["reps"]) > 0  # the training numbers are there
    assert main(["analyze", str(rec), "--program", "perfect"]) == 0
    assert "PERFECT: none (no holds followed by a series of fast contractions" in (
        capsys.readouterr().out
    )


SHORT_REST = (Path(__file__).resolve().parents[2] / "sim" / "perineo_sim" / "scenarios").joinpath(
    "perfect.toml"
)


def _short_rest(home: Path, rest: tuple[float, float], seed: int) -> tuple[Path, int]:
    """The shipped `perfect` scenario with a rest of ``rest`` s before the fast step."""
    text = SHORT_REST.read_text(encoding="utf-8").replace(
        "duration_s = [55, 65]", f"duration_s = [{rest[0]}, {rest[1]}]"
    )
    res = simulate(parse_scenario(text, "short_rest"), seed)
    rec = home / f"short-{seed}.csv"
    write_recording(rec, res.block)
    fast = sum(r.kind == "fast" and "push_down" not in r.errors for r in res.truth.reps)
    return rec, fast


def test_fast_contractions_after_a_short_rest_are_counted(home: Path, capsys):
    """A rest of 5-10 s before the fast step (F was 0 with any rest under 30 s)."""
    rec, fast = _short_rest(home, (5, 10), 0)
    doc = _json(capsys, ["report", str(rec), "--format", "json"])
    assert fast > 0 and doc["fast"] == fast
    assert [s["step"] for s in doc["steps"]] == ["rest", "endurance", "recovery", "fast"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 7))
def test_fast_contractions_after_any_rest_under_half_a_minute(home: Path, capsys, seed: int):
    rec, fast = _short_rest(home, (4, 28), seed)
    doc = _json(capsys, ["report", str(rec), "--format", "json"])
    assert doc["fast"] == fast


class _Quiet:
    def prompt(self, prompt: object) -> None: ...
    def contraction(self, c: object) -> None: ...
    def samples(self, block: object, baseline_cmH2O: float) -> None: ...
    def finished(self, outcome: object) -> None: ...


@pytest.mark.slow
def test_a_guided_assessment_whose_rest_was_cut_short_reports_its_fast_contractions(
    home: Path, capsys
):
    """The clinician moved on after 10 s of the minute's rest; the recording, reported
    without its cues, finds the same fast contractions the cues gave."""
    short = tuple(
        dataclasses.replace(g, duration_s=10.0) if g.step is Step.RECOVERY else g for g in PROTOCOL
    )
    pat = SimPatient(5, speed=math.inf)
    session = AssessSession(pat.source, _Quiet(), runner=GuideRunner(short), follower=pat)
    outcome = asyncio.run(session.run())
    assert outcome.result is not None and outcome.block is not None
    assert outcome.result.fast == FAST_MAX
    rec = home / "cut.csv"
    write_recording(rec, outcome.block)
    doc = _json(capsys, ["report", str(rec), "--format", "json"])
    assert doc["fast"] == outcome.result.fast
    # (E and R are not compared: without its cues the power step's three 3-s squeezes
    # read as the first holds)


@pytest.mark.slow
def test_e_is_whole_seconds_held_in_the_line_the_e_row_and_the_table(home: Path, capsys):
    rec = _recording(home, "perfect", 3)  # E 8.67 s
    doc = _json(capsys, ["report", str(rec), "--format", "json"])
    e = doc["endurance_s"]
    assert e % 1 > 0.5  # rounding to the nearest would give another number
    assert f"E {math.floor(e)} s" in doc["perfect"]
    out = home / "r.html"
    assert main(["report", str(rec), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert f"<td>{math.floor(e)} s</td>" in html
    held = [c["held_s"] for c in doc["contractions"] if c["held_s"] is not None]
    assert all(f"<td>{math.floor(h * 10) / 10:.1f}</td>" in html for h in held)


BREATHING = """
channels = ["squeeze"]
sample_rate_hz = 100
[nuisances]
coughs_per_min = 0
sneezes_per_min = 0
movements_per_min = 0
[[block]]
kind = "endurance"
count = 3
hold_s = 5
[[block]]
kind = "rest"
duration_s = 40
[[block]]
kind = "fast"
count = 5
"""


def test_a_squeeze_only_report_says_what_was_checked_and_what_could_not_be(home: Path, capsys):
    rec = home / "squeeze.csv"
    write_recording(rec, simulate(parse_scenario(BREATHING), 3).block)
    doc = _json(capsys, ["report", str(rec), "--format", "json"])
    assert doc["checks"] == [
        "push-down: not checkable without an abdominal or a tilt channel",
        "abdominal bracing: not checkable without an abdominal channel",
        "breath hold: not checkable without an abdominal channel",
        "no incomplete relaxation seen (checked with the squeeze channel)",
    ]
    out = home / "r.html"
    assert main(["report", str(rec), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert all(f"<li>{c}</li>" in html for c in doc["checks"])
    assert "<li>none</li>" not in html and "not verifiable with these channels" not in html


@pytest.mark.slow
def test_assess_stores_the_line_the_report_gives(home: Path, capsys):
    argv = ["assess", "--patient", "P-0042", "--sim", "--speed", "inf", "--no-ui", "--json"]
    stored = _json(capsys, [*argv, "--seed", "6"])
    assert f"E {math.floor(stored['endurance_s'])} s" in stored["perfect"]
    report = _json(capsys, ["report", "assessment:1", "--format", "json"])
    assert {k: report[k] for k in NUMBERS} == {k: stored[k] for k in NUMBERS}
    assert stored["checks"][0] == "no push-down seen (checked with the abdominal and tilt channels)"
