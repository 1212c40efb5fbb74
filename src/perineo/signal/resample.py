"""Causal resampling of irregular samples onto a fixed internal grid.

Grid point ``g`` is computed as soon as the first raw sample with ``t >= g`` arrives (linear
interpolation between its two neighbours), so the resampler adds at most one raw sample
interval of delay. A raw interval longer than ``gap_s`` is a gap: no grid points are made
inside it and the grid restarts at the first sample after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from perineo.samples import FloatArray


@dataclass(frozen=True)
class ResampleState:
    """Where the grid stands: the last raw sample and the next grid time."""

    last_t: float | None = None
    last_x: FloatArray | None = None
    origin: float = 0.0  # grid time of index 0 of the current segment
    next_k: int = 0  # index of the next grid point not yet emitted


@dataclass(frozen=True)
class Resampled:
    t: FloatArray  # grid times
    available_s: FloatArray  # stream time at which each grid value became computable
    x: FloatArray  # shape (n, channels)
    segment_start: np.ndarray  # bool: first grid point after a gap (or the very first)
    gaps: tuple[tuple[float, float], ...]  # (last time before, first time after)


def resample(
    t: FloatArray,
    x: FloatArray,
    state: ResampleState,
    fs: float,
    gap_s: float,
) -> tuple[Resampled, ResampleState]:
    """Resample raw samples ``(t, x)`` (x shape (n, c)) onto the grid ``t0 + k/fs``.

    Pure: returns the grid samples this block completes and the new state.
    """
    dt = 1.0 / fs
    c = x.shape[1]
    if len(t) == 0:
        empty = np.empty(0)
        return Resampled(empty, empty, np.empty((0, c)), np.empty(0, bool), ()), state
    if state.last_t is not None and state.last_x is not None:
        tt = np.concatenate(([state.last_t], t))
        xx = np.vstack((state.last_x[None, :], x))
        origin, next_k = state.origin, state.next_k
    else:
        tt, xx, origin, next_k = t, x, float(t[0]), 0
    # Split where the raw interval is a gap.
    d = np.diff(tt)
    gap_idx = np.flatnonzero(d > gap_s)
    bounds = np.concatenate(([0], gap_idx + 1, [len(tt)]))
    out_t: list[NDArray[np.floating[Any]]] = []
    out_a: list[FloatArray] = []
    out_x: list[FloatArray] = []
    out_s: list[np.ndarray] = []
    gaps: list[tuple[float, float]] = []
    first_segment_new = state.last_t is None
    for j in range(len(bounds) - 1):
        lo, hi = int(bounds[j]), int(bounds[j + 1])
        seg_t = tt[lo:hi]
        seg_x = xx[lo:hi]
        new_segment = first_segment_new if j == 0 else True
        if j > 0:
            gaps.append((float(tt[lo - 1]), float(tt[lo])))
            origin, next_k = float(seg_t[0]), 0
        # grid points origin + k*dt for next_k <= k with grid time <= seg_t[-1]
        k_last = int(np.floor((seg_t[-1] - origin) * fs + 1e-6))
        # exact rule (no tolerance) so that every split of the stream makes the same grid
        while k_last >= next_k and origin + k_last * dt > seg_t[-1]:
            k_last -= 1
        n = k_last - next_k + 1
        if n <= 0:
            continue
        g = origin + np.arange(next_k, k_last + 1) * dt
        idx = np.searchsorted(seg_t, g, side="left")
        idx = np.minimum(idx, len(seg_t) - 1)  # (searchsorted gives 0 and up)
        avail = seg_t[idx]
        gx = np.empty((n, c))
        for ci in range(c):
            gx[:, ci] = np.interp(g, seg_t, seg_x[:, ci])
        starts = np.zeros(n, bool)
        if new_segment:
            starts[0] = True
        out_t.append(g)
        out_a.append(avail)
        out_x.append(gx)
        out_s.append(starts)
        next_k = k_last + 1
    new_state = ResampleState(float(tt[-1]), xx[-1].copy(), origin, next_k)
    if out_t:
        res = Resampled(
            np.concatenate(out_t),
            np.concatenate(out_a),
            np.vstack(out_x),
            np.concatenate(out_s),
            tuple(gaps),
        )
    else:
        empty = np.empty(0)
        res = Resampled(empty, empty, np.empty((0, c)), np.empty(0, bool), tuple(gaps))
    return res, new_state
