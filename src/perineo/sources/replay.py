"""Replay a recording CSV as a live source, at real speed (scaled) or as fast as possible.

Also home of the pacing helper the simulated sources share: a recorded block is cut into
blocks of ``block_s`` seconds that never span a gap, each yielded when the scaled clock
reaches its last sample. ``speed=math.inf`` means as fast as possible.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from perineo.recording import read_recording
from perineo.samples import Channel, FloatArray, SampleBlock, SourceStatus, StatusKind
from perineo.sources.base import SourceItem, streamed_twice

GAP_FACTOR = 3.0  # a step in t longer than this many median periods is a gap


def find_gaps(t: FloatArray, factor: float = GAP_FACTOR) -> list[tuple[float, float]]:
    """(last sample before, first sample after) of every step longer than ``factor`` × median."""
    if len(t) < 3:
        return []
    dt = np.diff(t)
    idx = np.flatnonzero(dt > factor * float(np.median(dt)))
    return [(float(t[i]), float(t[i + 1])) for i in idx]


def check_speed(speed: float) -> float:
    """``speed`` must be positive; ``math.inf`` streams as fast as possible."""
    if not speed > 0:
        raise ValueError(f"speed must be > 0 (math.inf for as fast as possible), got {speed!r}")
    return float(speed)


def split_points(
    t: FloatArray, block_s: float, gaps: Sequence[tuple[float, float]]
) -> NDArray[np.signedinteger[Any]]:
    """Indices where a new block starts: every ``block_s`` of stream time and after each gap."""
    if len(t) == 0:
        return np.zeros(0, dtype=np.int64)
    bins = np.floor((t - t[0]) / block_s)
    cut = np.diff(bins) != 0
    if gaps:
        after = np.searchsorted(t, [b for _, b in gaps])
        cut[after[(after > 0) & (after < len(t))] - 1] = True
    return np.flatnonzero(cut) + 1


class Pacer:
    """Maps stream time to the wall clock, scaled by ``speed`` (``inf``: no waiting)."""

    def __init__(self, speed: float, t0: float) -> None:
        self.speed = check_speed(speed)
        self.t0 = t0
        self.wall0 = asyncio.get_running_loop().time()

    async def wait_until(self, t: float) -> None:
        if math.isinf(self.speed):
            await asyncio.sleep(0)  # let the consumer run between blocks
            return
        delay = self.wall0 + (t - self.t0) / self.speed - asyncio.get_running_loop().time()
        await asyncio.sleep(max(0.0, delay))


async def paced_stream(
    block: SampleBlock,
    *,
    name: str,
    speed: float,
    block_s: float,
    gaps: Sequence[tuple[float, float]],
    is_closed: Callable[[], bool],
) -> AsyncIterator[SourceItem]:
    """CONNECTED, then blocks (a GAP status before the first block after each gap), ENDED.

    Streaming stops as soon as ``is_closed()`` returns true.
    """
    if len(block) == 0:
        yield SourceStatus(StatusKind.CONNECTED, 0.0, name)
        yield SourceStatus(StatusKind.ENDED, 0.0, name)
        return
    t = block.t
    yield SourceStatus(StatusKind.CONNECTED, float(t[0]), name)
    pacer = Pacer(speed, float(t[0]))
    gap_by_end = {b: a for a, b in gaps}
    starts = [0, *split_points(t, block_s, gaps).tolist()]
    stops = [*starts[1:], len(t)]
    for start, stop in zip(starts, stops, strict=True):
        if is_closed():
            return
        first = float(t[start])
        if start > 0 and first in gap_by_end:
            yield SourceStatus(StatusKind.GAP, gap_by_end[first], "samples missing", end_s=first)
        chunk = block.slice(start, stop)
        await pacer.wait_until(float(chunk.t[-1]))
        if is_closed():
            return
        yield chunk
    yield SourceStatus(StatusKind.ENDED, float(t[-1]), name)


class ReplaySource:
    """A recording CSV streamed as if it came from a probe.

    The file is read and validated on construction (a bad file raises ``RecordingError``
    there); gaps (steps over 3 × the median period) are reported as GAP statuses.
    """

    def __init__(
        self, path: str | os.PathLike[str], speed: float = 1.0, block_s: float = 0.1
    ) -> None:
        self.speed = check_speed(speed)
        if not block_s > 0:
            raise ValueError(f"block_s must be > 0, got {block_s!r}")
        self.block_s = block_s
        self.recording = read_recording(path)
        self.gaps = find_gaps(self.recording.t)
        self._closed = False
        self._streamed = False

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.recording.channels

    @property
    def name(self) -> str:
        return f"replay:{self.recording.path}"

    def stream(self) -> AsyncIterator[SourceItem]:
        if self._streamed:
            raise streamed_twice(self.name)
        self._streamed = True
        return paced_stream(
            self.recording.block,
            name=self.name,
            speed=self.speed,
            block_s=self.block_s,
            gaps=self.gaps,
            is_closed=lambda: self._closed,
        )

    async def close(self) -> None:
        self._closed = True
