"""What the live pipeline tells the parts that follow it, and how it tells all of them.

A listener implements :class:`Listener` (subclass :class:`Quiet` and override only what it
needs); ``pipeline.add(listener)`` is all it takes to add one. Every call is made in the
data path, in the order the listeners were added, and must return at once.

Besides what the pipeline itself sees (blocks, detector events, status, trouble, the end),
a listener that drives the session publishes through the same fan-out what it decides:
the calibration's progress, the coach's cues and the repetitions' scores. So every other
listener (the screen, a stream outlet) hears them too. Cues and calibration progress are
told with every block (the coach's clock runs on the samples'); a listener that wants
changes only keeps the last one. A score is told once, when the repetition is final.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only: ``perineo record`` imports this at start-up
    from perineo.errors import PerineoError
    from perineo.program.calibration import CalibrationSettings, CalStep
    from perineo.program.coach import Cue
    from perineo.program.scoring import RepScore
    from perineo.samples import Channel, SampleBlock
    from perineo.session.status import LiveStatus
    from perineo.signal.events import Event


class TroubleKind(StrEnum):
    RECORDING = "recording"  # the recording file could not be created or written
    JOURNAL = "journal"  # the training record could not be written


@dataclass(frozen=True)
class Trouble:
    """A part of the session stopped working; told once, when it happens."""

    kind: TroubleKind
    error: PerineoError


@dataclass(frozen=True)
class CalibrationUpdate:
    """Where the calibration stands: its step, its settings and the time since it began."""

    step: CalStep
    settings: CalibrationSettings
    elapsed_s: float


@dataclass(frozen=True)
class PipelineEnd:
    """How the live session ended."""

    samples: int  # blocks' samples the session took in
    written: int  # of them, samples written to the recording
    started: bool  # at least one block came (the channels were known)
    cancelled: bool  # the task was cancelled (Ctrl-C, SIGTERM, the app closing)
    recording_failed: bool  # the recording stopped early (disk full)
    failure: PerineoError | None  # the error that stopped the whole session, if any


class Listener(Protocol):
    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        """The first block came: its channels (the stream's) and its first time."""

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        """A block (written, then through the detector) and the events it made certain."""

    def events(self, events: Sequence[Event]) -> None:
        """Detector events from no block: a gap the source reported, the final flush."""

    def status(self, status: LiveStatus) -> None: ...

    def trouble(self, trouble: Trouble) -> None: ...

    def calibration(self, update: CalibrationUpdate) -> None: ...

    def cue(self, cue: Cue) -> None: ...

    def scored(self, score: RepScore) -> None: ...

    def finished(self, end: PipelineEnd) -> None: ...


class Quiet:
    """A listener that hears everything and does nothing: subclass it, override a few."""

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        pass

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        pass

    def events(self, events: Sequence[Event]) -> None:
        pass

    def status(self, status: LiveStatus) -> None:
        pass

    def trouble(self, trouble: Trouble) -> None:
        pass

    def calibration(self, update: CalibrationUpdate) -> None:
        pass

    def cue(self, cue: Cue) -> None:
        pass

    def scored(self, score: RepScore) -> None:
        pass

    def finished(self, end: PipelineEnd) -> None:
        pass


class Fanout:
    """Tells every listener, in the order they were added (itself a :class:`Listener`)."""

    def __init__(self, listeners: Iterable[Listener] = ()) -> None:
        self.listeners: list[Listener] = list(listeners)

    def add(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        for x in self.listeners:
            x.started(channels, t0_s)

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        for x in self.listeners:
            x.samples(block, events)

    def events(self, events: Sequence[Event]) -> None:
        for x in self.listeners:
            x.events(events)

    def status(self, status: LiveStatus) -> None:
        for x in self.listeners:
            x.status(status)

    def trouble(self, trouble: Trouble) -> None:
        for x in self.listeners:
            x.trouble(trouble)

    def calibration(self, update: CalibrationUpdate) -> None:
        for x in self.listeners:
            x.calibration(update)

    def cue(self, cue: Cue) -> None:
        for x in self.listeners:
            x.cue(cue)

    def scored(self, score: RepScore) -> None:
        for x in self.listeners:
            x.scored(score)

    def finished(self, end: PipelineEnd) -> None:
        for x in self.listeners:
            x.finished(end)
