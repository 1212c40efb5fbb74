"""Pacing and block sizes of the sources that take ``speed`` and ``block_s`` (sim, replay).

Each case builds a source and states the exact samples it must deliver. What every kind
does alike (CONNECTED first, ENDED last, gaps, one stream, close) is test_behaviour.py.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perineo.recording import read_recording, write_recording
from perineo.samples import SampleBlock, SourceStatus, StatusKind
from perineo.sources.base import SampleSource, SourceItem
from perineo.sources.replay import ReplaySource
from perineo_sim import load_scenario, simulate
from perineo_sim.sources import SimSource

from .helpers import short


@dataclass
class Case:
    source: SampleSource
    expected: SampleBlock


def sim_case(tmp_path: Path, scenario, seed: int, **kw) -> Case:
    src = SimSource(scenario, seed, **kw)
    return Case(src, simulate(src.scenario, seed).block)


def replay_case(tmp_path: Path, scenario, seed: int, **kw) -> Case:
    path = tmp_path / "rec.csv"
    scn = load_scenario(scenario) if isinstance(scenario, str) else scenario
    write_recording(path, simulate(scn, seed).block)
    return Case(ReplaySource(path, **kw), read_recording(path).block)


FACTORIES: dict[str, Callable[..., Case]] = {"sim": sim_case, "replay": replay_case}


@pytest.fixture(params=sorted(FACTORIES))
def make(request, tmp_path: Path) -> Callable[..., Case]:
    factory = FACTORIES[request.param]
    return lambda *a, **kw: factory(tmp_path, *a, **kw)


async def _collect(src: SampleSource, stop_after: int | None = None) -> list[SourceItem]:
    items: list[SourceItem] = []
    async for item in src.stream():
        items.append(item)
        if stop_after is not None and len(items) >= stop_after:
            await src.close()
    return items


def collect(src: SampleSource, stop_after: int | None = None) -> list[SourceItem]:
    return asyncio.run(_collect(src, stop_after))


def blocks_of(items: list[SourceItem]) -> list[SampleBlock]:
    return [i for i in items if isinstance(i, SampleBlock)]


def statuses(items: list[SourceItem], kind: StatusKind) -> list[SourceStatus]:
    return [i for i in items if isinstance(i, SourceStatus) and i.kind == kind]


@pytest.mark.parametrize("scenario", ["noisy", "squeeze_only", "mixed"])
def test_delivers_exactly_the_recording(make, scenario: str) -> None:
    case = make(scenario, 1, speed=math.inf, block_s=0.25)
    items = collect(case.source)
    first, last = items[0], items[-1]
    assert isinstance(first, SourceStatus) and first.kind == StatusKind.CONNECTED
    assert isinstance(last, SourceStatus) and last.kind == StatusKind.ENDED
    got = SampleBlock.concat(blocks_of(items))
    assert np.array_equal(got.t, case.expected.t)
    assert got.channels == case.expected.channels
    for c in got.channels:
        assert np.array_equal(got.data[c], case.expected.data[c])
    for b in blocks_of(items):
        assert len(b) > 0 and b.t[-1] - b.t[0] < 0.25


@pytest.mark.parametrize("speed", [4.0, 8.0])
def test_paced_by_the_clock_scaled_by_speed(make, speed: float) -> None:
    case = make(short(), 0, speed=speed, block_s=0.1)
    span = float(case.expected.t[-1] - case.expected.t[0])
    start = time.monotonic()
    collect(case.source)
    elapsed = time.monotonic() - start
    assert span / speed * 0.9 <= elapsed <= span / speed + 0.4


def test_as_fast_as_possible(make) -> None:
    case = make("mixed", 0, speed=math.inf)
    start = time.monotonic()
    collect(case.source)
    assert time.monotonic() - start < 2.0  # a 5-minute session


def test_bad_speed_and_block_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="speed"):
        SimSource("basic", 0, speed=0)
    with pytest.raises(ValueError, match="block_s"):
        SimSource("basic", 0, block_s=0)
    path = tmp_path / "r.csv"
    write_recording(path, simulate(short(), 0).block)
    with pytest.raises(ValueError, match="speed"):
        ReplaySource(path, speed=-1)


@settings(max_examples=15, deadline=None)
@given(block_s=st.floats(0.005, 5.0), seed=st.integers(0, 3))
def test_any_block_size_delivers_the_same_samples(block_s: float, seed: int) -> None:
    src = SimSource(short(rate=25, drops=0.05), seed, speed=math.inf, block_s=block_s)
    items = collect(src)
    got = SampleBlock.concat(blocks_of(items))
    assert np.array_equal(got.t, src.block.t)
    gaps = [(g.t, g.end_s) for g in statuses(items, StatusKind.GAP)]
    assert gaps == [(g.start_s, g.end_s) for g in src.truth.gaps]
