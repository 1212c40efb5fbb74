"""The coaching widgets of the Train screen: cue with countdown, counters, warning, last rep."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Digits, Static

from perineo.display.texts import Lang, tr
from perineo.display.view import CueView, RepView, Verdict
from perineo.program.calibration import Calibration


def calibration_text(cal: Calibration, lang: Lang, *, reused: bool = False) -> str:
    """What the calibration found, in two lines: the levels, then whether the probe settled
    (and whether any squeeze lifted without pushing down)."""
    head = tr(
        lang,
        "cal.result_reused" if reused else "cal.result",
        rest=cal.rest_cmH2O,
        mvc=cal.mvc_cmH2O,
    )
    if not cal.technique_ok:
        second = tr(lang, "cal.result_push_down")
    elif cal.settled:
        second = tr(lang, "cal.result_settled")
    else:
        second = tr(lang, "cal.result_drifting", drift=cal.drift_cmH2O_per_min)
    return f"{head}\n{second}"


class CueDisplay(Horizontal):
    """The big instruction and, when the step is timed, its countdown in large digits."""

    cue: reactive[CueView] = reactive(CueView, recompose=False)

    def compose(self) -> ComposeResult:
        yield Static("", id="cue-text")
        yield Digits("", id="cue-countdown")

    def watch_cue(self, cue: CueView) -> None:
        self.query_one("#cue-text", Static).update(cue.text)
        digits = self.query_one("#cue-countdown", Digits)
        digits.update("" if cue.countdown is None else str(cue.countdown))
        digits.display = cue.countdown is not None


class RepCounter(Static):
    """``Set 1/3   Rep 4/10`` and the quick-lift dots (● came, ○ still to come)."""

    cue: reactive[CueView] = reactive(CueView)

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.lang = lang

    def watch_cue(self, cue: CueView) -> None:
        text = tr(
            self.lang,
            "train.set_rep",
            set_no=cue.set_no,
            sets=cue.sets,
            rep_no=cue.rep_no,
            reps=cue.reps,
        )
        if cue.quick_target:
            done = min(cue.quick_done, cue.quick_target)
            extra = max(0, cue.quick_done - cue.quick_target)
            dots = "●" * done + "○" * (cue.quick_target - done) + "+" * extra
            text += f"   {tr(self.lang, 'train.quick')} {dots}"
        self.update(text)


class WarningBanner(Static):
    """A technique warning in plain words (⚠, highlighted); else a quiet note, or nothing."""

    warning: reactive[str | None] = reactive(None)
    note: reactive[str | None] = reactive(None)

    def watch_warning(self) -> None:
        self._show()

    def watch_note(self) -> None:
        self._show()

    def _show(self) -> None:
        if self.warning:
            self.update(f"⚠ {self.warning}")
        else:
            self.update(f"ⓘ {self.note}" if self.note else "")
        self.set_class(bool(self.warning), "-active")


class RepResult(Static):
    """Score, verdict and reasons of the last finished repetition; before the first, what the
    calibration found (``calibration``), else "no repetition yet"."""

    rep: reactive[RepView | None] = reactive(None)
    calibration: reactive[str | None] = reactive(None)

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.lang = lang

    def watch_calibration(self) -> None:
        self.watch_rep(self.rep)

    def watch_rep(self, rep: RepView | None) -> None:
        for verdict in Verdict:
            self.remove_class(f"-{verdict.value}")
        if rep is None:
            self.update(self.calibration or tr(self.lang, "train.no_rep"))
            return
        self.add_class(f"-{rep.verdict.value}")
        label = tr(self.lang, f"verdict.{rep.verdict.value}")
        reasons = "; ".join(rep.reasons) if rep.reasons else tr(self.lang, "train.no_reasons")
        head = f"{tr(self.lang, 'train.last_rep')} {rep.index}: {rep.score}/100 {label}"
        self.update(f"{head}\n{reasons}")
