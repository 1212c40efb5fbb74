"""Usage errors (argparse's: a missing argument, an invalid choice, a value of the wrong
type) follow ``--lang`` as given on the command line: the usage and one line, exit 2, said
in Nynorsk under ``--lang nn`` and as argparse says them without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from perineo.cli import main
from perineo.commands.usage import lang_in, say_usage


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[str, str]:
    """The usage's first word and the error's one line of a command line argparse refuses."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2, argv
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[-1].startswith("perineo: ") and not lines[-1].startswith("perineo: error")
    assert all(line.startswith(" ") for line in lines[1:-1])  # the usage, then one line
    return lines[0].split()[0], lines[-1]


SAID = {  # the command line: its line in Nynorsk, and in English (argparse's words)
    ("analyze",): (
        "perineo: desse argumenta manglar: path",
        "perineo: the following arguments are required: path",
    ),
    ("analyze", "r.csv", "--format", "xml"): (
        "perineo: argument --format: 'xml' er ikkje eit av vala ('json', 'table')",
        "perineo: argument --format: invalid choice: 'xml' (choose from 'json', 'table')",
    ),
    ("sim", "basic", "--seed", "abc"): (
        "perineo: argument --seed: 'abc' er ikkje eit heilt tal",
        "perineo: argument --seed: invalid int value: 'abc'",
    ),
    ("analyze", "r.csv", "--block-s", "x"): (
        "perineo: argument --block-s: 'x' er ikkje eit tal",
        "perineo: argument --block-s: invalid float value: 'x'",
    ),
    ("plan", "--today", "2026-13-01"): (
        "perineo: argument --today: '2026-13-01' er ikkje ein dato (ÅÅÅÅ-MM-DD)",
        "perineo: argument --today: invalid fromisoformat value: '2026-13-01'",
    ),
    ("assess", "--patient", "P1", "--sim", "--device", "AA:BB"): (
        "perineo: argument --device: kan ikkje brukast saman med --sim",
        "perineo: argument --device: not allowed with argument --sim",
    ),
    ("analyze", "r.csv", "--program", "nope"): (
        "perineo: argument --program: ingen program med namnet 'nope' (kjende: basic, "
        "intensive, learn, maintenance, perfect)",
        "perineo: argument --program: no program named 'nope' (known: basic, intensive, "
        "learn, maintenance, perfect)",
    ),
    ("history", "--bogus"): (
        "perineo: ukjende argument: --bogus",
        "perineo: unrecognized arguments: --bogus",
    ),
    ("export", "1", "--format"): (
        "perineo: argument --format: venta ein verdi",
        "perineo: argument --format: expected one argument",
    ),
}


@pytest.mark.parametrize("argv", list(SAID), ids=[" ".join(a) for a in SAID])
def test_a_usage_error_follows_lang(
    home: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    nn, en = SAID[argv]
    assert _usage_error(capsys, [*argv, "--lang", "nn"]) == ("bruk:", nn)
    assert _usage_error(capsys, [*argv, "--lang=nn"]) == ("bruk:", nn)
    assert _usage_error(capsys, list(argv)) == ("usage:", en)
    assert _usage_error(capsys, [*argv, "--lang", "en"]) == ("usage:", en)


def test_the_usage_lines_stay_aligned(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sim", "basic", "--seed", "abc", "--lang", "nn"])
    nn = capsys.readouterr().err.splitlines()
    with pytest.raises(SystemExit):
        main(["sim", "basic", "--seed", "abc"])
    en = capsys.readouterr().err.splitlines()
    assert nn[0].startswith("bruk: perineo sim [-h]") and len(nn) == len(en) > 2
    # the continued lines start under the first option, as argparse aligns them
    assert nn[1].index("[") == nn[0].index("[")
    assert en[1].index("[") == en[0].index("[")


def test_a_command_line_is_read_for_its_language_before_parsing() -> None:
    assert lang_in(["analyze", "x.csv", "--lang", "nn"]) == "nn"
    assert lang_in(["analyze", "--lang=nn"]) == "nn"
    assert lang_in(["analyze", "--lang"]) == "en"  # its value missing: argparse says so
    assert lang_in(["analyze", "--lang", "de"]) == "en"
    assert lang_in(["serve", "--lang", "nn", "train", "--lang", "en"]) == "nn"  # serve's
    assert lang_in(["analyze", "x.csv"]) == "en"
    # a line of no known pattern stays as argparse (or a type function) gave it
    assert say_usage("argument --program: ingen program med namnet 'x'", "nn") == (
        "argument --program: ingen program med namnet 'x'"
    )


def test_a_served_apps_usage_error_is_in_its_language(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """serve checks the app's options before it serves: in the language it passes on."""
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--lang", "nn", "train", "--seed", "x"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("bruk: perineo train ")
    assert err[-1] == "perineo: argument --seed: 'x' er ikkje eit heilt tal"
