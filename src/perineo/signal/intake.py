"""What the detector takes from a block before anything else: the channels as one matrix,
without the samples it cannot use.

A sample with a non-finite value or time, or a time not after the last sample taken, is
left out (and counted): a source that repeats or reorders samples must not move the
detector back in time. One-sample glitches are removed afterwards (``glitch``).
"""

from __future__ import annotations

import numpy as np

from perineo.samples import Channel, FloatArray, SampleBlock


def as_matrix(block: SampleBlock, channels: tuple[Channel, ...]) -> tuple[FloatArray, FloatArray]:
    """The block's times and its ``channels`` as the columns of one matrix."""
    missing = [c for c in channels if c not in block.data]
    if missing:
        raise ValueError(f"block lacks channel {missing[0].value}")
    x = np.column_stack([np.asarray(block.data[c], dtype=float) for c in channels])
    return np.asarray(block.t, dtype=float), x


def drop_broken(t: FloatArray, x: FloatArray, last_t: float) -> tuple[FloatArray, FloatArray, int]:
    """Leave out non-finite samples and those whose time is not after the previous one taken
    (``last_t`` from earlier blocks); return what is left and how many were left out."""
    ok = np.isfinite(t) & np.isfinite(x).all(axis=1)
    if len(t) and np.isfinite(t).all():
        # time must increase, from the last sample taken (passed on or held back)
        ok &= t > np.maximum.accumulate(np.concatenate(([last_t], t[:-1])))
    if ok.all():
        return t, x, 0
    return t[ok], x[ok], int((~ok).sum())
