"""What the commands and the assessment screen print is said in the chosen language.

The assessment screen's footer, ``perineo assess``'s closing lines and ``perineo report``'s
warnings and refusals about the recording are catalogue keys: English as before by
default, Nynorsk with ``--lang nn``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from perineo.cli import main
from perineo.locale import Lang, say
from perineo.recording import write_recording
from perineo.report.reading import ReportReading, out_of_range_warning
from perineo.samples import Channel, SampleBlock
from perineo.tui.screens.assess import AssessApp
from perineo_sim.patient import SimPatient

FOOTER = {
    Lang.EN: ["redo step", "next step", "end", "close"],
    Lang.NN: ["ta steget om att", "neste steg", "avslutt", "lukk"],
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.mark.parametrize("lang", list(Lang))
def test_the_assessment_screens_footer_is_in_the_language(lang: Lang) -> None:
    async def footer() -> list[str]:
        pat = SimPatient(2, speed=1.0)
        app = AssessApp(pat.source, "P-0042", follower=pat, fps=4, lang=lang)
        async with app.run_test(size=(110, 40)) as pilot:
            await pilot.pause(0.05)
            keys = app.screen.active_bindings
            labels = [keys[k].binding.description for k in "rneq"]
            await pilot.press("q")
        return labels

    assert asyncio.run(footer()) == FOOTER[lang]


def test_assess_history_without_assessments_in_nynorsk(home: Path, capsys) -> None:
    assert main(["assess", "--patient", "P-0099", "--history", "--lang", "nn"]) == 0
    assert capsys.readouterr().out == "P-0099: ingen undersøkingar enno\n"
    assert main(["assess", "--patient", "P-0099", "--history"]) == 0
    assert capsys.readouterr().out == "P-0099: no assessments yet\n"


@pytest.mark.slow
def test_assess_says_where_it_stored_the_assessment_in_nynorsk(home: Path, capsys) -> None:
    argv = ["assess", "--patient", "P-0042", "--sim", "--speed", "inf", "--no-ui", "--seed", "2"]
    assert main([*argv, "--lang", "nn"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("lagra som undersøking 1; rapport: perineo report assessment:1\n")
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.endswith("stored as assessment 2; report: perineo report assessment:2\n")


def test_the_readings_warnings_are_in_the_language() -> None:
    t = np.arange(100.0, 110.0, 0.02)
    block = SampleBlock(t, {Channel.SQUEEZE: np.zeros_like(t)})
    reading = ReportReading("r.csv", block, (), (), 9000, 41, 17, left_out=4000)
    en, nn = reading.warnings(), reading.warnings(Lang.NN)
    assert en == (
        "r.csv: 41 samples with a value outside the probe's range (±327.67) left out, "
        "the first on line 17",
        "r.csv: the report measures from 100.0 s, 60 s before the first contraction; "
        "the 4000 samples before it are left out",
    )
    assert nn == (
        "r.csv: 41 målingar med ein verdi utanfor det proben kan måle (±327.67) er tekne ut, "
        "den første på linje 17",
        "r.csv: rapporten måler frå 100.0 s, 60 s før den første samantrekninga; "
        "dei 4000 målingane før er tekne ut",
    )
    one = out_of_range_warning("r.csv", 1, None, Lang.NN)
    assert one == "r.csv: 1 måling med ein verdi utanfor det proben kan måle (±327.67) er teken ut"
    assert out_of_range_warning("r.csv", 1, None) == (
        "r.csv: 1 sample with a value outside the probe's range (±327.67) left out"
    )


def test_report_refuses_a_span_too_large_in_nynorsk(home: Path, capsys) -> None:
    path = home / "beyond.csv"
    t = np.array([-1.7e308, 0.0, 0.02, 1.7e308])
    write_recording(path, SampleBlock(t, {Channel.SQUEEZE: np.zeros_like(t)}))
    assert main(["report", str(path), "--lang", "nn"]) == 2
    err = capsys.readouterr().err
    span = "tider frå -1.7e+308 s til 1.7e+308 s: eit for stort spenn til å måle"
    assert err == f"perineo: {path}: {span}\n"


@pytest.mark.parametrize("lang", list(Lang))
def test_the_report_too_long_refusal_has_words_in_every_language(lang: Lang) -> None:
    said = say(lang, "report.reading.too_long", max=1 << 20, seconds=20971.52)
    assert "1048576" in said and "20972 s" in said and "{" not in said
