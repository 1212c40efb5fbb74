"""The assessment's words: every key the assessment, its screen and its report use is in
every catalogue, and each says all its values.

The domain (perineo.assess) gives keys with numbers (assess/texts.py); the report, the
assessment screen and the command line say them. Here each kind of line is made by the
real functions (a summary with every error, every check with and without its channels,
every finding, every cue of the guide) and said in every language; the report and the
screen are drawn in every language, so a key they look up that a catalogue lacks fails; and
every key written out anywhere in src/ (the app's, the commands', the report's) is in every
catalogue.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from textual.app import App

import perineo
from perineo.assess.bands import band_for
from perineo.assess.guide import GuideRunner, Prompt, PromptKind
from perineo.assess.live import LiveContraction
from perineo.assess.model import Contraction, Movement, Perfect, Step, StepSpan
from perineo.assess.scheme import _borderline, _breathing_in_p, _moved, _not_counted
from perineo.assess.steps import NO_ASSESSMENT
from perineo.assess.technique import checks, findings, summary_sentence
from perineo.assess.texts import Finding, GuideText, Note
from perineo.locale import NAMESPACES, Lang, catalogue, say
from perineo.program.texts import Message
from perineo.report import ReportInfo, report_html
from perineo.samples import Channel, SampleBlock
from perineo.signal.events import TechError
from perineo.tui.app import PerineoApp
from perineo.tui.screens.assess import contraction_row, squeeze_cue

SRC = Path(perineo.__file__).parent
ERRORS = tuple(e.value for e in TechError)


def _c(i: int, step: Step, movement: Movement, *errors: str, tilt: float = 0.5) -> Contraction:
    return Contraction(
        i, step, 10.0 * i, 10.0 * i + 0.5, 10.0 * i + 6.0, 10.0 * i + 7.0, 30.0 + i, 6.0 - i / 10,
        0.5, 0.8, movement, errors, relaxed=bool(i % 2), tilt_change_deg=tilt,
    )  # fmt: skip


CONTRACTIONS = (
    _c(0, Step.ENDURANCE, Movement.LIFT),
    _c(1, Step.ENDURANCE, Movement.PUSH_DOWN, "push_down"),
    _c(2, Step.ENDURANCE, Movement.LIFT, "abdominal_bracing", "breath_hold"),
    _c(3, Step.FAST, Movement.NOT_VERIFIABLE, "incomplete_release"),
    _c(4, Step.FAST, Movement.LIFT, "incomplete_release", tilt=9.0),
    _c(5, Step.POWER, Movement.LIFT),
)


def notes() -> list[Note]:
    """A line of every kind the assessment gives."""
    cs = CONTRACTIONS
    out = [
        *summary_sentence(cs, ERRORS),
        *summary_sentence((), ()),
        *summary_sentence([_c(0, Step.FAST, Movement.NOT_VERIFIABLE)], ()),
        *findings(cs),
        *_borderline(cs[:2], 3, 5),
        *_breathing_in_p(40.0, 1.5, 1.0),
        *_moved(cs[4:5]),
        *_not_counted([replace(cs[0], index=7, end_s=cs[0].onset_s + 0.6)]),  # a twitch
    ]
    for channels in ((Channel.SQUEEZE,), (Channel.SQUEEZE, Channel.TILT), tuple(Channel)):
        out += checks(cs, channels) + checks(cs[:1], channels)
    return out


def prompts() -> list[Prompt]:
    """Every prompt of a whole guided assessment, a repeated hold among them."""
    r = GuideRunner()
    out = r.start(0.0)
    for t in np.arange(0.0, 400.0, 0.5):
        out += r.advance(float(t))
        if r.current is not None and r.current.step is Step.ENDURANCE and r.repeat_hold_s is None:
            r.repeat_hold(7.3, 0.6)
    return out


@pytest.mark.parametrize("lang", list(Lang))
def test_every_line_of_the_assessment_is_said_in_every_language(lang: Lang) -> None:
    lines = notes()
    keys = {n.message.key for n in lines} | {m.key for n in lines for m in n.items}
    assert set(Finding) - {Finding.NO_ASSESSMENT} <= keys, set(Finding) - keys
    for n in lines:
        words = say(lang, n)
        assert words.strip() and "{" not in words, (lang, n, words)
    assert say(lang, NO_ASSESSMENT).strip()


@pytest.mark.parametrize("lang", list(Lang))
def test_every_cue_of_the_guide_is_said_in_every_language(lang: Lang) -> None:
    said = [p.message for p in prompts() if p.message is not None]
    kinds = {p.kind for p in prompts()}
    assert kinds == set(PromptKind)
    keys = {m.key for m in said} | {v for m in said for _, v in m.args}
    assert set(GuideText) - {GuideText.LET_GO} <= keys, set(GuideText) - keys
    for m in [*said, Message.of(GuideText.LET_GO)]:
        words = say(lang, m)
        assert words.strip() and "{" not in words, (lang, m, words)


def _perfect() -> Perfect:
    cs = CONTRACTIONS
    channels = tuple(Channel)
    return Perfect(
        power_cmH2O=35.0, band=band_for(35.0), endurance_s=5.6, repetitions=3, fast=2,
        resting_cmH2O=30.0, contractions=cs,
        steps=tuple(StepSpan(s, 10.0 * i, 10.0 * i + 10.0) for i, s in enumerate(Step)),
        channels=tuple(c.value for c in channels), summary=summary_sentence(cs, ()),
        findings=findings(cs), repetitions_range=(2, 4), power_uncertainty_cmH2O=2.0,
        qualifiers=_borderline(cs[:1], 2, 4), checks=checks(cs, channels),
    )  # fmt: skip


def _block() -> SampleBlock:
    t = np.arange(0.0, 60.0, 0.1)
    return SampleBlock(t, {c: 30.0 + 10.0 * np.sin(t / 3.0) for c in Channel})


@pytest.mark.parametrize("lang", list(Lang))
def test_the_report_is_drawn_in_every_language(lang: Lang) -> None:
    prev = {"date": "2026-01-01T10:00:00+00:00", "power_cmH2O": 30.0, "endurance_s": 4.0}
    info = ReportInfo("P-1", datetime(2026, 2, 1, tzinfo=UTC), "probe A", "x.csv", prev)
    html = report_html(_perfect(), _block(), info, lang)
    assert f'<html lang="{lang.value}">' in html
    assert "{" not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    if lang is not Lang.EN:  # no English left where the language has its own words
        en, here = catalogue(Lang.EN), catalogue(lang)
        shown = [k for k in en if k.startswith("report.") and "{" not in en[k]]
        english = [en[k] for k in shown if en[k] != here[k] and len(en[k]) > 8]
        text = re.sub(r"<[^>]+>", " ", html)  # what a reader sees, not the markup's names
        assert english and not [w for w in english if w in text]


@pytest.mark.parametrize("lang", list(Lang))
def test_the_assessment_screen_says_every_row_and_cue_in_every_language(lang: Lang) -> None:
    rows = [
        LiveContraction(1, None, 1.0, True),
        LiveContraction(2, Step.POWER, 2.0, False),
        *(LiveContraction(3, step, 3.0, True, 40.0, 5.0, Movement.LIFT) for step in Step),
        *(LiveContraction(4, Step.FAST, 4.0, True, 40.0, 0.2, m, ERRORS) for m in Movement),
    ]
    rows[0] = LiveContraction(1, None, 1.0, True, cancelled=True)
    for c in rows:
        assert all("{" not in cell for cell in contraction_row(c, lang))
    for repeat, hold in ((False, 10.0), (True, 7.0), (False, 1.0)):
        cue = squeeze_cue(
            Prompt(PromptKind.SQUEEZE, 0.0, Step.ENDURANCE, 2, hold, None, repeat), lang
        )
        assert "2" in cue and "{" not in cue


def _action(text: str) -> bool:
    """``app.quit``: a Textual action of the app (a key binds it), not a text."""
    part, _, name = text.partition(".")
    return part == "app" and any(hasattr(a, f"action_{name}") for a in (App, PerineoApp))


def _literal_keys() -> set[str]:
    """Every whole key written out in src/ in any part of the catalogues (``"report.title"``,
    ``"assess.screen.key.redo"``, ``"key.quit"``, ``"history.none"``)."""
    parts = sorted({k.split(".")[0] for k in catalogue(Lang.EN) if "." in k})
    key = re.compile(rf"({'|'.join(parts)})\.[a-z_]+(\.[a-z_0-9]+)*")
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                found |= {text} if key.fullmatch(text) and not _action(text) else set()
    return found


def test_every_key_written_in_the_code_is_in_every_catalogue() -> None:
    keys = _literal_keys() - set(NAMESPACES.values())  # a namespace is no key of its own
    # the scan finds them: the report's, the assessment screen's and CLI's, the app's own
    found = {"report.no_previous", "assess.screen.key.redo", "assess.cli.stored", "key.quit"}
    assert found | {"report.reading.too_long", "history.none"} <= keys
    for lang in Lang:
        missing = sorted(k for k in keys if k not in catalogue(lang))
        assert not missing, (lang, missing)
