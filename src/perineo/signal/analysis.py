"""Batch analysis: the live detector fed a whole recording in blocks (one code path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from perineo.samples import Channel, FloatArray, SampleBlock
from perineo.signal.clock import Retimer
from perineo.signal.config import DetectorConfig
from perineo.signal.detect import Detector
from perineo.signal.events import Event, EventKind, Repetition, TechError

if TYPE_CHECKING:
    import numpy as np

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
    det = Detector(block.channels, config)
    events: list[Event] = []
    t = block.t
    n = len(t)
    if n:
        rate = sample_rate_hz or (1.0 / float(_median_dt(t)) if n > 1 else 50.0)
        step = max(1, round(block_s * rate))
        clock = Retimer(1.0 / rate)  # the probe's clock, should the host have stamped arrivals
        for i in range(0, n, step):
            events += _push(det, clock.push(block.slice(i, min(i + step, n))))
        events += _push(det, clock.finish())
    events += det.finish()
    duration = float(t[-1] - t[0]) if n else 0.0
    rate_out = sample_rate_hz or (1.0 / float(_median_dt(t)) if n > 1 else float("nan"))
    return Analysis(
        channels=block.channels,
        sample_rate_hz=rate_out,
        reps=tuple(det.repetitions),
        events=tuple(events),
        unverifiable=det.unverifiable,
        duration_s=duration,
        k=det.k if Channel.ABDOMINAL in block.channels else None,
    )


def _push(det: Detector, block: SampleBlock | None) -> list[Event]:
    return det.push(block) if block is not None and len(block) else []


def _median_dt(t: FloatArray) -> np.floating[Any]:
    import numpy as np

    return np.median(np.diff(t))
