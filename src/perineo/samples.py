"""Values that cross module borders: channels, sample blocks, source status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray


class Channel(StrEnum):
    """A probe channel; the value is the CSV column name (units in docs/design.md)."""

    SQUEEZE = "squeeze"  # cmH2O, balloon at the levator
    ABDOMINAL = "abdominal"  # cmH2O, probe tip: intra-abdominal pressure
    TILT = "tilt"  # degrees, positive = inner end up and in


CHANNEL_ORDER: tuple[Channel, ...] = (Channel.SQUEEZE, Channel.ABDOMINAL, Channel.TILT)

FloatArray = NDArray[np.float64]


def ordered_channels(channels: Iterable[str]) -> tuple[Channel, ...]:
    """Return ``channels`` as a tuple in canonical order; ``squeeze`` is required."""
    chosen = {Channel(c) for c in channels}
    if Channel.SQUEEZE not in chosen:
        raise ValueError("channels must contain 'squeeze'")
    return tuple(c for c in CHANNEL_ORDER if c in chosen)


@dataclass(frozen=True)
class SampleBlock:
    """Consecutive samples: ``t`` in seconds (increasing) and one array per channel."""

    t: FloatArray
    data: Mapping[Channel, FloatArray]

    def __post_init__(self) -> None:
        n = len(self.t)
        for ch, values in self.data.items():
            if len(values) != n:
                raise ValueError(f"channel {ch} has {len(values)} samples, t has {n}")

    @property
    def channels(self) -> tuple[Channel, ...]:
        return ordered_channels(self.data.keys())

    def __len__(self) -> int:
        return len(self.t)

    def slice(self, start: int, stop: int) -> SampleBlock:
        return SampleBlock(self.t[start:stop], {c: v[start:stop] for c, v in self.data.items()})

    @staticmethod
    def concat(blocks: list[SampleBlock]) -> SampleBlock:
        if not blocks:
            raise ValueError("no blocks to concatenate")
        chans = blocks[0].channels
        return SampleBlock(
            np.concatenate([b.t for b in blocks]),
            {c: np.concatenate([b.data[c] for b in blocks]) for c in chans},
        )


class StatusKind(StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    GAP = "gap"  # samples between start_s and end_s are missing
    BATTERY = "battery"
    QUALITY = "quality"
    ENDED = "ended"  # the source has no more samples


@dataclass(frozen=True)
class SourceStatus:
    """Something a source reports besides samples."""

    kind: StatusKind
    t: float  # stream time the status refers to
    detail: str = ""
    end_s: float | None = None  # for GAP: the first time after the gap
    value: float | None = None  # battery percent, link quality 0..1
    extra: Mapping[str, object] = field(default_factory=dict)
