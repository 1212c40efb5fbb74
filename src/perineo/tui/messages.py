"""Messages that travel up: from the data path to the app, and from screens to the app.

Small dataclasses; the frequent ones (``SamplesArrived``, ``StatusChanged``, ``CueChanged``)
say they may replace an older unprocessed one of their kind, so a fast probe never floods
the message queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from perineo.display.view import CalibrationView, CueView, RepView, StatusView, SummaryView


@dataclass
class SamplesArrived(Message):
    """New samples are in the trace buffer up to stream time ``t_end``."""

    t_end: float
    baseline_cmH2O: float | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SamplesArrived)


@dataclass
class StatusChanged(Message):
    status: StatusView

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StatusChanged)


@dataclass
class CalibrationChanged(Message):
    calibration: CalibrationView

    def can_replace(self, message: Message) -> bool:
        # a finished calibration must not be lost behind a later progress update
        return isinstance(message, CalibrationChanged) and not message.calibration.done


@dataclass
class CueChanged(Message):
    cue: CueView

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CueChanged)


@dataclass
class RepetitionScored(Message):
    rep: RepView


@dataclass
class SessionFinished(Message):
    summary: SummaryView


@dataclass
class DataPathFailed(Message):
    """The source or the store failed; ``text`` says what happened."""

    text: str


# From screens to the app ---------------------------------------------------------------


@dataclass
class SourceChosen(Message):
    """The user chose a probe (``address``) or the simulator (``address`` is None)."""

    address: str | None


@dataclass
class LanguageChosen(Message):
    """Home: the user chose another language."""

    lang: str


@dataclass
class CheckAnswered(Message):
    """Home: the weekly symptom check was answered (a ``Leakage`` value)."""

    leakage: str
