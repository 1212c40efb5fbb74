import asyncio
import math

import numpy as np
import pytest

from perineo.samples import SampleBlock, SourceStatus, StatusKind
from perineo.sources.base import SampleSource
from perineo_sim import LivePerson
from perineo_sim.sources import LiveSimSource


def run(src: LiveSimSource, coach=None) -> list:
    async def go() -> list:
        items = []
        async for item in src.stream():
            items.append(item)
            if coach is not None and isinstance(item, SampleBlock):
                coach(src, item)
        return items

    return asyncio.run(go())


def test_live_source_streams_what_the_coach_asks_for() -> None:
    src = LiveSimSource(seed=3, sample_rate_hz=50, speed=math.inf, duration_s=40.0)
    assert isinstance(src, SampleSource)
    cued = []

    def coach(s: LiveSimSource, block: SampleBlock) -> None:
        now = s.person.now_s
        if now >= 5.0 and not cued:
            cued.append(s.person.follow_cue(now, hold_s=7.0, quick_lifts=3))
        elif now >= 20.0 and len(cued) == 1:
            cued.append(s.person.follow_cue(now, hold_s=3.0, error="push_down"))

    items = run(src, coach)
    assert items[0].kind == StatusKind.CONNECTED and items[-1].kind == StatusKind.ENDED
    block = SampleBlock.concat([i for i in items if isinstance(i, SampleBlock)])
    assert np.all(np.diff(block.t) > 0) and block.t[-1] <= 40.0 + 0.02
    truth = src.truth
    assert [r.onset_s for r in truth.reps] == [r.onset_s for r in cued]
    first, second = truth.reps
    assert first.onset_s > 5.0 and len(first.quick_lifts_s) == 3 and first.kind == "intensive"
    assert second.errors == ("push_down",)
    t, sq = block.t, block.data[block.channels[0]]
    inside = (t > first.hold_start_s) & (t < first.hold_end_s)
    assert sq[inside].mean() - sq[t < first.onset_s - 1].mean() > 10


def test_person_render_is_chunk_invariant() -> None:
    a, b = LivePerson(5), LivePerson(5)
    for p in (a, b):
        p.contract(2.0, hold_s=4.0, error="incomplete_release")
        p.contract(12.0, hold_s=8.0, quick_lifts=2, error="breath_hold")
    t = np.linspace(0, 30, 3001)
    whole = a.person.render(t)
    parts = [b.person.render(t[i : i + 77]) for i in range(0, len(t), 77)]
    for name in ("pf", "iap", "tilt", "cardiac"):
        joined = np.concatenate([getattr(p, name) for p in parts])
        assert np.allclose(getattr(whole, name), joined)


def test_contracting_in_the_past_or_overlapping() -> None:
    p = LivePerson(1)
    p.render_until(5.0)
    with pytest.raises(ValueError, match="rendered"):
        p.contract(4.0, hold_s=3.0)
    first = p.contract(6.0, hold_s=5.0)
    second = p.contract(7.0, hold_s=2.0)  # asked too early: starts after the first
    assert second.onset_s > first.end_s


def test_habits_make_errors() -> None:
    p = LivePerson(2, habits={"push_down": 1.0})
    assert p.contract(1.0, hold_s=3.0).errors == ("push_down",)
    assert p.contract(20.0, hold_s=3.0, error=()).errors == ()


def test_gaps_become_statuses() -> None:
    p = LivePerson(4, sample_rate_hz=25, drop_prob=0.02)
    src = LiveSimSource(p, speed=math.inf, duration_s=120.0, block_s=0.5)
    items = run(src)
    gaps = [i for i in items if isinstance(i, SourceStatus) and i.kind == StatusKind.GAP]
    assert gaps and [(g.t, g.end_s) for g in gaps] == list(p.probe.gaps)
    for i, item in enumerate(items):
        if isinstance(item, SourceStatus) and item.kind == StatusKind.GAP:
            assert items[i + 1].t[0] == item.end_s


def test_an_incomplete_release_lasts_until_the_next_cue() -> None:
    p = LivePerson(6, nuisances=False)
    first = p.contract(1.0, hold_s=3.0, error="incomplete_release")
    second = p.contract(first.end_s + 2.0, hold_s=3.0)
    assert second.onset_s == first.end_s + 2.0
    assert p.person.reps[0].residual_until_s == second.onset_s
    truth = p.truth()
    assert truth.reps[0].errors == ("incomplete_release",) and not truth.reps[1].errors
