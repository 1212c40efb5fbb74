"""Strings from outside reach the terminal as plain text (issue 15, item 1).

Device names come from anyone in radio range. They enter at bleak's scanner interface: a
bleak scanner back end (``hostile_scanner``) advertises the probe's public service UUID
under a hostile name, and ``perineo scan`` runs bleak's own ``BleakScanner.discover`` over
it. (The Bumble-served virtual probe's name is always its own, ``perineo-XXXX``.) File
names and program titles come from files.
"""

from __future__ import annotations

from pathlib import Path

import bleak
import numpy as np
import pytest
from tests.ble_double import hostile_scanner

from perineo.cli import main
from perineo.recording import write_recording
from perineo.samples import Channel, SampleBlock
from perineo.text_safety import visible

# a window-title write, a clipboard write (OSC 52), Textual markup and a click action
HOSTILE = ("\x1b]0;owned\x07", "\x1b]52;c;aGk=\x07", "[/]", "[@click=app.quit]x")


def _escapes(text: str) -> bool:
    return any(c in text for c in "\x1b\x07\x9b\r")


def test_visible_makes_control_characters_visible() -> None:
    assert visible("probe-01") == "probe-01"
    assert visible("\x1b]0;t\x07") == "\\x1b]0;t\\x07"
    assert visible("a\nb\u202ec\x9b") == "a\\nb\\u202ec\\x9b"
    assert visible("[/]") == "[/]"  # markup is the app's business: it shows text, not markup


@pytest.mark.parametrize("name", HOSTILE)
def test_scan_prints_a_hostile_device_name_as_text(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    backend = hostile_scanner(name)
    monkeypatch.setattr(bleak, "get_platform_scanner_backend_type", lambda: (backend, "hostile"))
    assert main(["scan", "--timeout", "0.1"]) == 0
    out = capsys.readouterr().out
    assert not _escapes(out)
    assert visible(name) in out.splitlines()[1]


def test_programs_prints_a_hostile_title_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    folder = tmp_path / "home" / "config" / "programs"
    folder.mkdir(parents=True)
    learn = Path(__file__).parents[2] / "src/perineo/program/programs/learn.toml"
    text = learn.read_text(encoding="utf-8")
    text = text.replace('name = "learn"', 'name = "mine"')
    text = text.replace('title = "Finding the muscles"', 'title = "\\u001b]0;owned\\u0007 [/]"')
    (folder / "mine.toml").write_text(text, encoding="utf-8")
    assert main(["programs"]) == 0
    out = capsys.readouterr().out
    assert not _escapes(out)
    (line,) = [x for x in out.splitlines() if x.startswith("mine ")]
    assert line.endswith("\\x1b]0;owned\\x07 [/]  [" + str(folder / "mine.toml") + "]")


def test_analyze_table_shows_a_hostile_file_name_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = np.arange(500) / 100
    path = tmp_path / "r\x1b]0;owned\x07.csv"
    write_recording(path, SampleBlock(t, {Channel.SQUEEZE: np.zeros(len(t))}))
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    assert not _escapes(out)
    assert "r\\x1b]0;owned\\x07.csv" in out.splitlines()[0]
