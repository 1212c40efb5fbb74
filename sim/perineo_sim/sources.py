"""Simulated sources: a scenario played back, or a live person who follows the coach.

``SimSource`` renders a whole scenario up front (``simulate``) and streams exactly that
recording, so its samples and ground truth (``.truth``) are known before the first block.
``LiveSimSource`` renders a :class:`perineo_sim.LivePerson` chunk by chunk while the coach
schedules contractions on ``source.person`` — the simulator stand-in for a real session.
Both are paced by the clock scaled by ``speed``; ``speed=math.inf`` means as fast as possible.

Both satisfy perineo's :class:`~perineo.sources.base.SampleSource`; the app opens them by
kind (``sim``) through :func:`perineo.sources.registry.open_source` and never imports this
module. ``perineo sim`` reaches ``load_scenario``, ``scenario_names``, ``simulate`` and
``truth_path_for`` here, by name.
"""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator, Iterable

from perineo.errors import ScenarioError
from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.sources.base import SourceItem, streamed_twice
from perineo.sources.replay import Pacer, check_speed, paced_stream, split_points
from perineo_sim.live import LivePerson
from perineo_sim.scenario import Scenario, scenario_names
from perineo_sim.scenario import load_scenario as _load_scenario
from perineo_sim.session import SimResult, simulate
from perineo_sim.truth import Truth, truth_path_for

__all__ = [
    "LiveSimSource",
    "SimSource",
    "load_scenario",
    "scenario_names",
    "simulate",
    "truth_path_for",
]


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """A shipped scenario or a scenario file; a file nested too deeply is a ScenarioError."""
    try:
        return _load_scenario(name_or_path)
    except RecursionError:
        raise ScenarioError(
            f"{name_or_path}: not valid TOML (nested too deeply for a scenario)"
        ) from None


class SimSource:
    """A scenario (object, shipped name or TOML path) simulated for ``seed`` and streamed."""

    def __init__(
        self,
        scenario: Scenario | str | os.PathLike[str],
        seed: int = 0,
        speed: float = 1.0,
        block_s: float = 0.1,
    ) -> None:
        self.speed = check_speed(speed)
        if not block_s > 0:
            raise ValueError(f"block_s must be > 0, got {block_s!r}")
        self.block_s = block_s
        self.scenario = (
            scenario if isinstance(scenario, Scenario) else load_scenario(os.fspath(scenario))
        )
        self.seed = seed
        self.result: SimResult = simulate(self.scenario, seed)
        self._closed = False
        self._streamed = False

    @property
    def truth(self) -> Truth:
        return self.result.truth

    @property
    def block(self) -> SampleBlock:
        return self.result.block

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.result.block.channels

    @property
    def name(self) -> str:
        return f"sim:{self.scenario.name}#{self.seed}"

    def stream(self) -> AsyncIterator[SourceItem]:
        if self._streamed:
            raise streamed_twice(self.name)
        self._streamed = True
        return paced_stream(
            self.result.block,
            name=self.name,
            speed=self.speed,
            block_s=self.block_s,
            gaps=[(g.start_s, g.end_s) for g in self.truth.gaps],
            is_closed=lambda: self._closed,
        )

    async def close(self) -> None:
        self._closed = True


class LiveSimSource:
    """A live simulated session: ``source.person`` follows cues while the stream runs.

    The stream runs until ``close()`` or, when given, ``duration_s`` of stream time. The
    coach reads the stream time from ``source.person.now_s`` and calls, for example,
    ``source.person.follow_cue(cue_s, hold_s=8, quick_lifts=3)``.
    """

    def __init__(
        self,
        person: LivePerson | None = None,
        *,
        seed: int = 0,
        channels: Iterable[Channel | str] = tuple(Channel),
        sample_rate_hz: float = 100.0,
        speed: float = 1.0,
        block_s: float = 0.1,
        duration_s: float | None = None,
    ) -> None:
        self.person = person or LivePerson(seed, channels=channels, sample_rate_hz=sample_rate_hz)
        self.speed = check_speed(speed)
        if not block_s > 0:
            raise ValueError(f"block_s must be > 0, got {block_s!r}")
        self.block_s = block_s
        self.duration_s = math.inf if duration_s is None else duration_s
        self._closed = False
        self._streamed = False

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.person.channels

    @property
    def name(self) -> str:
        return f"sim-live#{self.person.seed}"

    @property
    def truth(self) -> Truth:
        return self.person.truth()

    def stream(self) -> AsyncIterator[SourceItem]:
        if self._streamed:
            raise streamed_twice(self.name)
        self._streamed = True
        return self._run()

    async def _run(self) -> AsyncIterator[SourceItem]:
        start = self.person.now_s
        yield SourceStatus(StatusKind.CONNECTED, start, self.name)
        pacer = Pacer(self.speed, start)
        n_gaps = len(self.person.probe.gaps)
        t = start
        while not self._closed and t < self.duration_s:
            t = float(min(t + self.block_s, self.duration_s))
            await pacer.wait_until(t)
            if self._closed:
                return
            block = self.person.render_until(t)
            gaps = self.person.probe.gaps[n_gaps:]
            n_gaps = len(self.person.probe.gaps)
            for item in _split_at_gaps(block, gaps):
                yield item
        if not self._closed:
            yield SourceStatus(StatusKind.ENDED, t, self.name)

    async def close(self) -> None:
        self._closed = True


def _split_at_gaps(block: SampleBlock, gaps: list[tuple[float, float]]) -> list[SourceItem]:
    """The block cut at its gaps, each piece preceded by the GAP status that ends there."""
    out: list[SourceItem] = []
    if len(block) == 0:
        return out
    cuts = split_points(block.t, math.inf, gaps).tolist()
    by_end = {b: a for a, b in gaps}
    for start, stop in zip([0, *cuts], [*cuts, len(block)], strict=True):
        first = float(block.t[start])
        if first in by_end:
            out.append(SourceStatus(StatusKind.GAP, by_end[first], "samples missing", end_s=first))
        out.append(block.slice(start, stop))
    return out


class OverLiveSim:
    """A simulated person who is also her own sample source: the stream, its channels, name
    and closing are those of the live simulation ``self.source`` she drives."""

    source: LiveSimSource

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.source.channels

    @property
    def name(self) -> str:
        return self.source.name

    def stream(self) -> AsyncIterator[SourceItem]:
        return self.source.stream()

    async def close(self) -> None:
        await self.source.close()
