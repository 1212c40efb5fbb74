"""How the live data paths reach the LSL outlet, without importing pylsl.

A live loop (training, assessment, recording) holds an optional :class:`LabListener` and
tells it every block before the detector sees it, every detector event, and the cues,
prompts and scores it produces. ``--lsl`` makes that listener an LSL outlet; without it the
loop holds ``None`` and nothing of this package is loaded beyond this file.
"""

from __future__ import annotations

import argparse
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


def add_lsl_argument(p: argparse.ArgumentParser) -> None:
    """``--lsl [NAME]``: publish the session as LSL streams NAME and NAME-markers."""
    p.add_argument(
        "--lsl",
        nargs="?",
        const="perineo",
        default=None,
        metavar="NAME",
        help="publish the probe's channels and perineo's events on the local network as Lab "
        "Streaming Layer streams NAME and NAME-markers (default perineo; needs perineo[lab])",
    )


def lab_outlet(args: argparse.Namespace, source_name: str) -> LabListener | None:
    """The LSL outlet ``--lsl`` asks for, or ``None`` (pylsl is imported only here)."""
    name = getattr(args, "lsl", None)
    if name is None:
        return None
    from perineo.lab.lsl_outlet import open_outlet

    return open_outlet(source_name, name=name)
