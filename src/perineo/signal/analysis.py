"""Batch analysis: the live detector fed a whole recording in blocks (one code path)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perineo.samples import Channel, FloatArray, SampleBlock
from perineo.signal.clock import Retimer
from perineo.signal.config import DetectorConfig
from perineo.signal.detect import Detector
from perineo.signal.events import Event, EventKind, Repetition, TechError

SCHEMA = "perineo.analysis/1"
DEFAULT_BLOCK_S = 10.0  # events do not depend on the split (tests prove it); big is fast


@dataclass(frozen=True)
class Analysis:
    channels: tuple[Channel, ...]
    sample_rate_hz: float
    reps: tuple[Repetition, ...]
    events: tuple[Event, ...]
    unverifiable: tuple[TechError, ...]
    duration_s: float
    k: float | None

    @property
    def artifacts(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind is EventKind.ARTIFACT)

    @property
    def levels(self) -> tuple[Event, ...]:
        """New resting levels (posture shifts, the probe slipping): ``value`` is the step."""
        return tuple(e for e in self.events if e.kind is EventKind.LEVEL)

    @property
    def gaps(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind is EventKind.GAP)

    def to_json(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "channels": [c.value for c in self.channels],
            "sample_rate_hz": round(self.sample_rate_hz, 3),
            "duration_s": round(self.duration_s, 3),
            "unverifiable_errors": [e.value for e in self.unverifiable],
            "abdominal_transmission_k": None if self.k is None else round(self.k, 3),
            # ``index`` counts from 0 (the detector's); ``number`` from 1, as shown
            "reps": [r.to_json() | {"number": r.index + 1} for r in self.reps],
            "artifacts": [
                {"t_s": round(e.t, 3), "detected_s": round(e.detected_s, 3)} for e in self.artifacts
            ],
            "levels": [
                {
                    "t_s": round(e.t, 3),
                    "detected_s": round(e.detected_s, 3),
                    "step_cmH2O": None if e.value is None else round(e.value, 2),
                }
                for e in self.levels
            ],
            "gaps": [
                {"start_s": round(e.t, 3), "end_s": None if e.value is None else round(e.value, 3)}
                for e in self.gaps
            ],
        }


def analyze_block(
    block: SampleBlock,
    *,
    sample_rate_hz: float | None = None,
    block_s: float = DEFAULT_BLOCK_S,
    config: DetectorConfig | None = None,
) -> Analysis:
    """Run the causal detector over ``block`` fed in blocks of ``block_s`` seconds."""
    t = block.t
    n = len(t)
    rate = sample_rate_hz or (1.0 / float(_median_dt(t)) if n > 1 else float("nan"))
    # the median step once: the feed's pieces and clock use the rate reported
    feed = Feed(
        block.channels,
        block_s=block_s,
        config=config,
        sample_rate_hz=rate if n > 1 else sample_rate_hz,
    )
    feed.push(block)
    return feed.finish(rate, float(t[-1] - t[0]) if n else 0.0)


class Feed:
    """The detector fed blocks of any size (a whole recording, or one read block by block),
    cut into pieces of ``block_s`` seconds counted from the first sample. The events do not
    depend on the cut; the pieces are the same as for the whole recording all the same.

    Samples are first put back on the probe's clock (``signal.clock``: a host may have
    stamped them on arrival); that holds each back until the next 5 s have been read."""

    def __init__(
        self,
        channels: tuple[Channel, ...],
        *,
        block_s: float = DEFAULT_BLOCK_S,
        config: DetectorConfig | None = None,
        sample_rate_hz: float | None = None,
    ) -> None:
        self.channels = channels
        self._det = Detector(channels, config)
        self._events: list[Event] = []
        self._block_s = block_s
        self._rate = sample_rate_hz
        self._step = 0  # samples a piece, from the rate given or the first block's
        self._left: SampleBlock | None = None  # the start of a piece cut by a block's end
        self._clock: Retimer | None = None

    def push(self, block: SampleBlock) -> None:
        if len(block) == 0:
            return
        if self._clock is None:
            n = len(block)
            rate = self._rate or (1.0 / float(_median_dt(block.t)) if n > 1 else 50.0)
            self._step = max(1, round(self._block_s * rate))
            self._clock = Retimer(1.0 / rate)
        self._cut(self._clock.push(block))

    def _cut(self, block: SampleBlock) -> None:
        if len(block) == 0:
            return
        if self._left is not None:
            block = SampleBlock.concat([self._left, block])
            self._left = None
        step, n = self._step, len(block)
        whole = n - n % step
        for i in range(0, whole, step):
            self._events += self._det.push(block.slice(i, i + step))
        if whole < n:
            self._left = block.slice(whole, n)

    def finish(self, sample_rate_hz: float, duration_s: float) -> Analysis:
        """The analysis, once every block is in (rate and duration of what was fed)."""
        rest = None if self._clock is None else self._clock.finish()
        if rest is not None:
            self._cut(rest)
        if self._left is not None:
            self._events += self._det.push(self._left)
            self._left = None
        det = self._det
        events = self._events + det.finish()
        return Analysis(
            channels=self.channels,
            sample_rate_hz=sample_rate_hz,
            reps=tuple(det.repetitions),
            events=tuple(events),
            unverifiable=det.unverifiable,
            duration_s=duration_s,
            k=det.k if Channel.ABDOMINAL in self.channels else None,
        )


def _median_dt(t: FloatArray) -> float:
    return float(np.median(np.diff(t)))
