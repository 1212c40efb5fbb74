"""One behaviour suite run over every source kind (python-can's back-to-back idea).

Every kind :func:`perineo.sources.registry.kinds` lists is opened through the registry and
must behave alike: CONNECTED first and ENDED last; the samples in order (exactly the
expected ones where the kind is deterministic: a twin opened with the same options gives
the same); every hole reported as a GAP just before the block after it; a second
``stream()`` refused with SourceError; ``close()`` stops the stream and may be called
again. BLE runs over the probe double at bleak's client interface (tests/ble_double.py);
the Bumble-served virtual probe kinds are slow (a real BLE host stack, in real time). LSL
runs a real liblsl outlet (perineo's ``--lsl`` one) on loopback, feeding the inlet.
"""

from __future__ import annotations

import asyncio
import math
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from tests.ble_double import ProbeDouble

from perineo.errors import SourceError
from perineo.lab.lsl_outlet import LslOutlet
from perineo.recording import read_recording, write_recording
from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.base import SampleSource, SourceItem
from perineo.sources.registry import kinds, open_source
from perineo.sources.replay import find_gaps
from perineo_sim import load_scenario, simulate

from .helpers import reps

Holes = list[tuple[float, float]]  # (last sample before, first sample after)
SLOW = frozenset({"ble-virtual", "ble-virtual-follow"})
LIVE_SEED = 3  # a simulated probe that drops packets: 3 holes in the first 20 s
TIMEOUT_S = 30.0


@dataclass
class Case:
    """How to open one kind, and what its stream must hold."""

    kind: str
    options: dict[str, object]
    expected: SampleBlock | None = None  # the exact samples, known before the stream
    twin: bool = False  # deterministic: a twin opened alike streams the same samples
    holes: Callable[[SampleSource], Holes] | None = None  # the holes, after the stream
    until: int | None = None  # streams until closed: close after this many samples
    t_tol: float = 0.0  # time is mapped from the probe's clock (BLE): this close
    stop: Callable[[], None] | None = None  # ends what feeds the source (LSL's outlet)

    def open(self) -> SampleSource:
        return open_source(self.kind, **self.options)


def _sim(_tmp: Path, gaps: bool) -> Case:
    scenario, seed = reps(drops=0.01 if gaps else 0.0), 2  # with holes: 7 of them
    result = simulate(scenario, seed)
    holes = [(g.start_s, g.end_s) for g in result.truth.gaps]
    opts = {"scenario": scenario, "seed": seed, "speed": math.inf, "block_s": 0.25}
    return Case("sim", opts, expected=result.block, holes=lambda _s: holes)


def _replay(tmp: Path, gaps: bool) -> Case:
    path = tmp / "rec.csv"
    write_recording(path, simulate(reps(drops=0.01 if gaps else 0.0), 2).block)
    block = read_recording(path).block
    opts = {"path": path, "speed": math.inf}
    return Case("replay", opts, expected=block, holes=lambda _s: find_gaps(block.t))


def _ble(_tmp: Path, gaps: bool) -> Case:
    # 10 s of a simulated session on the probe's own clock: evenly spaced at 100 Hz
    sim = simulate(load_scenario("basic"), 1).block.slice(0, 1000)
    block = SampleBlock(np.arange(len(sim)) / 100.0, sim.data)
    probe = ProbeDouble(block, lost=frozenset({40, 41, 120}) if gaps else frozenset())
    opts = {
        "address": "F0:0D:00:00:00:01",
        "backend": probe.client(),
        "clock": probe.clock,
        "remember": False,
    }
    delivered = probe.delivered
    return Case(
        "ble",
        opts,
        expected=delivered,
        holes=lambda _s: find_gaps(delivered.t),
        until=len(delivered),
        t_tol=1e-6,
    )


def _live_holes(source: SampleSource) -> Holes:
    return list(source.person.probe.gaps)  # type: ignore[attr-defined]


def _sim_follow(_tmp: Path, gaps: bool) -> Case:
    opts = {"program": "intensive", "seed": LIVE_SEED, "speed": math.inf, "duration_s": 20.0}
    return Case("sim-follow", opts, twin=True, holes=_live_holes)


def _sim_patient(_tmp: Path, gaps: bool) -> Case:
    opts = {"seed": LIVE_SEED, "speed": math.inf, "duration_s": 20.0}
    return Case("sim-patient", opts, twin=True, holes=_live_holes)


