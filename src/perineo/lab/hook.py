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

if TYPE_CHECKING:
    from perineo.assess.guide import Prompt
    from perineo.program.coach import Cue
    from perineo.program.scoring import RepScore
    from perineo.samples import SampleBlock
    from perineo.signal.events import Event


class LabListener(Protocol):
    """What a live loop tells the lab outlet; every call returns at once."""

    def samples(self, block: SampleBlock) -> None: ...
    def events(self, events: Iterable[Event]) -> None: ...
    def cue(self, cue: Cue, now_s: float) -> None: ...
    def prompt(self, prompt: Prompt) -> None: ...
    def score(self, score: RepScore, now_s: float) -> None: ...
    def close(self) -> None: ...


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
