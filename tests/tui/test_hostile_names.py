"""The home screen scans as soon as it opens: hostile device names are shown as text.

Names enter at bleak's scanner interface (a bleak back end on whose air they advertise the
probe's public service UUID), through the app's own scanner (``SourceChoices.scanner``).
A name ``[/]`` used to crash the app (MarkupError) and ``[@click=app.quit]x`` to become a
clickable action. Program titles (a user's own program) are shown the same way.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import bleak
import pytest
from tests.ble_double import hostile_scanner
from textual.widgets import OptionList, Static

from perineo.program.model import Program
from perineo.session import choices as sources
from perineo.session.choices import SourceChoices
from perineo.tui.app import create_app
from perineo.tui.screens.home import HomeScreen

from .helpers import run, wait_for

NAMES = ("[/]", "[@click=app.quit]x", "\x1b]0;owned\x07", "[b]bold[/b] \\")


def test_home_shows_hostile_names_as_text(
    home: Path, intensive: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = hostile_scanner(*NAMES)
    monkeypatch.setattr(bleak, "get_platform_scanner_backend_type", lambda: (backend, "hostile"))
    monkeypatch.setattr(sources, "SCAN_S", 0.1)
    monkeypatch.setattr(sources, "ble_available", lambda: True)
    program = dataclasses.replace(intensive, title="[/]mine \x1b[2J[@click=app.quit]")
    choices = SourceChoices(program)
    app = create_app(program=program, source_factory=choices.open, scanner=choices.scanner())

    async def drive() -> None:
        async with app.run_test(size=(100, 24)) as pilot:
            assert isinstance(app.screen, HomeScreen)
            options = app.screen.query_one("#sources", OptionList)
            await wait_for(pilot.pause, lambda: options.option_count == 1 + len(NAMES))
            prompts = [str(options.get_option_at_index(i).prompt) for i in range(1, 5)]
            shown = [options._get_visual(options.get_option_at_index(i)) for i in range(1, 5)]
            for name, prompt, visual in zip(NAMES, prompts, shown, strict=True):
                text = str(visual).replace("\x1b", "\\x1b").replace("\x07", "\\x07")
                assert "\x1b" not in prompt
                assert text.startswith(name.replace("\x1b", "\\x1b").replace("\x07", "\\x07"))
            chosen = app.screen.query_one("#home-program").query(Static)
            assert "[/]mine \\x1b[2J[@click=app.quit]" in [str(w.render()) for w in chosen]
            # no style and no action anywhere in the names: [@click=app.quit] is not a link
            assert all(not getattr(v, "spans", None) for v in shown)
            await pilot.hover(OptionList, offset=(4, 2))  # over the [@click=app.quit] entry
            await pilot.pause(0.1)
            assert app.is_running and isinstance(app.screen, HomeScreen)

    run(drive())