def _ble_virtual(_tmp: Path, gaps: bool) -> Case:
    opts: dict[str, object] = {"scenario": "basic", "seed": 1}
    if gaps:
        opts["drop_every_s"] = 0.8
    return Case("ble-virtual", opts, until=250 if gaps else 120)


def _ble_virtual_follow(_tmp: Path, gaps: bool) -> Case:
    opts: dict[str, object] = {"program": "intensive", "seed": 1}
    if gaps:
        opts["drop_every_s"] = 0.8
    return Case("ble-virtual-follow", opts, until=250 if gaps else 120)


def _feed(outlet: LslOutlet, block: SampleBlock, stop: threading.Event) -> None:
    """Once the inlet reads, publish ``block`` in 100 ms chunks, ten times faster than live
    (so the inlet, polling every 5 ms, delivers it in many blocks)."""
    while not outlet.wait_for_consumers(0.05):
        if stop.is_set():
            return
    for i in range(0, len(block), 10):
        if stop.wait(0.01):
            return
        outlet.samples(block.slice(i, i + 10))


def _lsl(_tmp: Path, gaps: bool) -> Case:
    pytest.importorskip("pylsl")
    # 5 s of a simulated session at 100 Hz; holes of 10, 30 and 7 samples
    sim = simulate(load_scenario("basic"), 1).block.slice(0, 500)
    block = SampleBlock(np.arange(len(sim)) / 100.0, sim.data)
    if gaps:
        keep = np.ones(len(block), dtype=bool)
        keep[[*range(150, 160), *range(300, 330), *range(420, 427)]] = False
        block = SampleBlock(block.t[keep], {c: v[keep] for c, v in block.data.items()})
    name = f"perineo-behaviour-{uuid.uuid4().hex[:10]}"
    outlet = LslOutlet("behaviour", name=name, announce=False)
    outlet.open(block.channels, 100.0)
    stop = threading.Event()
    feeder = threading.Thread(target=_feed, args=(outlet, block, stop), daemon=True)
    feeder.start()

    def end() -> None:
        stop.set()
        feeder.join(TIMEOUT_S)
        outlet.close()

    # LSL carries float32; time comes back from the first sample on, to LSL's double
    sent = SampleBlock(
        block.t, {c: v.astype(np.float32).astype(float) for c, v in block.data.items()}
    )
    return Case(
        "lsl",
        {"name": name},
        expected=sent,
        holes=lambda _s: find_gaps(sent.t),
        until=len(sent),
        t_tol=1e-6,
        stop=end,
    )


CASES: dict[str, Callable[[Path, bool], Case]] = {
    "sim": _sim,
    "replay": _replay,
    "ble": _ble,
    "sim-follow": _sim_follow,
    "sim-patient": _sim_patient,
    "ble-virtual": _ble_virtual,
    "ble-virtual-follow": _ble_virtual_follow,
    "lsl": _lsl,
}
KINDS = [pytest.param(k, marks=pytest.mark.slow) if k in SLOW else k for k in kinds()]


async def _collect(
    source: SampleSource, until: int | None = None, close_after: int | None = None
) -> list[SourceItem]:
    """The stream's items; ``close()`` once ``until`` samples or ``close_after`` items came."""
    items: list[SourceItem] = []
    samples = 0
    closed = False
    async with asyncio.timeout(TIMEOUT_S):
        async for item in source.stream():
            items.append(item)
            if isinstance(item, SampleBlock):
                samples += len(item)
            done = (until is not None and samples >= until) or (
                close_after is not None and len(items) >= close_after
            )
            if done and not closed:
                closed = True
                await source.close()
    return items


def collect(source: SampleSource, until: int | None = None) -> list[SourceItem]:
    return asyncio.run(_collect(source, until))


def blocks_of(items: list[SourceItem]) -> list[SampleBlock]:
    return [i for i in items if isinstance(i, SampleBlock)]


def statuses(items: list[SourceItem], kind: StatusKind) -> list[SourceStatus]:
    return [i for i in items if isinstance(i, SourceStatus) and i.kind == kind]


@pytest.fixture
def case(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[bool], Case]]:
    kind = request.param
    assert kind in CASES, f"no behaviour case for source kind {kind!r}: add one to CASES"
    made: list[Case] = []

    def make(gaps: bool = False) -> Case:
        made.append(CASES[kind](tmp_path, gaps))
        return made[-1]

    yield make
    for c in made:
        if c.stop is not None:
            c.stop()


