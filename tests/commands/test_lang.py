"""``--lang nn`` on the command line: the refusals a user commonly meets (``perineo: …``) and
what ``scan``, ``record``, ``export``, ``sim``, ``analyze`` and ``serve`` print are said in
Nynorsk; without it, the English words are as they were."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from perineo.cli import main
from perineo.commands import build_parser, lang_of, refusal
from perineo.sources.ble_support import bluetooth_error


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _err(capsys: pytest.CaptureFixture[str], argv: list[str], code: int) -> str:
    assert main(argv) == code, argv
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1]


def test_refusals_in_nynorsk(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "basic", "--out", "s.csv"]) == 0
    assert main(["record", "--sim", "basic", "--speed", "inf", "--out", "r.csv"]) == 0
    capsys.readouterr()
    said = {
        # unknown session, assessment, recording
        ("export", "9", "--format", "json"): "perineo: ingen økt 9 i treningsloggen",
        ("report", "assessment:9"): "perineo: inga undersøking 9 i treningsloggen",
        ("report", "missing.csv"): "perineo: missing.csv: fila finst ikkje",
        ("analyze", "missing.csv"): "perineo: missing.csv: fila finst ikkje",
        ("analyze", "s.csv", "--block-s", "0"):
            "perineo: --block-s: venta eit positivt tal sekund, fekk 0",
        ("serve", "--port", "0"): "perineo: --port må vere 1..65535, fekk 0",
        ("serve", "--host", "0.0.0.0"): "perineo: --host 0.0.0.0 lèt andre maskiner nå "
        "helsedata til denne personen; legg til --expose om du meiner det",
        ("serve", "--host", "0.0.0.0", "--expose"):
            "perineo: med --host '0.0.0.0', gje --public-url http://ADRESSE:PORT",
        ("serve", "record"): "perineo: serve køyrer train eller assess, ikkje 'record'",
        # an output file that is there already, or is the input
        ("export", "1", "--format", "csv", "--out", "s.csv"):
            "perineo: s.csv: finst frå før (ikkje overskriven; bruk --overwrite)",
        ("sim", "basic", "--out", "s.csv"):
            "perineo: s.csv: finst frå før (ikkje overskriven; bruk --overwrite)",
        ("report", "s.csv", "--out", "s.csv"): "perineo: s.csv: er inndatafila; vel ei anna utfil",
        # a program that is not there
        ("train", "--program", "nope"): "perineo: ingen program med namnet 'nope' (kjende: "
        "basic, intensive, learn, maintenance, perfect)",
        # no probe, or two sources
        ("assess", "--patient", "P-1"): "perineo: vel ei kjelde: --sim [SCENARIO] eller "
        "--device ADRESSE",
        ("train", "--sim", "--device", "AA:BB"): "perineo: vel anten --sim eller --device, "
        "ikkje begge",
        ("sim",): "perineo: sim: venta eit SCENARIO-namn eller ein TOML-sti (sjå --list)",
    }  # fmt: skip
    for argv, line in said.items():
        if argv[0] == "serve":  # its own options before the app's
            argv = (argv[0], "--lang", "nn", *argv[1:])
        else:
            argv = (*argv, "--lang", "nn")
        assert _err(capsys, list(argv), 2) == line, argv


def test_refusals_stay_english_without_lang(home: Path, capsys) -> None:
    assert _err(capsys, ["export", "9", "--format", "json"], 2) == (
        "perineo: no session 9 in the training record"
    )
    assert _err(capsys, ["report", "missing.csv"], 2) == "perineo: missing.csv: no such file"


def test_no_probe_in_nynorsk() -> None:
    """Bluetooth's refusals: the reason said too when perineo knows it, the system's own
    words kept when it does not."""
    bus = bluetooth_error(FileNotFoundError(), "connect to probe AA:BB:CC:DD:EE:FF")
    assert refusal(bus, "nn") == (
        "kan ikkje kople til proben AA:BB:CC:DD:EE:FF: ingen BlueZ: D-Bus-systembussen køyrer "
        "ikkje; bruk --sim for å trene med den simulerte proben"
    )
    assert refusal(bus, "en") == str(bus)
    odd = bluetooth_error(TimeoutError("timed out"), "scan for probes")
    assert refusal(odd, "nn") == (
        "kan ikkje søkje etter probar: timed out; bruk --sim for å trene med den simulerte proben"
    )


def test_every_verb_that_prints_words_takes_lang() -> None:
    """``--lang`` is the same option on every verb that says something (default English;
    ``train`` and ``serve``, which serves it, follow $LANG, as the app does)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    with_lang = {
        name
        for name, p in sub.choices.items()
        if any("--lang" in a.option_strings for a in p._actions)
    }
    assert with_lang == set(sub.choices)
    names = ("scan", "record", "export", "sim", "report", "history", "plan", "programs", "analyze")
    for name in names:
        (option,) = [a for a in sub.choices[name]._actions if "--lang" in a.option_strings]
        assert option.choices == ("en", "nn") and option.default == "en", name
    for name in ("train", "serve"):
        (option,) = [a for a in sub.choices[name]._actions if "--lang" in a.option_strings]
        assert option.choices == ("en", "nn") and option.default is None, name
    assert lang_of(argparse.Namespace(lang="nn")) == "nn"
    assert lang_of(argparse.Namespace()) == "en"


