"""Shared by the assess tests: the benchmark module (its truth definitions) and sessions."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np

from perineo.assess.texts import Note
from perineo.locale import Lang, say
from perineo.samples import Channel, SampleBlock

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "perfect.py"


@cache
def bench() -> ModuleType:
    """benchmarks/perfect.py, so the tests check the very numbers it prints."""
    spec = importlib.util.spec_from_file_location("perineo_bench_perfect", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def sentence(notes: Sequence[Note]) -> str:
    """A summary's clauses in English words, as the report and the CLI say them."""
    return "; ".join(say(Lang.EN, n) for n in notes)


def lines(notes: Sequence[Note]) -> tuple[str, ...]:
    """Findings or checks in English words, one a line."""
    return tuple(say(Lang.EN, n) for n in notes)


def with_brief_contraction(block: SampleBlock, at_s: float, amp: float) -> SampleBlock:
    """``block`` with a brief voluntary squeeze added at ``at_s`` (0.25 s up, 0.1 s held,
    0.3 s down, ``amp`` cmH2O on the squeeze channel only): a quick contraction between
    the holds, as a patient makes one when she is not asked to."""
    t = block.t
    up = np.clip((t - at_s) / 0.25, 0.0, 1.0)
    down = np.clip((t - at_s - 0.35) / 0.3, 0.0, 1.0)
    pulse = amp * ((0.5 - 0.5 * np.cos(np.pi * up)) - (0.5 - 0.5 * np.cos(np.pi * down)))
    data = dict(block.data)
    data[Channel.SQUEEZE] = data[Channel.SQUEEZE] + pulse
    return SampleBlock(t, data)
