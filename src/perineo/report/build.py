"""The assessment report: one JSON object, or one self-contained HTML page.

The HTML has its styles inline and its trace as inline SVG: no scripts, fonts or images
to fetch, so it opens anywhere and prints to PDF from any browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from perineo import strict_json
from perineo.assess.model import (
    ENDURANCE_FRACTION,
    ENDURANCE_MAX_S,
    Perfect,
    breath_named,
    held_floor,
)
from perineo.assess.texts import Noted
from perineo.locale import Lang, say, words
from perineo.paths import write_file
from perineo.report.svg import trace_svg
from perineo.samples import SampleBlock

SCHEMA = "perineo.assessment/1"
COMPARED = (
    ("power_cmH2O", "P", "cmH2O"),
    ("endurance_s", "E", "s"),
    ("repetitions", "R", ""),
    ("fast", "F", ""),
    ("resting_cmH2O", "rest", "cmH2O"),
)


@dataclass(frozen=True)
class ReportInfo:
    """What the report says about where the numbers come from."""

    patient: str | None
    when: datetime
    probe: str
    source: str
    previous: dict[str, object] | None = None  # an earlier assessment's JSON (same patient)
    out_of_range_samples: int = 0  # corrupt samples left out of the recording (probe range)
    measured_from_s: float | None = None  # the first sample measured (report/reading.py)
    warnings: tuple[str, ...] = ()  # what of the recording the report leaves out, a line each


def changes(now: dict[str, object], before: dict[str, object] | None) -> dict[str, object]:
    """Each PERFECT number now minus the previous assessment's (None where either lacks it)."""
    if before is None:
        return {}
    out: dict[str, object] = {}
    for key, _, _ in COMPARED:
        a, b = now.get(key), before.get(key)
        if isinstance(a, int | float) and isinstance(b, int | float):
            out[key] = round(float(a) - float(b), 1)
        else:
            out[key] = None
    return out


def report_json(result: Perfect, info: ReportInfo, lang: Lang = Lang.EN) -> dict[str, object]:
    doc: dict[str, object] = {"schema": SCHEMA, **result.to_json(words(lang))}
    prev = info.previous
    doc.update(
        patient=info.patient,
        date=info.when.isoformat(),
        probe=info.probe,
        source=info.source,
        previous=None
        if prev is None
        else {k: prev.get(k) for k in ("date", *(c[0] for c in COMPARED), "perfect")},
        change=changes(doc, prev),
        out_of_range_samples=info.out_of_range_samples,
        measured_from_s=info.measured_from_s,
        warnings=list(info.warnings),
    )
    return doc


