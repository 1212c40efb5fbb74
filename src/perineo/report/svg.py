"""The annotated pressure trace as inline SVG: no scripts, no external assets, prints as drawn.

One panel a channel, sharing the time axis; steps shaded, each contraction numbered and
coloured by its classification, errors written under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import pairwise

import numpy as np

from perineo.assess.model import Contraction, Movement, Perfect, Step
from perineo.assess.texts import Noted
from perineo.locale import Lang, say
from perineo.samples import Channel, FloatArray, SampleBlock

WIDTH = 1000
PANEL_H = {Channel.SQUEEZE: 230, Channel.ABDOMINAL: 90, Channel.TILT: 70}
LEFT, RIGHT, TOP, GAP, AXIS = 56, 12, 18, 14, 30
LABEL_GAP = 16  # px between contraction numbers
MAX_POINTS = 1600  # min/max pairs: every peak survives the thinning
COLOUR = {Movement.LIFT: "#1b7f3b", Movement.PUSH_DOWN: "#c0262d", Movement.NOT_VERIFIABLE: "#555"}
STEP_FILL = {
    Step.REST: "#f2f2f2",
    Step.POWER: "#e8f0fb",
    Step.ENDURANCE: "#eef7ee",
    Step.RECOVERY: "#f2f2f2",
    Step.FAST: "#fbf3e6",
}
UNIT = {Channel.SQUEEZE: "cmH2O", Channel.ABDOMINAL: "cmH2O", Channel.TILT: "°"}


def thin(t: FloatArray, y: FloatArray, n: int = MAX_POINTS) -> tuple[FloatArray, FloatArray]:
    """At most ``2n`` points keeping each bucket's minimum and maximum, in time order."""
    if len(t) <= 2 * n:
        return t, y
    edges = np.linspace(0, len(t), n + 1).astype(int)
    ts, ys = [], []
    for a, b in pairwise(edges):
        seg = y[a:b]
        i, j = int(np.argmin(seg)) + a, int(np.argmax(seg)) + a
        for k in sorted((i, j)):
            ts.append(t[k])
            ys.append(y[k])
    return np.asarray(ts), np.asarray(ys)


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    span = max(hi - lo, 1e-9)
    raw = span / n
    mag = 10 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), default=raw)
    start = np.ceil(lo / step) * step
    return [float(v) for v in np.arange(start, hi + step * 0.01, step)]