def test_sim_record_export_say_what_they_wrote_in_nynorsk(home: Path, capsys) -> None:
    assert main(["sim", "basic", "--out", "s.csv", "--lang", "nn"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("skreiv s.csv (") and "målingar" in out and "repetisjonar)" in out
    argv = ["record", "--sim", "basic", "--speed", "inf", "--out", "r.csv", "--lang", "nn"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert err.startswith("ferdig: ") and "målingar til r.csv" in err and "; økt 1" in err
    assert main(["export", "1", "--format", "json", "--out", "e.json", "--lang", "nn"]) == 0
    assert capsys.readouterr().err == "skreiv e.json\n"
    assert main(["export", "1", "--format", "json", "--out", "f.json"]) == 0
    assert capsys.readouterr().err == "wrote f.json\n"


def test_scan_says_its_table_in_nynorsk(capsys) -> None:
    from perineo.commands.scan import _table
    from perineo.sources.ble_support import ProbeInfo

    probes = [ProbeInfo(name="", address="F0:0D:00:00:00:01", rssi=-50, battery_percent=87)]
    table = _table(probes, "nn").splitlines()
    assert table[0].split() == ["NAMN", "ADRESSE", "SIGNAL", "BATTERI"]
    assert table[1].startswith("(utan namn)")
    assert _table(probes).splitlines()[0].split() == ["NAME", "ADDRESS", "RSSI", "BATTERY"]


def test_an_unfinished_assessment_is_tagged_in_the_asked_language(home: Path, capsys) -> None:
    """``assess --history`` tags an assessment whose process died in the command's words."""
    from perineo.assess.records import begin_assessment
    from perineo.recording import write_recording
    from perineo.store.sessions import SessionKind, TrainingRecord
    from perineo_sim import simulate
    from perineo_sim.scenario import load_scenario

    recording = home / "a.csv"
    write_recording(recording, simulate(load_scenario("basic"), seed=1).block.slice(0, 3000))
    with TrainingRecord.open_at_start() as record:  # stored as it starts, then the kill
        sid = record.start_session(
            kind=SessionKind.ASSESS, program=None, source="probe AA:BB:CC:DD:EE:FF",
            channels=("squeeze",), recording=recording,
        )  # fmt: skip
        begin_assessment(
            record.db, patient="P-0042", probe="probe AA:BB:CC:DD:EE:FF", channels=("squeeze",),
            recording=recording, session_id=sid,
        )  # fmt: skip
    assert main(["assess", "--patient", "P-0042", "--history", "--lang", "nn"]) == 0
    nn = capsys.readouterr().out
    assert main(["assess", "--patient", "P-0042", "--history"]) == 0
    en = capsys.readouterr().out
    assert nn.rstrip().endswith("[avbroten]"), nn
    assert en.rstrip().endswith("[interrupted]"), en


def _interrupted_session(home: Path) -> None:
    """A training session whose process died: open in the record, its lock free."""
    from perineo.recording import write_recording
    from perineo.store.sessions import SessionKind, TrainingRecord
    from perineo_sim import simulate
    from perineo_sim.scenario import load_scenario

    recording = home / "t.csv"
    write_recording(recording, simulate(load_scenario("basic"), seed=1).block.slice(0, 3000))
    with TrainingRecord.open_at_start() as record:
        record.start_session(
            kind=SessionKind.TRAIN, program=None, source="sim", channels=("squeeze",),
            recording=recording,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["history", "--lang", "nn"],
            "perineo: økt 1 vart avbroten; 3000 målingar (30.0 s) og 1 repetisjon til er "
            "henta fram frå opptaket",
        ),
        (
            ["plan"],
            "perineo: session 1 was interrupted; recovered 3000 samples (30.0 s) and 1 more "
            "repetition from its recording",
        ),
    ],
    ids=["nn", "en"],
)
def test_a_recovered_session_is_told_in_the_asked_language(
    home: Path, capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    _interrupted_session(home)
    assert main(argv) == 0
    (said,) = [x for x in capsys.readouterr().err.splitlines() if x.startswith("perineo: ")]
    assert said == line


def test_analyze_says_its_table_in_nynorsk(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table's words in Nynorsk; the JSON is the same in any language (its contract)."""
    assert main(["sim", "basic", "--out", "s.csv", "--seed", "3"]) == 0
    capsys.readouterr()
    table = ["analyze", "s.csv", "--program", "basic"]
    assert main([*table, "--lang", "nn"]) == 0
    nn = capsys.readouterr().out.splitlines()
    assert main(table) == 0
    en = capsys.readouterr().out.splitlines()
    assert len(nn) == len(en)
    assert nn[0].startswith("s.csv: ") and " repetisjonar, kanalar squeeze" in nn[0]
    assert en[0].startswith("s.csv: ") and " repetitions, channels squeeze" in en[0]
    assert nn[1].split() == [
        "#", "start", "s", "sett", "+ms", "halde", "s", "løft", "topp", "cmH2O", "slepp",
        "slutt", "feil",
    ]  # fmt: skip
    assert en[1].split()[-1] == "errors"
    rows = [r for r in nn if "  [runde " in r]
    assert rows and len(rows) == len([r for r in en if "  [set " in r])
    assert all(" ok  [runde " in r for r in rows) and any(" bra " in r for r in rows)
    assert not any(" good " in r for r in nn)
    assert "rundar funne frå pausane (dette opptaket er inga økt i treningsloggen)" in nn
    assert "sets found from the pauses (this recording is no session of the record)" in en
    assert "toppar som ikkje er talde med (hoste, rørsle): 3" in nn
    assert "ignored spikes (coughs, movement): 3" in en
    as_json = ["analyze", "s.csv", "--program", "basic", "--format", "json"]
    assert main([*as_json, "--lang", "nn"]) == 0
    nn_json = capsys.readouterr().out
    assert main(as_json) == 0
    assert nn_json == capsys.readouterr().out


def test_serve_passes_its_language_to_the_app(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app it serves speaks ``serve --lang`` (unless the app's options say otherwise);
    what serve itself prints is said in it."""
    import perineo.webserve

    served: list[tuple[str, str]] = []

    def serve(command: str, host: str, port: int, url: str, lang: str = "en") -> None:
        served.append((command, lang))
        print(f"perineo: {perineo.locale.say(lang, 'serve.open', link=url)}")

    import perineo.locale

    monkeypatch.setattr(perineo.webserve, "serve", serve)
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for argv, app in [
        (["serve", "--lang", "nn", "train", "--sim"], "train --lang nn --sim"),
        (["serve", "--lang", "nn"], "train --lang nn"),
        (["serve", "--lang", "nn", "assess", "--patient", "P1", "--sim"],
         "assess --lang nn --patient P1 --sim"),
        (["serve", "--lang", "nn", "train", "--lang", "en"], "train --lang en"),
        (["serve", "train", "--sim"], "train --sim"),  # the app's own default ($LANG)
    ]:  # fmt: skip
        assert main(argv) == 0, argv
        command, lang = served.pop()
        assert command.endswith(f" -m perineo {app}"), (command, app)
        assert lang == ("nn" if "--lang" in argv[1:3] else "en")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "perineo: opne http://127.0.0.1:8000"
    assert out[-1] == "perineo: open http://127.0.0.1:8000"
