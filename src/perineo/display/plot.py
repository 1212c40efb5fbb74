"""Braille rendering of a min/max envelope: 2×4 dots a terminal cell, pure numpy."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from perineo.samples import FloatArray

# Bit of each dot in a braille cell, indexed [dot row 0..3][dot column 0..1] (Unicode 2800).
_DOT_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.intp)
_GLYPHS = np.array([" "] + [chr(0x2800 + i) for i in range(1, 256)])


CLIP_MARK = "▲"  # top row of a column whose values went above the scale (a cough, a spike)
ROBUST_PERCENTILE = 97.0  # the scale follows the contractions, not the briefest spikes


@dataclass(frozen=True)
class PlotRows:
    """Text of each plot row (top first) and which rows lie in the target band;
    ``clipped``: the cell columns whose values went above ``y_max`` (marked on the top row)."""

    rows: tuple[str, ...]
    in_band: tuple[bool, ...]
    y_min: float
    y_max: float
    clipped: tuple[bool, ...] = ()


def robust_range(
    low: FloatArray, high: FloatArray, percentile: float = ROBUST_PERCENTILE
) -> tuple[float, float] | None:
    """The range the squeezes take, ignoring the briefest extremes: the ``percentile``-th of
    the bins' highs and the opposite one of their lows. A cough (~0.3 s, up to ~160 cmH2O)
    fills a few bins of a 20 s trace; a contraction (seconds) many. None without data."""
    if not np.isfinite(high).any():
        return None
    return (
        float(np.nanpercentile(low, 100.0 - percentile)),
        float(np.nanpercentile(high, percentile)),
    )


def nice_range(lo: float, hi: float, step: float = 5.0) -> tuple[float, float]:
    """``lo``/``hi`` widened to multiples of ``step`` so the scale does not jitter."""
    lo_n = math.floor(lo / step) * step
    hi_n = math.ceil(hi / step) * step
    if hi_n - lo_n < step:
        hi_n = lo_n + step
    return lo_n, hi_n


def braille_rows(
    low: FloatArray,
    high: FloatArray,
    height: int,
    y_min: float,
    y_max: float,
    band: tuple[float, float] | None = None,
) -> PlotRows:
    """Draw the envelope (two bins per cell column) into ``height`` rows of braille.

    Each bin is drawn as a vertical run from its low to its high value, joined to the
    previous bin so the line has no holes; empty bins (NaN) stay blank.
    """
    if len(low) != len(high) or len(low) % 2:
        raise ValueError("low and high must have the same, even length (2 bins a cell)")
    if height < 1:
        raise ValueError(f"height must be >= 1, got {height}")
    width = len(low) // 2
    px = 4 * height
    scale = (px - 1) / (y_max - y_min) if y_max > y_min else 0.0
    lo = np.clip((low - y_min) * scale, 0, px - 1)
    hi = np.clip((high - y_min) * scale, 0, px - 1)
    mid = (lo + hi) / 2
    prev = np.r_[np.nan, mid[:-1]]
    joined = ~np.isnan(prev)
    lo = np.where(joined, np.fmin(lo, prev), lo)
    hi = np.where(joined, np.fmax(hi, prev), hi)
    lo_px = np.rint(lo)
    hi_px = np.rint(hi)
    level = (px - 1 - np.arange(px))[:, None]  # dot row from the top -> value pixel
    with np.errstate(invalid="ignore"):
        grid = (level >= lo_px[None, :]) & (level <= hi_px[None, :])
    cells = grid.reshape(height, 4, width, 2)
    codes = np.einsum("hrwc,rc->hw", cells.astype(np.intp), _DOT_BITS)
    glyphs = _GLYPHS[codes]
    with np.errstate(invalid="ignore"):
        over = np.fmax(high[0::2], high[1::2]) > y_max  # either bin of a cell column
    glyphs[0, over] = CLIP_MARK
    rows = tuple("".join(glyphs[r]) for r in range(height))
    in_band: tuple[bool, ...]
    if band is None:
        in_band = (False,) * height
    else:
        step = (y_max - y_min) / height
        tops = y_max - step * np.arange(height)
        bottoms = tops - step
        in_band = tuple(bool(x) for x in (bottoms < band[1]) & (tops > band[0]))
    return PlotRows(rows, in_band, y_min, y_max, tuple(bool(c) for c in over))
