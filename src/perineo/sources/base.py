"""The sample-source interface shared by the simulator, replay and BLE back ends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from perineo.errors import SourceError
from perineo.samples import Channel, SampleBlock, SourceStatus

SourceItem = SampleBlock | SourceStatus


@runtime_checkable
class SampleSource(Protocol):
    """A stream of sample blocks and status events.

    ``channels`` is known before streaming starts (a BLE source learns it on connect and
    sets it before the first block). ``stream()`` yields items in time order until the
    source ends or ``close()`` is called; it may be called once: a second call raises
    :class:`~perineo.errors.SourceError` (:func:`streamed_twice`). ``close()`` may be
    called any number of times.
    """

    @property
    def channels(self) -> tuple[Channel, ...]: ...

    @property
    def name(self) -> str: ...

    def stream(self) -> AsyncIterator[SourceItem]: ...

    async def close(self) -> None: ...


def streamed_twice(name: str) -> SourceError:
    """The one error every source raises when ``stream()`` is called a second time."""
    return SourceError(f"{name}: stream() may be called only once per source")


@dataclass(frozen=True)
class Device:
    """A probe found by a scan, as the home screen lists it."""

    name: str
    address: str
    rssi: int | None = None
    battery: float | None = None


Scanner = Callable[[], Awaitable[Sequence[Device]]]
