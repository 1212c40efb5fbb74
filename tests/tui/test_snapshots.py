"""Snapshots of every screen at 80×24 (and one larger) with fixed data and a fixed day.

The screens get fixed views and a drawn trace (``views.py``), so the pictures change only
when the app's look changes, not when the detector or simulator is retuned; the whole
data path is covered by ``test_session.py``. Nothing shown depends on the wall clock.
Update after an intended change with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from perineo import tui
from perineo.assess.bands import band_for
from perineo.assess.guide import PROTOCOL, Prompt, PromptKind
from perineo.assess.live import AssessOutcome, LiveContraction
from perineo.assess.model import Movement, Perfect, Step
from perineo.assess.texts import Finding, GuideText, note
from perineo.display.texts import Lang
from perineo.program.calibration import Calibration
from perineo.program.model import Program
from perineo.program.scoring import score_analysis
from perineo.program.script import make_rep
from perineo.program.texts import Message
from perineo.signal.events import TechError
from perineo.sources.base import Device
from perineo.store.sessions import SessionKind, TrainingRecord
from perineo.tui.app import PerineoApp, create_app
from perineo.tui.screens.assess import AssessScreen
from perineo.tui.screens.calibrate import CalibrateScreen
from perineo.tui.screens.confirm import ConfirmEnd
from perineo.tui.screens.summary import SummaryScreen
from perineo.tui.screens.train import TrainScreen

from . import views

pytestmark = pytest.mark.slow  # every screen drawn and compared with its SVG

SIZE = (80, 24)
TODAY = date(2026, 3, 16)


def _show(screen_factory):
    """A ``run_before`` that shows a screen built with the app's language, then lets it draw."""

    async def run_before(pilot: Pilot[object]) -> None:
        await pilot.app.push_screen(screen_factory(pilot.app))
        await pilot.pause(0.3)  # the trace redraws on its timer

    return run_before


async def _fake_scan() -> list[Device]:
    return [
        Device("perineo-probe A1", "C0:FF:EE:00:00:A1", rssi=-58, battery=82),
        Device("perineo-probe 07", "C0:FF:EE:00:00:07", rssi=-77, battery=None),
    ]


def test_home(snap_compare, home: Path, intensive: Program) -> None:
    app = create_app(program=intensive, scanner=_fake_scan, today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=lambda p: p.pause(0.2))


def test_home_nynorsk_without_bluetooth(snap_compare, home: Path, intensive: Program) -> None:
    app = create_app(program=intensive, lang="nn", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=lambda p: p.pause(0.2))


def test_calibrate(snap_compare, home: Path, intensive: Program) -> None:
    def build(app: PerineoApp) -> CalibrateScreen:
        screen = CalibrateScreen(app.lang, views.trace(60.0, [(28.0, 3.0, 0), (50.0, 3.0, 0)]))
        screen.calibration = views.CALIBRATION
        screen.status = views.STATUS
        return screen

    app = create_app(program=intensive, today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=_show(build))


@pytest.mark.parametrize("lang", ["en", "nn"])
def test_train(snap_compare, home: Path, intensive: Program, lang: str) -> None:
    def build(app: PerineoApp) -> TrainScreen:
        buf = views.trace(60.0, [(43.0, 7.0, 4), (57.5, 7.0, 0)])
        screen = TrainScreen(app.lang, buf, intensive.title_nn if lang == "nn" else intensive.title)
        screen.cue = views.CUE_HOLD
        screen.rep = views.REP_GOOD
        screen.status = views.STATUS
        screen.baseline = views.REST
        return screen

    app = create_app(program=intensive, lang=lang, today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=_show(build))


def test_confirm_end_nynorsk(snap_compare, home: Path, intensive: Program) -> None:
    """'e' while training asks first: keep training is the default."""

    def build(app: PerineoApp) -> TrainScreen:
        buf = views.trace(60.0, [(43.0, 7.0, 4), (57.5, 7.0, 0)])
        screen = TrainScreen(app.lang, buf, intensive.title_nn)
        screen.cue = views.CUE_HOLD
        screen.status = views.STATUS
        screen.baseline = views.REST
        return screen

    async def run_before(pilot: Pilot[object]) -> None:
        await _show(build)(pilot)
        await pilot.app.push_screen(ConfirmEnd(Lang.NN, "end", "e"))
        await pilot.pause(0.3)

    app = create_app(program=intensive, lang="nn", today=TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_train_warning_wide(snap_compare, home: Path, intensive: Program) -> None:
    """A technique warning and a repetition to fix, on a larger terminal."""

    def build(app: PerineoApp) -> TrainScreen:
        buf = views.trace(60.0, [(40.0, 4.0, 1), (52.0, 7.0, 2)])
        screen = TrainScreen(app.lang, buf, intensive.title)
        screen.cue = views.CUE_QUICK_WARNING
        screen.rep = views.REP_FIX
        screen.status = views.STATUS
        screen.baseline = views.REST
        return screen

    app = create_app(program=intensive, today=TODAY)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_show(build))


