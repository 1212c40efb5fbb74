"""Below 80×24 the app says so, and what size it needs; the cue, the status line and the keys
still show (the trace gives up rows first)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer, Static

from perineo.program.model import Program
from perineo.tui.app import create_app
from perineo.tui.screens.train import TrainScreen
from perineo.tui.widgets.size import SizeWarning
from perineo.tui.widgets.status import StatusLine

from . import views
from .helpers import run


def test_small_window_is_named_and_the_essentials_still_show(
    home: Path, intensive: Program
) -> None:
    app = create_app(program=intensive, lang="nn")

    async def drive() -> None:
        async with app.run_test(size=(60, 20)) as pilot:
            screen = TrainScreen(app.lang, views.trace(60.0, [(43.0, 7.0, 4)]), "Intensiv")
            await app.push_screen(screen)
            screen.cue = views.CUE_HOLD
            screen.status = views.STATUS
            await pilot.pause(0.2)
            warning = screen.query_one(SizeWarning)
            assert warning.display
            assert str(warning.render()) == (
                "Vindauget er 60×20: gjer det minst 80×24 for å sjå alt."
            )
            for widget in (screen.query_one("#cue-text", Static), screen.query_one(StatusLine)):
                region = widget.region
                assert region.height >= 1 and region.bottom <= 20, widget
            assert screen.query_one(Footer).region.bottom <= 20
            await pilot.resize_terminal(80, 24)
            await pilot.pause(0.2)
            assert not warning.display

    run(drive())


def test_the_assessment_screen_names_a_small_window_too() -> None:
    # seen with `perineo assess --sim --lang nn` at 60×20: the table and the result were cut
    # off with no word about it
    from perineo.tui.screens.assess import AssessApp
    from perineo_sim.patient import SimPatient

    pat = SimPatient(2, speed=1.0)
    app = AssessApp(pat.source, "P-0042", follower=pat, fps=4, lang="nn")

    async def drive() -> None:
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause(0.2)
            warning = app.screen.query_one(SizeWarning)
            assert warning.display
            assert str(warning.render()) == (
                "Vindauget er 60×20: gjer det minst 80×24 for å sjå alt."
            )
            assert app.screen.query_one(Footer).region.bottom <= 20
            await pilot.resize_terminal(110, 40)
            await pilot.pause(0.2)
            assert not warning.display
            app.action_quit()

    run(drive())
