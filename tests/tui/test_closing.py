"""The app closing while the data path still delivers: nothing to show, no error."""

from __future__ import annotations

import asyncio

from textual.screen import Screen

from perineo.tui.app import create_app


def test_a_screen_asked_for_after_the_app_has_closed_is_not_shown() -> None:
    """A cue that arrives while the app shuts down asks for the training screen when the
    screen stack is already gone (seen under load: ScreenStackError from the cue handler)."""
    app = create_app(program="intensive")

    async def run_and_close() -> None:
        async with app.run_test() as pilot:
            await pilot.pause()
        assert not app.screen_stack
        app._show(Screen())  # what on_cue_changed does for the first cue of a session
        assert not app.screen_stack

    asyncio.run(run_and_close())
