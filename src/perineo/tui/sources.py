"""Open the source the user chose: the simulator or a BLE probe (imported only when asked)."""

from __future__ import annotations

import importlib.util
import random
from dataclasses import dataclass

from perineo.program.model import Program
from perineo.sources.base import SampleSource
from perineo.tui.screens.home import Device, Scanner

FOLLOW = "follow"  # the simulated person who follows the cues (the default)
SCAN_S = 4.0


def ble_available() -> bool:
    return importlib.util.find_spec("perineo.sources.ble") is not None


@dataclass(frozen=True)
class SourceChoices:
    """How to open a source for an address (None: the simulator)."""

    program: Program
    scenario: str = FOLLOW
    speed: float = 1.0
    seed: int | None = None

    def open(self, address: str | None) -> SampleSource:
        seed = random.randrange(2**31) if self.seed is None else self.seed
        if address is None and self.scenario == FOLLOW:
            from perineo.tui.simfollow import CueFollowingSim

            return CueFollowingSim.create(self.program, seed=seed, speed=self.speed)
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
