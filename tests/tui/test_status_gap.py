"""The status line tells a gap in the data for a few seconds after it happened, then drops it;
never a gap of zero or less (it used to say "gap 0.0 s" for the whole session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message

from perineo.program.loader import get_program
from perineo.tui.app import GAP_SHOWN_S, create_app
from perineo.tui.messages import SamplesArrived, StatusChanged
from perineo_sim.sources import SimSource

from .helpers import Kept, run, wait_for

# three repetitions, ~40 s, with two dropouts (at 26.0 s and 36.0 s) for seed 2
SHORT = Path(__file__).parents[1] / "session" / "short.toml"
GAPS_SEED = 2


@pytest.mark.slow
def test_a_gap_shows_for_a_few_seconds(home) -> None:
    source = Kept(SimSource(str(SHORT), seed=GAPS_SEED, speed=20.0, block_s=0.5))
    app = create_app(source, program=get_program("intensive"))
    seen: list[Message] = []

    async def drive() -> None:
        async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
            await wait_for(pilot.pause, lambda: app.result is not None, timeout_s=60)
            await pilot.pause(0.3)

    run(drive())
    now = 0.0
    shown: list[tuple[float, float | None]] = []  # (stream time, the gap the line shows)
    for m in seen:
        if isinstance(m, SamplesArrived):
            now = m.t_end
        elif isinstance(m, StatusChanged):
            shown.append((now, m.status.gap_s))
    gaps = [g for _, g in shown if g is not None]
    assert gaps and all(g > 0.0 for g in gaps)
    first = next(t for t, g in shown if g is not None)
    cleared = next(t for t, g in shown if t > first and g is None)
    assert 25.0 <= first <= 28.0  # the first of the session's two gaps, at 26 s
    assert GAP_SHOWN_S - 1.0 <= cleared - first <= GAP_SHOWN_S + 1.5
