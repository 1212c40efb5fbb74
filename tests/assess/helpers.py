"""Shared by the assess tests: the benchmark module (its truth definitions) and sessions."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import ModuleType

from perineo.assess.texts import Note
from perineo.locale import Lang, say

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
