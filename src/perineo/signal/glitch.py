"""One-sample glitches (a corrupted value, an electrical spike) removed before anything else.

A sample that jumps from its predecessor by more than ``jump`` in some channel is replaced
by the median of itself and its two neighbours. A real edge (a cough rising over several
samples) is monotone and passes unchanged; a lone spike does not. Only such a suspicious
sample waits for its successor, so ordinary samples are not delayed at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perineo.samples import FloatArray


@dataclass(frozen=True)
class GlitchState:
    prev: FloatArray | None = None  # last sample passed on
    held_t: float | None = None  # a suspicious last sample waiting for its successor
    held_x: FloatArray | None = None


def remove_glitches(
    t: FloatArray, x: FloatArray, state: GlitchState, jump: float
) -> tuple[FloatArray, FloatArray, GlitchState, int]:
    """Return the samples ready to pass on (copies), the new state and how many were fixed."""
    if state.held_t is not None and state.held_x is not None:
        t = np.concatenate(([state.held_t], t))
        x = np.vstack((state.held_x[None, :], x))
    else:
        x = x.copy()
    n = len(t)
    if n == 0:
        return t, x, state, 0
    prev = state.prev if state.prev is not None else x[0]
    ref = np.vstack((prev[None, :], x[:-1]))
    suspicious = np.flatnonzero((np.abs(x - ref) > jump).any(axis=1))
    fixed = 0
    held_t = held_x = None
    for k in suspicious:
        if k == n - 1:
            held_t, held_x = float(t[k]), x[k].copy()
            t, x = t[:-1], x[:-1]
            break
        before = x[k - 1] if k > 0 else prev
        med = median_of_three(np.vstack((before, x[k], x[k + 1])))
        if not np.array_equal(med, x[k]):
            x[k] = med
            fixed += 1
    new_prev = x[-1].copy() if len(x) else state.prev
    return t, x, GlitchState(new_prev, held_t, held_x), fixed


def median_of_three(rows: FloatArray) -> FloatArray:
    """``numpy.median(rows, axis=0)`` of three rows of finite values, to the bit, without
    its overhead: the same partition, and its mean of one value (``+ 0.0``: -0.0 becomes
    0.0). (The samples are finite: ``intake`` left out the others.)"""
    mid: FloatArray = np.partition(rows, [1, -1], axis=0)[1] + 0.0
    return mid
