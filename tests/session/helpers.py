"""What the pipeline's tests share: a short simulated session, a listener that keeps what it
hears, and a disk that fills up at the file-system boundary."""

from __future__ import annotations

import errno
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from perineo.program.coach import Cue
from perineo.program.scoring import RepScore
from perineo.samples import Channel, SampleBlock
from perineo.session.listener import CalibrationUpdate, PipelineEnd, Trouble
from perineo.session.status import LiveStatus
from perineo.signal.events import Event
from perineo_sim.sources import SimSource

SHORT = Path(__file__).with_name("short.toml")  # three repetitions, ~40 s at 50 Hz
NO_GAPS_SEED = 0  # the short session without a dropout
GAPS_SEED = 2  # ... with two (at 26.0 s and 36.0 s)


def short(seed: int = NO_GAPS_SEED) -> SimSource:
    return SimSource(str(SHORT), seed=seed, speed=math.inf, block_s=1.0)


class Heard:
    """A listener that keeps everything the pipeline tells it, in order."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.channels: tuple[Channel, ...] | None = None
        self.blocks: list[SampleBlock] = []
        self.block_events: list[Event] = []
        self.other_events: list[Event] = []
        self.statuses: list[LiveStatus] = []
        self.troubles: list[Trouble] = []
        self.calibrations: list[CalibrationUpdate] = []
        self.cues: list[Cue] = []
        self.scores: list[RepScore] = []
        self.ends: list[PipelineEnd] = []

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        self.log.append("started")
        self.channels = channels

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        self.log.append("samples")
        self.blocks.append(block)
        self.block_events += events

    def events(self, events: Sequence[Event]) -> None:
        self.log.append("events")
        self.other_events += events

    def status(self, status: LiveStatus) -> None:
        self.statuses.append(status)

    def trouble(self, trouble: Trouble) -> None:
        self.troubles.append(trouble)

    def calibration(self, update: CalibrationUpdate) -> None:
        self.calibrations.append(update)

    def cue(self, cue: Cue) -> None:
        self.cues.append(cue)

    def scored(self, score: RepScore) -> None:
        self.scores.append(score)

    def finished(self, end: PipelineEnd) -> None:
        self.log.append("finished")
        self.ends.append(end)

    @property
    def events_all(self) -> list[Event]:
        return self.block_events + self.other_events


class FillingDisk(io.TextIOBase):
    """A real file on a disk with ``room`` bytes left: the write that does not fit is cut
    where the disk ran out and fails with ENOSPC, as ``write(2)`` does on a full disk."""

    def __init__(self, fh: TextIO, room: int) -> None:
        self.fh = fh
        self.room = room

    def write(self, text: str) -> int:
        if len(text) > self.room:
            self.fh.write(text[: self.room])
            self.fh.flush()
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(text)
        return self.fh.write(text)

    def flush(self) -> None:
        self.fh.flush()

    def fileno(self) -> int:
        return self.fh.fileno()

    def close(self) -> None:
        self.fh.close()
