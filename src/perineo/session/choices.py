"""Open the source the user chose: the user's choice mapped onto a source kind.

The simulator and the probe are opened by kind through
:func:`perineo.sources.registry.open_source`; nothing here imports a back end.
"""

from __future__ import annotations

import importlib.util
import random
from dataclasses import dataclass

from perineo.program.model import Program
from perineo.sources.base import Device, SampleSource, Scanner
from perineo.sources.registry import open_source

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
    ble_link: bool = False  # serve the simulator through the virtual BLE probe

    def open(self, address: str | None) -> SampleSource:
        if address is not None:
            return open_source("ble", address=address)
        seed = random.randrange(2**31) if self.seed is None else self.seed
        if self.scenario == FOLLOW and self.ble_link:
            return open_source("ble-virtual-follow", program=self.program, seed=seed)
        if self.scenario == FOLLOW:
            return open_source("sim-follow", program=self.program, seed=seed, speed=self.speed)
        if self.ble_link:
            return open_source("ble-virtual", scenario=self.scenario, seed=seed)
        return open_source("sim", scenario=self.scenario, seed=seed, speed=self.speed)

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
