"""The live pressure trace: last ~20 s of squeeze with the target band, redrawn on a timer."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from perineo.display.plot import CLIP_MARK, PlotRows, braille_rows, nice_range, robust_range
from perineo.display.tracebuf import TraceBuffer

GUTTER = 5  # "  40┃": four digits of scale, one band marker


class PressureTrace(Widget):
    """Draws a :class:`TraceBuffer` it is given; never touched by the data path.

    The band (absolute cmH2O) and the resting level are attributes the screen sets. The
    scale follows the contractions (:func:`robust_range`): a brief spike above it (a cough)
    is clipped, and its columns are marked ``▲`` on the top row. The
    widget polls the buffer's version on a timer and redraws only when it changed, with one
    envelope bin per braille dot column (decimated to the plot width).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "trace--line",
        "trace--band",
        "trace--axis",
        "trace--marker",
        "trace--clip",
    }

    band: reactive[tuple[float, float] | None] = reactive(None, layout=False)
    baseline: reactive[float | None] = reactive(None, layout=False)
    span_s: reactive[float] = reactive(20.0)

    def __init__(
        self,
        buffer: TraceBuffer,
        *,
        fps: float = 25.0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.buffer = buffer
        self.fps = fps
        self.frames = 0  # plots computed (for the benchmark)
        self.paints = 0  # first-row paints by the compositor
        self._plot: PlotRows | None = None
        self._drawn: tuple[object, ...] = ()
        self._y_range: tuple[float, float] = (0.0, 40.0)

    def on_mount(self) -> None:
        self.set_interval(1.0 / self.fps, self.tick)

    def watch_band(self) -> None:
        self.tick()

    def tick(self) -> None:
        """Recompute the plot if the data, the band or the size changed."""
        width, height = self.size.width - GUTTER, self.size.height
        key = (self.buffer.version, self.band, self.baseline, width, height, self.span_s)
        if key == self._drawn or width < 2 or height < 1:
            return
        self._drawn = key
        env = self.buffer.envelope(2 * width, self.span_s)
        self._y_range = self._scale(env.low, env.high)
        self._plot = braille_rows(env.low, env.high, height, *self._y_range, band=self.band)
        self.frames += 1
        self.refresh()

    def _scale(self, low: np.ndarray, high: np.ndarray) -> tuple[float, float]:
        lo_vals: list[float] = []
        hi_vals: list[float] = []
        # the contractions set the scale; a cough's spike is clipped, marked on the top row
        robust = robust_range(low, high)
        if robust is not None:
            lo_vals.append(robust[0])
            hi_vals.append(robust[1])
        if self.baseline is not None:
            lo_vals.append(self.baseline - 2.0)
            hi_vals.append(self.baseline + 10.0)
        if self.band is not None:
            lo_vals.append(self.band[0])
            hi_vals.append(self.band[1] + 2.0)
        if not lo_vals:
            return self._y_range
        return nice_range(min(lo_vals), max(hi_vals))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            self.paints += 1
        plot = self._plot
        if plot is None or y >= len(plot.rows):
            return Strip.blank(width, self.rich_style)
        axis = self.get_component_rich_style("trace--axis")
        line = self.get_component_rich_style("trace--line")
        in_band = plot.in_band[y]
        row_style: Style = line
        if in_band:
            row_style = line + self.get_component_rich_style("trace--band")
        label = _label(y, len(plot.rows), plot.y_min, plot.y_max)
        if in_band:
            marker = Segment("┃", self.get_component_rich_style("trace--marker"))
        else:
            marker = Segment("│", axis)
        segments = [Segment(f"{label:>4}", axis), marker]
        if y == 0 and any(plot.clipped):
            clip = row_style + self.get_component_rich_style("trace--clip")
            segments += [
                Segment(text, clip if text.startswith(CLIP_MARK) else row_style)
                for text in _runs(plot.rows[0])
            ]
        else:
            segments.append(Segment(plot.rows[y], row_style))
        return Strip(segments).adjust_cell_length(width, self.rich_style)


def _label(y: int, height: int, y_min: float, y_max: float) -> str:
    if y == 0:
        return f"{y_max:.0f}"
    if y == height - 1:
        return f"{y_min:.0f}"
    if height >= 5 and y == height // 2:
        return f"{(y_min + y_max) / 2:.0f}"
    return ""


def _runs(row: str) -> list[str]:
    """``row`` split into runs of clip marks and runs of anything else."""
    runs: list[str] = []
    for ch in row:
        if runs and (ch == CLIP_MARK) == runs[-1].startswith(CLIP_MARK):
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs
