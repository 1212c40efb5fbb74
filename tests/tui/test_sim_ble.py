"""``perineo train --sim-ble``: the cue-following person over the virtual BLE probe."""

from __future__ import annotations

import asyncio

import pytest

from perineo.program.loader import get_program
from perineo.samples import SampleBlock, SourceStatus, StatusKind
from perineo.session.choices import SourceChoices
from perineo_sim.ble_virtual import VirtualLinkFollower

pytestmark = pytest.mark.slow  # over a real BLE host stack (Bumble)


def test_simulated_person_reaches_the_app_over_the_ble_stack() -> None:
    choices = SourceChoices(get_program("intensive"), seed=5, ble_link=True)
    source = choices.open(None)
    assert isinstance(source, VirtualLinkFollower)
    assert source.name.startswith("ble-virtual:")

    async def collect() -> tuple[list[StatusKind], list[SampleBlock]]:
        statuses: list[StatusKind] = []
        blocks: list[SampleBlock] = []

        async def read() -> None:
            async for item in source.stream():
                if isinstance(item, SourceStatus):
                    statuses.append(item.kind)
                else:
                    blocks.append(item)
                if sum(len(b) for b in blocks) >= 150:  # 1.5 s at 100 Hz
                    break

        await asyncio.wait_for(read(), timeout=20.0)
        await source.close()
        return statuses, blocks

    statuses, blocks = asyncio.run(collect())
    assert StatusKind.CONNECTED in statuses
    t = SampleBlock.concat(blocks).t
    assert (t[1:] > t[:-1]).all()
    assert set(blocks[0].channels) == set(source.channels)
