"""A cough's spike (~160 cmH2O for 0.3 s) does not squash the trace: the scale follows the
contractions, and the spike is clipped with its columns marked on the top row."""

from __future__ import annotations

import numpy as np
from textual.app import App, ComposeResult

from perineo.display.plot import CLIP_MARK, braille_rows, robust_range
from perineo.display.tracebuf import TraceBuffer
from perineo.tui.widgets.trace import PressureTrace

from .helpers import run

REST, HOLD = 30.0, 55.0


def _buffer(cough: bool) -> TraceBuffer:
    """20 s at 50 Hz: rest, a 7 s hold at 55 cmH2O, rest; with a cough at 16 s."""
    t = np.arange(0.0, 20.0, 0.02)
    v = np.where((t > 5.0) & (t < 12.0), HOLD, REST)
    if cough:
        v = np.where((t > 16.0) & (t < 16.3), 160.0, v)
    buf = TraceBuffer(keep_s=30.0)
    buf.append(t, v.astype(float))
    return buf


def test_robust_range_ignores_a_brief_spike() -> None:
    buf = _buffer(cough=True)
    env = buf.envelope(150, 20.0)
    lo, hi = robust_range(env.low, env.high) or (0.0, 0.0)
    assert lo == REST and hi == HOLD
    rows = braille_rows(env.low, env.high, 8, 25.0, 60.0)
    assert sum(rows.clipped) in (1, 2) and CLIP_MARK in rows.rows[0]
    assert CLIP_MARK not in "".join(rows.rows[1:])


class _One(App[None]):
    def __init__(self, buf: TraceBuffer) -> None:
        super().__init__()
        self.buf = buf

    def compose(self) -> ComposeResult:
        yield PressureTrace(self.buf, id="trace")


def _drawn(cough: bool) -> tuple[float, list[str]]:
    app = _One(_buffer(cough))
    out: list[tuple[float, list[str]]] = []

    async def drive() -> None:
        async with app.run_test(size=(80, 12)) as pilot:
            trace = app.query_one(PressureTrace)
            trace.baseline = REST
            await pilot.pause(0.2)
            plot = trace._plot
            assert plot is not None
            lines = [trace.render_line(y).text for y in range(len(plot.rows))]
            out.append((plot.y_max, lines))

    run(drive())
    return out[0]


def test_the_trace_keeps_its_scale_through_a_cough() -> None:
    quiet_top, _ = _drawn(cough=False)
    top, lines = _drawn(cough=True)
    assert top == quiet_top <= 70.0  # the hold fills the height, as without the cough
    assert CLIP_MARK in lines[0] and all(CLIP_MARK not in line for line in lines[1:])
    # the hold still reaches from near the bottom to near the top
    assert sum(1 for line in lines if any(ch not in " │┃0123456789" for ch in line[5:])) >= 6
