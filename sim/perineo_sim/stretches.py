"""Stretches of time that new events must keep clear of, checked in logarithmic time.

Planning places coughs, movements and level steps at random times away from the
repetitions and from each other. Checking every stretch for every try made a long session
quadratic; here the stretches are kept sorted by start, and only those that can reach the
new one are looked at.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class Stretches:
    """Closed stretches [start, end] of time (they may overlap one another)."""

    def __init__(self, spans: Iterable[tuple[float, float]] = ()) -> None:
        self._starts: list[float] = []
        self._ends: list[float] = []
        self._longest = 0.0
        for start, end in spans:
            self.add(start, end)

    def add(self, start: float, end: float) -> None:
        i = bisect.bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        self._longest = max(self._longest, end - start)

    def free(self, lo: float, hi: float) -> bool:
        """Whether [lo, hi] meets none of the stretches (touching one counts as meeting)."""
        # a stretch starting before lo - longest ends before lo: only later ones can meet
        reach = self._longest * (1.0 + 1e-9) + 1e-9
        first = bisect.bisect_left(self._starts, lo - reach)
        stop = bisect.bisect_right(self._starts, hi)
        return all(self._ends[i] < lo for i in range(first, stop))
