"""The assessment report: one JSON object, or one self-contained HTML page.

The HTML has its styles inline and its trace as inline SVG: no scripts, fonts or images
to fetch, so it opens anywhere and prints to PDF from any browser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from perineo.assess.model import (
    ENDURANCE_FRACTION,
    ENDURANCE_MAX_S,
    Movement,
    Perfect,
    breath_named,
    held_floor,
)
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


def report_json(result: Perfect, info: ReportInfo) -> dict[str, object]:
    doc: dict[str, object] = {"schema": SCHEMA, **result.to_json()}
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


def report_html(result: Perfect, block: SampleBlock, info: ReportInfo) -> str:
    doc = report_json(result, info)
    band = result.band
    band_txt = (
        "–"
        if band is None
        else f"{band.label} (band {band.grade} of 5; modified-Oxford-like, by the cut-offs of "
        "Angelo et al. 2017 — pressures depend on the probe, compare only on the same probe)"
    )
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>PERFECT assessment {_fmt(info.patient)} {info.when.date().isoformat()}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>PERFECT assessment</h1>",
        f'<div class="meta">patient <b id="patient">{_fmt(info.patient)}</b> · '
        f'{escape(info.when.strftime("%Y-%m-%d %H:%M"))} · probe {escape(info.probe)} · '
        f"channels {escape(', '.join(result.channels))} · {escape(info.source)}</div>",
        f'<div class="perfect" id="perfect">{escape(result.line())}</div>',
        f'<div class="summary" id="summary">{escape(result.summary)}</div>',
        "<table><tr><th class='l'>measure</th><th>value</th><th class='l'>definition</th></tr>",
        _row("P power", _p_value(result),
             "best peak of the counted contractions, above the level at its feet"),
        _row("band", band_txt, "probe-dependent guide, not a grade"),
        _row("E endurance", f"{_whole(result.endurance_s)} s",
             f"first maximal hold: whole seconds above {100 * ENDURANCE_FRACTION:.0f} % of its "
             f"peak (rounded down), up to {ENDURANCE_MAX_S:.0f}"),
        _row("R repetitions", _r_value(result),
             "holds among the first 10 held at least E − 1 s"),
        _row("F fast", str(result.fast), "1-s contractions after the minute's rest, up to 10"),
        _row("resting level", f"{_fmt(result.resting_cmH2O)} cmH2O", "median at rest, absolute"),
        "</table>",
    ]  # fmt: skip
    body = head + _comparison(doc) + _contractions(result) + _findings(result)
    body += [
        '<h2>Trace</h2><figure class="trace">',
        trace_svg(block, result),
        "<figcaption class='note'>Numbered marks: each contraction from onset to the end of "
        "its fall; green lift, red push-down, grey not verifiable. Shading: the steps."
        "</figcaption>",
        "</figure>",
        "<p class='note'>Definitions and their accuracy on simulated assessments: perineo "
        "docs/clinician.md. Pseudonymous patient ID only; this report holds no name.</p>",
        "</body></html>",
    ]
    return "\n".join(body) + "\n"


def _row(name: str, value: str, definition: str) -> str:
    return (
        f"<tr><td class='l'>{escape(name)}</td><td>{value}</td>"
        f"<td class='l'>{escape(definition)}</td></tr>"
    )


def _comparison(doc: dict[str, object]) -> list[str]:
    prev = doc.get("previous")
    if not isinstance(prev, dict):
        return ["<p class='note' id='comparison'>No previous assessment of this patient.</p>"]
    change = doc.get("change") or {}
    assert isinstance(change, dict)
    rows = [
        "<h2>Compared with the previous assessment</h2>",
        f"<table id='comparison'><tr><th class='l'></th><th>{_fmt(prev.get('date'))[:10]}</th>"
        "<th>now</th><th>change</th></tr>",
    ]
    for key, name, unit in COMPARED:
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


def _contractions(result: Perfect) -> list[str]:
    rows = [
        "<h2>Every contraction</h2>",
        "<table id='contractions'><tr><th>#</th><th class='l'>step</th><th>onset s</th>"
        "<th>peak cmH2O</th><th>held s</th><th>rise s</th><th>relax s</th>"
        "<th class='l'>classification</th><th class='l'>relaxed</th><th class='l'>errors</th></tr>",
    ]
    for c in result.contractions:
        relaxed = "–" if c.relaxed is None else ("yes" if c.relaxed else "no")
        rows.append(
            f"<tr><td>{c.index + 1}</td><td class='l'>{c.step.value}</td><td>{c.onset_s:.1f}</td>"
            f"<td>{c.peak_cmH2O:.1f}</td><td>{_tenths(c.held_s)}</td>"
            f"<td>{_fmt(c.rise_time_s, 2)}</td>"
            f"<td>{_fmt(c.relax_time_s, 2)}</td>"
            f"<td class='l {c.movement.value}'>{_movement(c.movement)}</td>"
            f"<td class='l'>{relaxed}</td>"
            f"<td class='l'>{escape(', '.join(e.replace('_', ' ') for e in c.errors))}</td></tr>"
        )
    rows.append("</table>")
    return rows


def _movement(m: Movement) -> str:
    return {"lift": "lift", "push_down": "push-down", "not_verifiable": "not verifiable"}[m.value]


def _p_value(result: Perfect) -> str:
    """``32 cmH2O``, or ``32 cmH2O (± 2.1, breathing)`` where the breathing stays in it."""
    p = f"{_fmt(result.power_cmH2O)} cmH2O"
    could = result.power_uncertainty_cmH2O
    if could is None or not breath_named(result.power_cmH2O, could):
        return p
    return f"{p} (± {could:.1f}, breathing)"


def _r_value(result: Perfect) -> str:
    """``5``, or ``5 (could read 4–5)`` when holds ended near the E − 1 s line."""
    low, high = result.repetitions_range
    if low == high:
        return str(result.repetitions)
    return f"{result.repetitions} (could read {low}–{high})"


def _whole(seconds: object) -> str:
    """E as the PERFECT line gives it: whole seconds held (8.96 s is 8)."""
    if not isinstance(seconds, int | float):
        return "–"
    return f"{held_floor(float(seconds)):.0f}"


def _tenths(seconds: float | None) -> str:
    """A contraction's time held to the tenth below, as the live table shows it."""
    return "–" if seconds is None else f"{held_floor(seconds, 1):.1f}"


def _findings(result: Perfect) -> list[str]:
    """What each technique check found, or could not check with these channels; then
    what was noted contraction by contraction."""
    out = ["<h2>Findings</h2><ul id='checks'>"]
    out += [f"<li>{escape(c)}</li>" for c in result.checks]
    out.append("</ul>")
    if result.findings:
        out += ["<ul id='findings'>", *(f"<li>{escape(f)}</li>" for f in result.findings), "</ul>"]
    return out


def write_private(
    path: str | Path, text: str, *, overwrite: bool = False, inputs: tuple[Path, ...] = ()
) -> Path:
    """Write a report the user asked for, whole and readable by the user only (0600).

    An existing file is replaced only with ``overwrite``, never when it is one of ``inputs``.
    """
    return write_file(path, text, overwrite=overwrite, inputs=inputs)


def dumps(doc: dict[str, object]) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
