"""The ``lsl`` source: a pressure stream from the network (a lab's manometer, another
machine's ``perineo … --lsl``), read as a :class:`~perineo.sources.base.SampleSource`.

The stream is found when the source is made (so its channels are known before streaming):
by ``name``, ``type`` or ``source_id``, the data stream type ``Pressure`` by default. Its
channels are those labelled ``squeeze``, ``abdominal`` and ``tilt`` in its description (the
XDF metadata conventions), or named by ``labels`` (``{"Ch1": "squeeze"}``); pressures in
mmHg, kPa, hPa, mbar or Pa become cmH2O, an angle in radians becomes degrees.

Timestamps come in on the sender's clock and stream time starts at the first sample. LSL's
own ``time_correction`` follows the two clocks apart: asked in a thread when the stream
opens and every few seconds after (the first answer takes about 0.65 s, and the stream does
not wait for it), its change since the first answer is added to the time stamps:
``t = timestamp − first timestamp + (correction − first correction)``. A jump of more than
five sample periods is reported as a gap (a GAP before the block after it), a silence of
``stall_s`` as a lost connection, and with ``lost_s`` a longer silence ends the source;
``close()`` ends it too, with ENDED, as a Bluetooth probe's does.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import numpy as np

from perineo.lab.lsl_support import (
    ANGLE_UNITS,
    CHANNEL_META,
    DATA_TYPE,
    PRESSURE_UNITS,
    LabError,
    load_pylsl,
)
from perineo.samples import (
    Channel,
    FloatArray,
    SampleBlock,
    SourceStatus,
    StatusKind,
    ordered_channels,
)
from perineo.sources.base import SourceItem, streamed_twice

POLL_S = 0.005  # how often the inlet is asked for new samples
HOLE_PERIODS = 5  # a step in time over this many sample periods is a gap
CORRECT_EVERY_S = 5.0  # time_correction is re-measured this often


def _scale(channel: Channel, unit: str) -> float:
    """The factor from ``unit`` to perineo's unit for ``channel`` (an empty unit: perineo's)."""
    u = unit.strip().lower()
    if not u:
        return 1.0
    table = ANGLE_UNITS if CHANNEL_META[channel].kind == "Angle" else PRESSURE_UNITS
    if u not in table:
        want = CHANNEL_META[channel].unit
        raise LabError(f"LSL channel {channel.value}: unit {unit!r} is not one for {want}")
    return table[u]


def channel_map(
    info: Any, labels: Mapping[str, str] | None = None
) -> dict[Channel, tuple[int, float]]:
    """Which column of the stream is which perineo channel, and its factor to our unit."""
    names = info.get_channel_labels() or []
    units = info.get_channel_units() or []
    rename = {k.lower(): v for k, v in (labels or {}).items()}
    found: dict[Channel, tuple[int, float]] = {}
    for i, label in enumerate(names):
        if label is None:
            continue
        wanted = rename.get(label.lower(), label.lower())
        if wanted not in {c.value for c in Channel}:
            continue
        ch = Channel(wanted)
        if ch in found:
            raise LabError(f"LSL stream {info.name()!r}: two channels are {ch.value}")
        unit = units[i] if i < len(units) and units[i] is not None else ""
        found[ch] = (i, _scale(ch, unit))
    if Channel.SQUEEZE not in found:
        shown = ", ".join(repr(n) for n in names) or "none"
        raise LabError(
            f"LSL stream {info.name()!r} has no squeeze channel (labels: {shown}); "
            "name one with labels, e.g. labels={'Ch1': 'squeeze'}"
        )
    return found


class LslSource:
    """A live LSL pressure stream as a sample source (see the module's docstring)."""

    def __init__(
        self,
        *,
        name: str | None = None,
        type: str | None = None,  # LSL's word for the kind of stream
        source_id: str | None = None,
        labels: Mapping[str, str] | None = None,
        resolve_s: float = 5.0,
        stall_s: float = 2.0,
        lost_s: float | None = None,
    ) -> None:
        self._lsl = load_pylsl()
        prop, value = _query(name, type, source_id)
        found = self._lsl.resolve_byprop(prop, value, 1, resolve_s)
        if not found:
            raise LabError(f"no LSL stream with {prop} {value!r} found in {resolve_s:g} s")
        # the description (channels, units) comes with the full info, from an inlet
        self._inlet: Any = self._lsl.StreamInlet(found[0], max_buflen=60, recover=True)
        self.info = self._inlet.info(resolve_s)
        if self.info.channel_format() == self._lsl.cf_string:
            raise LabError(f"LSL stream {self.info.name()!r} carries text, not samples")
        self._map = channel_map(self.info, labels)
        self._channels = ordered_channels(self._map)
        self._cols = [self._map[c][0] for c in self._channels]
        self._factors = np.array([self._map[c][1] for c in self._channels])
        rate = float(self.info.nominal_srate())
        self.period_s = 1.0 / rate if rate > 0 else None
        self.stall_s = stall_s
        self.lost_s = lost_s
        self.correction_s = 0.0
        self._closed = False
        self._streamed = False
        self._streaming = False

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self._channels

    @property
    def name(self) -> str:
        return f"lsl:{self.info.name()}@{self.info.hostname()}"

    def stream(self) -> AsyncIterator[SourceItem]:
        if self._streamed:
            raise streamed_twice(self.name)
        self._streamed = True
        return self._stream()

    async def _stream(self) -> AsyncIterator[SourceItem]:
        inlet = self._inlet
        if inlet is None:  # closed before it streamed
            yield SourceStatus(StatusKind.ENDED, 0.0, detail="closed")
            return
        self._streaming = True
        clock: _Correction | None = None
        try:
            await asyncio.to_thread(inlet.open_stream, 10.0)
            clock = _Correction(inlet)
            async with contextlib.aclosing(self._read(inlet, clock)) as items:
                async for item in items:
                    yield item
        finally:  # (also when the consumer stops early: the inlet closes after the clock)
            if clock is not None:
                await clock.finish()
            self._streaming = False
            self._release()

    async def _read(self, inlet: Any, clock: _Correction) -> AsyncGenerator[SourceItem, None]:
        origin: float | None = None
        last_t: float | None = None
        heard = time.monotonic()
        silent = False
        yield SourceStatus(StatusKind.CONNECTED, 0.0, detail=self.name)
        while not self._closed:
            drift = clock.poll()
            self.correction_s = clock.latest
            values, stamps = inlet.pull_chunk(timeout=0.0, max_samples=4096)
            now = time.monotonic()
            if not stamps:
                quiet = now - heard
                t_here = 0.0 if last_t is None else last_t
                if self.lost_s is not None and quiet >= self.lost_s:
                    yield SourceStatus(StatusKind.ENDED, t_here, detail="no samples")
                    return
                if quiet >= self.stall_s and not silent:
                    silent = True
                    yield SourceStatus(StatusKind.DISCONNECTED, t_here, detail="no samples")
                await asyncio.sleep(POLL_S)
                continue
            heard = now
            if silent:
                silent = False
                yield SourceStatus(StatusKind.CONNECTED, last_t or 0.0, detail=self.name)
            ts = np.asarray(stamps, dtype=np.float64) + drift
            if origin is None:
                origin = float(ts[0])
            t = ts - origin
            data = np.asarray(values, dtype=np.float64)[:, self._cols] * self._factors
            if last_t is not None:
                keep = t > last_t  # a re-measured correction must not send time back
                t, data = t[keep], data[keep]
            for item in self._blocks(t, data, last_t):
                yield item
            if len(t):
                last_t = float(t[-1])
            await asyncio.sleep(0)
        yield SourceStatus(StatusKind.ENDED, 0.0 if last_t is None else last_t, detail="closed")

    def _blocks(self, t: FloatArray, data: FloatArray, last_t: float | None) -> list[SourceItem]:
        """A pulled chunk as blocks: a hole of more than five sample periods, before the
        chunk or inside it, is a GAP just before the block after it."""
        if len(t) == 0:
            return []
        # each sample's predecessor, the last one of the previous chunk for the first
        before = np.concatenate(([t[0] if last_t is None else last_t], t[:-1]))
        holes: list[int] = []
        if self.period_s is not None:
            holes = np.flatnonzero(t - before > HOLE_PERIODS * self.period_s).tolist()
        items: list[SourceItem] = []
        for start, stop in zip([0, *holes], [*holes, len(t)], strict=True):
            if stop == start:  # (the hole before the chunk's first sample)
                continue
            if start in holes and self.period_s is not None:
                first_missing = float(before[start]) + self.period_s
                items.append(
                    SourceStatus(StatusKind.GAP, first_missing, detail="lsl", end_s=float(t[start]))
                )
            part = {c: data[start:stop, i].copy() for i, c in enumerate(self._channels)}
            items.append(SampleBlock(t[start:stop].copy(), part))
        return items

    async def close(self) -> None:
        """Stop streaming; the stream ends with ENDED. Safe to call twice."""
        self._closed = True
        if not self._streaming:
            self._release()

    def _release(self) -> None:
        inlet, self._inlet = self._inlet, None
        if inlet is not None:
            with contextlib.suppress(Exception):
                inlet.close_stream()


class _Correction:
    """LSL's ``time_correction`` for an inlet, asked in a thread so the stream never waits
    for it (the first answer takes about 0.65 s; liblsl keeps it current after that)."""

    def __init__(self, inlet: Any) -> None:
        self.inlet = inlet
        self.first: float | None = None
        self.latest = 0.0
        self._task: asyncio.Future[float] | None = None
        self._started = -math.inf

    def poll(self) -> float:
        """Collect a finished measurement, start one when due; the change since the first."""
        task = self._task
        if task is not None and task.done():
            self._task = None
            if not task.cancelled() and task.exception() is None:  # (else: keep the last)
                self.latest = float(task.result())
                if self.first is None:
                    self.first = self.latest
        if self._task is None and time.monotonic() - self._started >= CORRECT_EVERY_S:
            self._started = time.monotonic()
            wait_s = 5.0 if self.first is None else 1.0
            self._task = asyncio.ensure_future(
                asyncio.to_thread(self.inlet.time_correction, wait_s)
            )
        return 0.0 if self.first is None else self.latest - self.first

    async def finish(self) -> None:
        """Wait for a measurement under way (the inlet is closed after it)."""
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task


def _query(name: str | None, type_: str | None, source_id: str | None) -> tuple[str, str]:
    given = [(p, v) for p, v in (("source_id", source_id), ("name", name), ("type", type_)) if v]
    if len(given) > 1:
        raise LabError("find the LSL stream by one of name, type or source_id")
    return given[0] if given else ("type", DATA_TYPE)
