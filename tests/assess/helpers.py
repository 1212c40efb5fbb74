"""Shared by the assess tests: the benchmark module (its truth definitions) and sessions."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

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