def _fmt(v: object, nd: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return escape(str(v))


CSS = """
body { font-family: sans-serif; color: #111; margin: 1.5em; max-width: 1100px; }
h1 { font-size: 1.3em; margin: 0 0 .2em 0; }
.meta { color: #444; margin-bottom: .8em; }
.perfect { font-size: 2em; font-weight: bold; margin: .3em 0; letter-spacing: .02em; }
.summary { font-size: 1.1em; margin: .4em 0 .8em 0; }
table { border-collapse: collapse; font-size: .85em; margin: .5em 0 1em 0; }
th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: right; }
th { background: #eee; }
td.l, th.l { text-align: left; }
.lift { color: #1b7f3b; } .push_down { color: #c0262d; font-weight: bold; }
.not_verifiable { color: #555; }
.note { color: #444; font-size: .85em; }
figure { margin: 0; }
@media print { body { margin: 0; } .trace { break-inside: avoid; } h2 { break-after: avoid; } }
@page { size: A4 landscape; margin: 12mm; }
"""


def report_html(result: Perfect, block: SampleBlock, info: ReportInfo, lang: Lang = Lang.EN) -> str:
    doc = report_json(result, info, lang)

    def tr(key: str, **values: object) -> str:
        return say(lang, f"report.{key}", **values)

    band = result.band
    band_txt = (
        "–"
        if band is None
        else tr("band_value", label=say(lang, f"assess.band.{band.grade}"), grade=band.grade)
    )
    title = tr("title")
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{Lang(lang).value}"><head><meta charset="utf-8">',
        f"<title>{escape(title)} {_fmt(info.patient)} {info.when.date().isoformat()}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<div class="meta">{escape(tr("patient"))} <b id="patient">{_fmt(info.patient)}</b> · '
        f'{escape(info.when.strftime("%Y-%m-%d %H:%M"))} · {escape(tr("probe"))} '
        f"{escape(info.probe)} · {escape(tr('channels'))} "
        f"{escape(_channels(result.channels, lang))} · {escape(info.source)}</div>",
        *(f"<p class='note reading'>{escape(w)}</p>" for w in info.warnings),
        f'<div class="perfect" id="perfect">{escape(result.line())}</div>',
        f'<div class="summary" id="summary">{escape(str(doc["summary"]))}</div>',
        f"<table><tr><th class='l'>{escape(tr('measure'))}</th><th>{escape(tr('value'))}</th>"
        f"<th class='l'>{escape(tr('definition'))}</th></tr>",
        _row(tr("p"), _p_value(result, lang), tr("p_is")),
        _row(tr("band"), band_txt, tr("band_is")),
        _row(tr("e"), f"{_whole(result.endurance_s)} s",
             tr("e_is", percent=round(100 * ENDURANCE_FRACTION), most=round(ENDURANCE_MAX_S))),
        _row(tr("r"), _r_value(result, lang), tr("r_is")),
        _row(tr("f"), str(result.fast), tr("f_is")),
        _row(tr("rest"), f"{_fmt(result.resting_cmH2O)} cmH2O", tr("rest_is")),
        "</table>",
    ]  # fmt: skip
    body = head + _comparison(doc, lang) + _contractions(result, lang) + _findings(doc, lang)
    body += [
        f'<h2>{escape(tr("trace"))}</h2><figure class="trace">',
        trace_svg(block, result, lang),
        f"<figcaption class='note'>{escape(tr('trace_is'))}</figcaption>",
        "</figure>",
        f"<p class='note'>{escape(tr('footer'))}</p>",
        "</body></html>",
    ]
    return "\n".join(body) + "\n"


def _channels(channels: tuple[str, ...], lang: Lang) -> str:
    return ", ".join(say(lang, f"report.svg.channel.{c}") for c in channels)


def _row(name: str, value: str, definition: str) -> str:
    return (
        f"<tr><td class='l'>{escape(name)}</td><td>{value}</td>"
        f"<td class='l'>{escape(definition)}</td></tr>"
    )


def _comparison(doc: dict[str, object], lang: Lang) -> list[str]:
    prev = doc.get("previous")
    if not isinstance(prev, dict):
        none = escape(say(lang, "report.no_previous"))
        return [f"<p class='note' id='comparison'>{none}</p>"]
    change = doc.get("change") or {}
    assert isinstance(change, dict)
    rows = [
        f"<h2>{escape(say(lang, 'report.compared'))}</h2>",
        f"<table id='comparison'><tr><th class='l'></th><th>{_fmt(prev.get('date'))[:10]}</th>"
        f"<th>{escape(say(lang, 'report.now'))}</th>"
        f"<th>{escape(say(lang, 'report.change'))}</th></tr>",
    ]
    for key, name, unit in COMPARED:
        name = say(lang, f"report.compared.{key}")
        before, now, ch = prev.get(key), doc.get(key), change.get(key)
        if key == "endurance_s":  # whole seconds held, as in the PERFECT line
            before, now = _whole(before), _whole(now)
            ch = None if "–" in (before, now) else int(now) - int(before)
        sign = "" if ch is None else ("+" if ch > 0 else "")
        rows.append(
            f"<tr><td class='l'>{name}</td><td>{_fmt(before)}</td>"
            f"<td>{_fmt(now)}</td><td>{sign}{_fmt(ch)} {unit}</td></tr>"
        )
    rows.append("</table>")
    return rows


