"""Test helpers for the app: a source wrapper that keeps what it delivered, and a runner."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from perineo.program.calibration import CalStep
from perineo.program.coach import Cue
from perineo.samples import Channel, SampleBlock
from perineo.sources.base import SampleSource, SourceItem

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from perineo.session.training import LiveSession

T = TypeVar("T")


class Kept:
    """Wraps a real source: keeps every item it delivers, optionally stops at ``until_s``.

    With ``hold_open`` the stream stays open (delivering nothing) after ``until_s`` until the
    app closes it, so a screen can be looked at in a fixed state. ``follow`` is passed on,
    so a cue-following simulated person still follows.
    """

    def __init__(
        self, inner: SampleSource, *, until_s: float = math.inf, hold_open: bool = False
    ) -> None:
        self.inner = inner
        self.until_s = until_s
        self.hold_open = hold_open
        self.items: list[SourceItem] = []
        self.done = asyncio.Event()
        self._closed = asyncio.Event()

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.inner.channels

    @property
    def name(self) -> str:
        return self.inner.name

    def follow(self, cue: Cue | CalStep, now_s: float) -> None:
        follow = getattr(self.inner, "follow", None)
        if follow is not None:
            follow(cue, now_s)

    @property
    def blocks(self) -> list[SampleBlock]:
        return [b for b in self.items if isinstance(b, SampleBlock)]

    def stream(self) -> AsyncIterator[SourceItem]:
        return self._run()

    async def _run(self) -> AsyncIterator[SourceItem]:
        async for item in self.inner.stream():
            if isinstance(item, SampleBlock) and len(item) and item.t[-1] > self.until_s:
                break
            self.items.append(item)
            yield item
        self.done.set()
        if self.hold_open:
            await self._closed.wait()

    async def close(self) -> None:
        self._closed.set()
        await self.inner.close()


async def wait_for(
    pause: Callable[[float], Awaitable[None]],
    condition: Callable[[], bool],
    timeout_s: float = 30.0,
    step_s: float = 0.05,
) -> None:
    """Pause the app in steps until ``condition()`` holds (fail after ``timeout_s``)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"condition not met within {timeout_s} s")
        await pause(step_s)


async def pause_training(pilot: Pilot[object], session: LiveSession) -> float:
    """Pause the live session with its key; return the stream time it paused at."""
    await pilot.press("space")
    assert session.paused
    return session.pipeline.now_s or 0.0


async def stay_paused(
    pilot: Pilot[object], session: LiveSession, start_s: float, seconds: float
) -> None:
    """Let the stream run on ``seconds`` past ``start_s`` while the session is paused."""
    await wait_for(pilot.pause, lambda: (session.pipeline.now_s or 0.0) - start_s >= seconds)


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]
