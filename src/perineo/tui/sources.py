"""Open the source the user chose: the simulator or a BLE probe (imported only when asked)."""

from __future__ import annotations

import importlib.util
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from perineo.program.calibration import CalStep
from perineo.program.coach import Cue
from perineo.program.model import Program
from perineo.samples import Channel
from perineo.sources.base import SampleSource, SourceItem
from perineo.tui.screens.home import Device, Scanner

if TYPE_CHECKING:
    from perineo.tui.simfollow import CueFollowingSim

FOLLOW = "follow"  # the simulated person who follows the cues (the default)
SCAN_S = 4.0


def ble_available() -> bool:
    return importlib.util.find_spec("perineo.sources.ble") is not None


class VirtualLinkFollower:
    """``--sim-ble``: the cue-following simulated person served by the virtual probe over a
    real BLE stack (Bumble) and read back by the BLE source, in real time."""

    def __init__(self, follower: CueFollowingSim) -> None:
        from perineo_sim.ble_virtual import VirtualBleSource

        self._follower = follower
        self._source = VirtualBleSource.wrap(follower)

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self._source.channels

    @property
    def name(self) -> str:
        return self._source.name

    def stream(self) -> AsyncIterator[SourceItem]:
        return self._source.stream()

    async def close(self) -> None:
        await self._source.close()

    def follow(self, cue: Cue | CalStep, now_s: float) -> None:
        # the app's clock is the link's (host time); the person keeps her own
        self._follower.follow(cue, self._follower.person.now_s)


@dataclass(frozen=True)
class SourceChoices:
    """How to open a source for an address (None: the simulator)."""

    program: Program
    scenario: str = FOLLOW
    speed: float = 1.0
    seed: int | None = None
    ble_link: bool = False  # serve the simulator through the virtual BLE probe

    def open(self, address: str | None) -> SampleSource:
        seed = random.randrange(2**31) if self.seed is None else self.seed
        if address is None and self.scenario == FOLLOW:
            from perineo.tui.simfollow import CueFollowingSim

            follower = CueFollowingSim.create(self.program, seed=seed, speed=self.speed)
            return VirtualLinkFollower(follower) if self.ble_link else follower
        if address is None and self.ble_link:
            from perineo_sim.ble_virtual import VirtualBleSource

            return VirtualBleSource.from_scenario(self.scenario, seed)
        if address is None:
            from perineo.sources.sim import SimSource

            return SimSource(self.scenario, seed, speed=self.speed)
        from perineo.sources.ble import BleSource

        return BleSource(address)

    def scanner(self) -> Scanner | None:
        """A scan function for the home screen, when the BLE back end is installed."""
        if not ble_available():
            return None

        async def scan() -> list[Device]:
            from perineo.sources.ble_support import scan_probes

            return [
                Device(p.name or "?", p.address, rssi=p.rssi, battery=p.battery_percent)
                for p in await scan_probes(SCAN_S)
            ]

        return scan