def _contractions(result: Perfect, lang: Lang) -> list[str]:
    def tr(key: str) -> str:
        return escape(say(lang, f"report.{key}"))

    heads = ("onset", "peak", "held", "rise", "relax")
    rows = [
        f"<h2>{tr('every')}</h2>",
        f"<table id='contractions'><tr><th>#</th><th class='l'>{tr('col.step')}</th>"
        + "".join(f"<th>{tr('col.' + h)}</th>" for h in heads)
        + "".join(f"<th class='l'>{tr('col.' + h)}</th>" for h in ("movement", "relaxed", "errors"))
        + "</tr>",
    ]
    for c in result.contractions:
        relaxed = "–" if c.relaxed is None else tr("yes" if c.relaxed else "no")
        errors = ", ".join(say(lang, Noted(e)) for e in c.errors)
        rows.append(
            f"<tr><td>{c.index + 1}</td><td class='l'>{tr('step.' + c.step.value)}</td>"
            f"<td>{c.onset_s:.1f}</td>"
            f"<td>{c.peak_cmH2O:.1f}</td><td>{_tenths(c.held_s)}</td>"
            f"<td>{_fmt(c.rise_time_s, 2)}</td>"
            f"<td>{_fmt(c.relax_time_s, 2)}</td>"
            f"<td class='l {c.movement.value}'>{escape(say(lang, c.movement))}</td>"
            f"<td class='l'>{relaxed}</td>"
            f"<td class='l'>{escape(errors)}</td></tr>"
        )
    rows.append("</table>")
    return rows


def _p_value(result: Perfect, lang: Lang) -> str:
    """``32 cmH2O``, or ``32 cmH2O (± 2.1, breathing)`` where the breathing stays in it."""
    p = f"{_fmt(result.power_cmH2O)} cmH2O"
    could = result.power_uncertainty_cmH2O
    if could is None or not breath_named(result.power_cmH2O, could):
        return p
    return f"{p} {escape(say(lang, 'report.p_could', could=could))}"


def _r_value(result: Perfect, lang: Lang) -> str:
    """``5``, or ``5 (could read 4–5)`` when holds ended near the E − 1 s line."""
    low, high = result.repetitions_range
    if low == high:
        return str(result.repetitions)
    return f"{result.repetitions} {escape(say(lang, 'report.r_could', low=low, high=high))}"


def _whole(seconds: object) -> str:
    """E as the PERFECT line gives it: whole seconds held (8.96 s is 8)."""
    if not isinstance(seconds, int | float):
        return "–"
    return f"{held_floor(float(seconds)):.0f}"


def _tenths(seconds: float | None) -> str:
    """A contraction's time held to the tenth below, as the live table shows it."""
    return "–" if seconds is None else f"{held_floor(seconds, 1):.1f}"


def _findings(doc: dict[str, object], lang: Lang) -> list[str]:
    """What each technique check found, or could not check with these channels; then
    what was noted contraction by contraction (as the JSON says them, in ``lang``)."""
    checks, found = doc["checks"], doc["findings"]
    assert isinstance(checks, list) and isinstance(found, list)
    out = [f"<h2>{escape(say(lang, 'report.findings'))}</h2><ul id='checks'>"]
    out += [f"<li>{escape(str(c))}</li>" for c in checks]
    out.append("</ul>")
    if found:
        out += ["<ul id='findings'>", *(f"<li>{escape(str(f))}</li>" for f in found), "</ul>"]
    return out


def write_private(
    path: str | Path, text: str, *, overwrite: bool = False, inputs: tuple[Path, ...] = ()
) -> Path:
    """Write a report the user asked for, whole and readable by the user only (0600).

    An existing file is replaced only with ``overwrite``, never when it is one of ``inputs``.
    """
    return write_file(path, text, overwrite=overwrite, inputs=inputs)


def dumps(doc: dict[str, object]) -> str:
    """The report's JSON, strict: a non-finite number is ``null`` (``perineo.strict_json``)."""
    return strict_json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
