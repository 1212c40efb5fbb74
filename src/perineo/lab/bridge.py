"""How the live data paths reach the LSL outlet, without importing pylsl.

The live pipeline (training, assessment, recording) adds a :class:`LabBridge` around a
:class:`LabListener` (the LSL outlet): every block, then its detector events, and the cues,
prompts and scores. ``--lsl`` (commands/lab_option.py) makes the outlet; without it nothing
of this package is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from perineo.session.listener import Quiet

if TYPE_CHECKING:
    from collections.abc import Sequence

    from perineo.assess.guide import Prompt
    from perineo.program.coach import Cue
    from perineo.program.scoring import RepScore
    from perineo.samples import SampleBlock
    from perineo.session.listener import PipelineEnd
    from perineo.signal.events import Event


class LabListener(Protocol):
    """What a live loop tells the lab outlet; every call returns at once."""

    def samples(self, block: SampleBlock) -> None: ...
    def events(self, events: Iterable[Event]) -> None: ...
    def cue(self, cue: Cue, now_s: float) -> None: ...
    def prompt(self, prompt: Prompt) -> None: ...
    def score(self, score: RepScore, now_s: float) -> None: ...
    def close(self) -> None: ...


class LabBridge(Quiet):
    """The live pipeline's listener that hands everything to a :class:`LabListener`: each
    block before its events, cues and scores at the time of the last sample, and the
    outlet closed when the session ends. One ``pipeline.add(LabBridge(outlet))``."""

    def __init__(self, lab: LabListener) -> None:
        self.lab = lab
        self._now = 0.0

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        self.lab.samples(block)
        if len(block):
            self._now = float(block.t[-1])
        if events:
            self.lab.events(events)

    def events(self, events: Sequence[Event]) -> None:
        self.lab.events(events)

    def cue(self, cue: Cue) -> None:
        self.lab.cue(cue, self._now)

    def scored(self, score: RepScore) -> None:
        self.lab.score(score, self._now)

    def finished(self, end: PipelineEnd) -> None:
        self.lab.close()