def test_summary(snap_compare, home: Path, intensive: Program) -> None:
    app = create_app(program=intensive, today=TODAY)
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=_show(lambda app: SummaryScreen(app.lang, views.SUMMARY)),
    )


def test_history(snap_compare, record: TrainingRecord, intensive: Program) -> None:
    """Five sessions over two weeks, holds growing, one with a push-down."""
    for n, day in enumerate((2, 3, 5, 9, 12)):
        errors = (TechError.PUSH_DOWN,) if n == 1 else ()
        reps = [
            make_rep(i, onset=10.0 + 20 * i, hold=5.5 + 0.4 * n, errors=errors if i == 0 else ())
            for i in range(10)
        ]
        _, summary = score_analysis(reps, intensive)
        started = datetime(2026, 3, day, 8, 30, tzinfo=UTC)
        cal = Calibration(
            rest_cmH2O=30.0, mvc_cmH2O=40.0 + 2 * n, attempts_cmH2O=(40.0 + 2 * n,), valid=(True,),
            settle_s=25.0, drift_cmH2O_per_min=0.1, settled=True, created_at=started.isoformat(),
        )  # fmt: skip
        sid = record.start_session(
            kind=SessionKind.TRAIN, program=intensive, source="sim", channels=["squeeze"],
            started_at=started, calibration_id=record.save_calibration(cal),
        )  # fmt: skip
        record.finish_session(sid, summary, ended_at=started)
    app = create_app(program=intensive, today=TODAY, record=record)

    async def run_before(pilot: Pilot[object]) -> None:
        await pilot.press("h")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class _AssessShell(App[None]):
    """The assess screen alone, in the app's style, fed fixed prompts and contractions."""

    CSS_PATH = str(Path(tui.__file__).parent / "perineo.tcss")
    TITLE = "perineo assess"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, screen: AssessScreen) -> None:
        super().__init__()
        self.view = screen

    def on_mount(self) -> None:
        self.push_screen(self.view)


# "P could read up to 1.4 cmH2O higher or lower: breathing moves this probe's pressure by
# ±0.9 cmH2O at rest, and without the abdominal channel it stays in the peak"
QUALIFIERS = (note(Finding.P_COULD, could=1.4, swing=0.9),)


def _assess_screen() -> AssessScreen:
    holds = [(8.0, 6.2, 0), (22.0, 6.0, 0), (36.0, 2.0, 0), (48.9, 6.0, 0)]  # the 4th begins
    return AssessScreen("P-0042", views.trace(50.0, holds))


def _feed(screen: AssessScreen, result: bool) -> None:
    said = Message.of(GuideText.STEP, title=PROTOCOL[2].title, instruction=PROTOCOL[2].instruction)
    step = Prompt(PromptKind.STEP, 5.0, Step.ENDURANCE, message=said)
    screen.show_prompt(step)
    seen = [
        LiveContraction(4, Step.ENDURANCE, 8.0, True, 45.8, 6.9, Movement.NOT_VERIFIABLE),
        LiveContraction(5, Step.ENDURANCE, 22.0, True, 44.9, 6.7, Movement.NOT_VERIFIABLE),
        LiveContraction(6, Step.ENDURANCE, 36.0, True, 43.0, 2.7, Movement.NOT_VERIFIABLE),
        LiveContraction(7, Step.ENDURANCE, 48.9, False),
    ]
    for c in seen:
        screen.show_contraction(c)
    screen.show_prompt(Prompt(PromptKind.SQUEEZE, 48.5, Step.ENDURANCE, 4, 8.0, repeat=True))
    if result:
        res = Perfect(
            power_cmH2O=46.1, band=band_for(46.1), endurance_s=6.9, repetitions=4, fast=9,
            resting_cmH2O=31.0, contractions=(), steps=(), channels=("squeeze",),
            summary=(note(Finding.NOT_VERIFIABLE, n=16),),
            findings=QUALIFIERS, qualifiers=QUALIFIERS, power_uncertainty_cmH2O=1.4,
        )  # fmt: skip
        screen.show_outcome(AssessOutcome(None, (), res, True))


@pytest.mark.parametrize("result", [False, True])
def test_assess(snap_compare, home: Path, result: bool) -> None:
    """The clinician's screen in the endurance step: three holds classified, a fourth just
    begun, the repetition's cue; and, at the end, the PERFECT line with what qualifies it."""
    screen = _assess_screen()

    async def run_before(pilot: Pilot[object]) -> None:
        await pilot.pause(0.1)
        _feed(screen, result)
        await pilot.pause(0.3)

    assert snap_compare(_AssessShell(screen), terminal_size=SIZE, run_before=run_before)