def trace_svg(block: SampleBlock, result: Perfect, lang: Lang = Lang.EN) -> str:
    """The whole recording, every channel, annotated with steps and contractions."""
    t = block.t
    chans = block.channels
    height = TOP + sum(PANEL_H[c] + GAP for c in chans) + AXIS
    if len(t) < 2:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="40"></svg>'
    t0, t1 = float(t[0]), float(t[-1])
    plot_w = WIDTH - LEFT - RIGHT

    def x(v: float) -> float:
        return LEFT + (v - t0) / (t1 - t0) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(say(lang, "report.svg.label"))}" '
        f'font-family="sans-serif" font-size="11">'
    ]
    y_top = TOP
    for ch in chans:
        h = PANEL_H[ch]
        parts.append(_panel(block, ch, result, x, (y_top, h, t0, t1), lang))
        y_top += h + GAP
    # time axis
    for v in _ticks(t0, t1, 10):
        parts.append(f'<text x="{x(v):.1f}" y="{y_top + 10}" text-anchor="middle">{v:.0f}</text>')
    axis = escape(say(lang, "report.svg.time"))
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{y_top + 24}" text-anchor="end">{axis}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _panel(
    block: SampleBlock,
    ch: Channel,
    result: Perfect,
    x,
    box: tuple[float, float, float, float],
    lang: Lang,
) -> str:
    y0, h, t0, t1 = box
    ts, ys = thin(block.t, np.asarray(block.data[ch], dtype=float))
    lo, hi = float(np.min(ys)), float(np.max(ys))
    pad = 0.08 * max(hi - lo, 1.0)
    lo, hi = lo - pad, hi + pad * (3 if ch is Channel.SQUEEZE else 1)

    def y(v: float) -> float:
        return y0 + h - (v - lo) / (hi - lo) * h

    out = [f'<g class="panel" data-channel="{ch.value}">']
    if ch is Channel.SQUEEZE:
        for s in result.steps:
            a, b = x(max(s.start_s, t0)), x(min(s.end_s, t1))
            out.append(
                f'<rect x="{a:.1f}" y="{y0}" width="{max(b - a, 0):.1f}" height="{h}" '
                f'fill="{STEP_FILL[s.step]}"/>'
                f'<text x="{a + 3:.1f}" y="{y0 + 11}" fill="#666">{_step(lang, s.step)}</text>'
            )
    out.append(
        f'<rect x="{x(t0):.1f}" y="{y0}" width="{x(t1) - x(t0):.1f}" height="{h}" '
        'fill="none" stroke="#999" stroke-width="0.6"/>'
    )
    for v in _ticks(lo, hi, 4):
        out.append(f'<text x="{x(t0) - 4:.1f}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0f}</text>')
    label = f"{say(lang, f'report.svg.channel.{ch.value}')} ({UNIT[ch]})"
    out.append(
        f'<text x="12" y="{y0 + h / 2:.1f}" transform="rotate(-90 12 {y0 + h / 2:.1f})" '
        f'text-anchor="middle">{escape(label)}</text>'
    )
    pts = " ".join(f"{x(float(a)):.1f},{y(float(b)):.1f}" for a, b in zip(ts, ys, strict=True))
    out.append(f'<polyline fill="none" stroke="#1f3a93" stroke-width="0.8" points="{pts}"/>')
    if ch is Channel.SQUEEZE:
        out += _marks(result.contractions, x, y0, h, lang)
    out.append("</g>")
    return "\n".join(out)


def _step(lang: Lang, step: Step) -> str:
    return escape(say(lang, f"report.step.{step.value}"))


def _marks(cs: Sequence[Contraction], x, y0: float, h: float, lang: Lang) -> list[str]:
    out = []
    last_label = -1e9
    for c in cs:
        col = COLOUR[c.movement]
        a = x(c.onset_s)
        b = x(c.end_s if c.end_s is not None else c.onset_s)
        title = escape(
            say(
                lang,
                "report.svg.mark",
                n=c.index + 1,
                step=say(lang, f"report.step.{c.step.value}"),
                movement=c.movement,
                peak=c.peak_cmH2O,
            )
            + ("" if c.held_s is None else say(lang, "report.svg.held", held=c.held_s))
            + (f"; {', '.join(say(lang, Noted(e)) for e in c.errors)}" if c.errors else "")
        )
        out.append(
            f'<g class="contraction" data-movement="{c.movement.value}"><title>{title}</title>'
            f'<line x1="{a:.1f}" x2="{a:.1f}" y1="{y0 + 14}" y2="{y0 + h}" stroke="{col}" '
            'stroke-width="0.8" stroke-dasharray="2,2"/>'
            f'<rect x="{a:.1f}" y="{y0 + 16}" width="{max(b - a, 1.5):.1f}" height="4" '
            f'fill="{col}"/>'
        )
        if a - last_label >= LABEL_GAP or c.errors:  # crowded numbers stay in the tooltip
            out.append(f'<text x="{a + 1:.1f}" y="{y0 + 30}" fill="{col}">{c.index + 1}</text>')
            last_label = a
        if c.errors:
            short = escape(",".join(say(lang, f"report.svg.abbr.{e}") for e in c.errors))
            out.append(f'<text x="{a + 1:.1f}" y="{y0 + 41}" fill="#c0262d">{short}</text>')
        out.append("</g>")
    return out
