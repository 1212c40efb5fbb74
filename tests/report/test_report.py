"""perineo report: the JSON contract, a self-contained HTML page, private exports."""

from __future__ import annotations

import json
import math
import stat
from pathlib import Path

import pytest
from tests.assess.helpers import with_brief_contraction
from tests.sim.helpers import uneven

from perineo.cli import main
from perineo.recording import write_recording
from perineo_sim import load_scenario, parse_scenario, simulate

KEYS = {"power_cmH2O", "endurance_s", "repetitions", "fast", "resting_cmH2O", "contractions"}


def test_json_of_a_recording(home: Path, capsys):
    res = simulate(load_scenario(uneven("perfect_push")), 0)
    rec = home / "rec.csv"
    write_recording(rec, res.block)
    assert main(["report", str(rec), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= KEYS
    assert isinstance(doc["repetitions"], int) and isinstance(doc["fast"], int)
    first = doc["contractions"][0]
    assert {"onset_s", "end_s", "classification", "errors", "rise_time_s", "relax_time_s"} <= set(
        first
    )
    classes = {c["classification"] for c in doc["contractions"]}
    assert classes == {"lift", "push_down"}
    assert doc["perfect"] == (
        f"P {doc['power_cmH2O']:.0f} cmH2O · E {math.floor(doc['endurance_s'])} s · "
        f"R {doc['repetitions']} · F {doc['fast']}"
    )
    assert doc["previous"] is None and doc["patient"] is None
    assert "pushes down during fast contractions" in doc["summary"]


@pytest.mark.xdist_group("two-assessments")
@pytest.mark.slow
def test_stored_assessment_compared_with_the_previous(two_assessments: Path, capsys):
    assert main(["report", "assessment:2", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["patient"] == "P-0042"
    assert doc["probe"].startswith("simulated")
    prev = doc["previous"]
    assert prev is not None and prev["perfect"].startswith("P ")
    assert doc["change"]["power_cmH2O"] == round(doc["power_cmH2O"] - prev["power_cmH2O"], 1)
    assert [s["step"] for s in doc["steps"]] == ["rest", "power", "endurance", "recovery", "fast"]


@pytest.mark.xdist_group("two-assessments")
@pytest.mark.slow
def test_html_is_self_contained_and_exported_private(two_assessments: Path, capsys):
    out = two_assessments / "report.html"
    assert main(["report", "assessment:2", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""  # nothing on stdout when a file was asked for
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    html = out.read_text(encoding="utf-8")
    fetchable = html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # a name, not a fetch
    for banned in ("<script", "http://", "https://", "src=", "@import", "<link"):
        assert banned not in fetchable
    assert "<svg" in html and "P-0042" in html and "Compared with the previous" in html
    assert html.count('class="contraction"') == 23


def test_bad_inputs_exit_2(home: Path, capsys):
    assert main(["report", str(home / "missing.csv")]) == 2
    assert main(["report", "assessment:x"]) == 2
    assert main(["report", "assessment:99"]) == 2
    assert main(["report", str(home / "missing.csv"), "--patient", "Kari Nordmann"]) == 2
    err = capsys.readouterr().err
    assert err.count("perineo: ") == 4
    assert main(["assess", "--patient", "P-1"]) == 2  # no source


@pytest.mark.xdist_group("two-assessments")
@pytest.mark.slow
def test_history_of_a_patient(two_assessments: Path, capsys):
    assert main(["assess", "--patient", "P-0042", "--history", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["assessment_id"] for r in rows] == [1, 2]
    assert all(r["perfect"].startswith("P ") for r in rows)
    assert main(["assess", "--patient", "P-0099", "--history"]) == 0
    assert "no assessments yet" in capsys.readouterr().out


def test_what_qualifies_the_numbers_is_beside_them(home: Path, capsys):
    """perfect_weak seed 21 with a brief contraction between the holds (left out) and a
    hold 0.1 s from the E − 1 s line (R could read 5–6): both in the JSON and in the HTML's
    R row."""
    res = simulate(load_scenario(uneven("perfect_weak")), 21)
    rec = home / "rec.csv"
    write_recording(rec, with_brief_contraction(res.block, 95.0, 23.0))
    assert main(["report", str(rec), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    low, high = doc["repetitions_range"]
    assert low < high and low <= doc["repetitions"] <= high
    assert any(f.startswith("not counted as holds") for f in doc["findings"])
    q = doc["qualifiers"]
    assert len(q) == 2 and q[0].startswith("not counted") and q[1].startswith("R could read")
    out = home / "r.html"
    assert main(["report", str(rec), "--format", "html", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert f"{doc['repetitions']} (could read {low}–{high})" in html


BREATHING = """
channels = {channels}
sample_rate_hz = 100
[person]
breath_pp_cmH2O = {pp}
k = 0.8
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


@pytest.mark.parametrize(
    ("channels", "pp", "named"),
    [
        ('["squeeze"]', 4.0, True),
        ('["squeeze"]', 0.4, False),
        ('["squeeze", "abdominal"]', 4.0, False),
    ],
)
def test_breathing_left_in_p_is_named_beside_it(
    home: Path, capsys, channels: str, pp: float, named: bool
):
    """With squeeze alone a deep breather's breath stays in the peak: P comes with how far
    it could read otherwise (1.5 x the breathing swing at rest). Shallow breathing, or the
    abdominal channel that takes the breath off, leave P as it is."""
    res = simulate(parse_scenario(BREATHING.format(channels=channels, pp=pp)), 3)
    rec = home / "rec.csv"
    write_recording(rec, res.block)
    assert main(["report", str(rec), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    could = doc["power_uncertainty_cmH2O"]
    assert (could is None) is ("abdominal" in channels)
    p_note = [f for f in doc["findings"] if f.startswith("P could read")]
    assert bool(p_note) is named
    assert doc["qualifiers"] == p_note  # what qualifies the line itself, and nothing else
    out = home / "r.html"
    assert main(["report", str(rec), "--format", "html", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert ("breathing)" in html) is named
    if could is not None:
        assert (f"(± {could:.1f}, breathing)" in html) is named
    if named:
        assert could >= 1.0 and f"up to {could:.1f} cmH2O" in p_note[0]


@pytest.mark.slow
def test_the_assess_command_prints_what_qualifies_the_line(home: Path, capsys):
    """`perineo assess --no-ui` prints the qualifying findings under the PERFECT line, as the
    assess screen and the report show them beside it."""
    text = BREATHING.format(channels='["squeeze"]', pp=4.0)
    scn = home / "deep.toml"
    scn.write_text(text, encoding="utf-8")
    argv = ["assess", "--patient", "P-0042", "--sim", str(scn), "--speed", "inf", "--no-ui"]
    assert main([*argv, "--seed", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("P-0042: P ")
    assert lines[1].startswith("  · P could read up to ")