def test_every_kind_has_a_case() -> None:
    assert set(kinds()) == set(CASES)


@pytest.mark.parametrize("case", KINDS, indirect=True)
def test_is_a_sample_source_with_squeeze(case: Callable[[bool], Case]) -> None:
    source = case(False).open()
    assert isinstance(source, SampleSource)
    assert Channel.SQUEEZE in source.channels
    assert source.name


@pytest.mark.parametrize("case", KINDS, indirect=True)
def test_connected_first_ended_last_and_the_samples_in_order(
    case: Callable[[bool], Case],
) -> None:
    c = case(False)
    source = c.open()
    items = collect(source, c.until)
    first, last = items[0], items[-1]
    assert isinstance(first, SourceStatus) and first.kind == StatusKind.CONNECTED
    assert isinstance(last, SourceStatus) and last.kind == StatusKind.ENDED
    assert len(statuses(items, StatusKind.ENDED)) == 1
    blocks = blocks_of(items)
    assert blocks and all(len(b) > 0 for b in blocks)
    got = SampleBlock.concat(blocks)
    assert np.all(np.diff(got.t) > 0)
    assert got.channels == source.channels
    expected = c.expected
    if c.twin:
        twin = blocks_of(collect(c.open(), c.until))
        expected = SampleBlock.concat(twin)
    if expected is None:  # real time over a BLE stack: at least what was asked for
        assert c.until is not None and len(got) >= c.until
        return
    assert got.channels == expected.channels and len(got) == len(expected)
    assert np.allclose(got.t, expected.t, rtol=0, atol=c.t_tol)
    for ch in got.channels:
        assert np.array_equal(got.data[ch], expected.data[ch], equal_nan=True)


@pytest.mark.parametrize("case", KINDS, indirect=True)
def test_every_hole_is_a_gap_before_the_block_after_it(case: Callable[[bool], Case]) -> None:
    c = case(True)
    source = c.open()
    items = collect(source, c.until)
    gaps = statuses(items, StatusKind.GAP)
    assert gaps, "a case with holes must report them"
    for i, item in enumerate(items):
        if isinstance(item, SourceStatus) and item.kind == StatusKind.GAP:
            after = next(x for x in items[i + 1 :] if isinstance(x, SampleBlock))
            assert item.end_s is not None and after.t[0] == item.end_s and item.t < item.end_s
            before = blocks_of(items[:i])
            assert not before or before[-1].t[-1] <= item.t
    if c.holes is not None:  # exactly the holes there are, where they are
        holes = c.holes(source)
        assert len(gaps) == len(holes)
        tol = c.t_tol
        for g, (last, first) in zip(gaps, holes, strict=True):
            assert g.end_s is not None and abs(g.end_s - first) <= tol
            assert last - tol <= g.t < first


@pytest.mark.parametrize("case", KINDS, indirect=True)
def test_a_second_stream_is_refused(case: Callable[[bool], Case]) -> None:
    source = case(False).open()

    async def go() -> list[SourceItem]:
        stream = source.stream()
        with pytest.raises(SourceError, match="only once"):
            source.stream()
        items = [await anext(stream)]
        with pytest.raises(SourceError, match="only once"):
            source.stream()
        await source.close()
        items += [item async for item in stream]
        return items

    items = asyncio.run(go())
    assert isinstance(items[0], SourceStatus) and items[0].kind == StatusKind.CONNECTED


@pytest.mark.parametrize("case", KINDS, indirect=True)
def test_close_stops_the_stream_and_may_be_repeated(case: Callable[[bool], Case]) -> None:
    source = case(False).open()

    async def go() -> list[SourceItem]:
        items: list[SourceItem] = []
        async with asyncio.timeout(TIMEOUT_S):
            async for item in source.stream():
                items.append(item)
                if len(blocks_of(items)) == 3:
                    await source.close()
                    await source.close()
                    mark.append(len(items))
        await source.close()
        return items

    mark: list[int] = []
    items = asyncio.run(go())
    after = items[mark[0] :]
    # after close(): at most the ENDED that says so, nothing else
    assert all(isinstance(i, SourceStatus) and i.kind == StatusKind.ENDED for i in after)
    assert len(after) <= 1
