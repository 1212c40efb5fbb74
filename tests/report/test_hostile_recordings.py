"""perineo report on hostile recordings (issue 15): clock jumps, huge, negative and
backward times, values the probe cannot send, strict JSON, long recordings in bounded memory.
Every case is a real file in tmp_path read by the real command."""

from __future__ import annotations

import time

import numpy as np

from perineo.assess import measures


# ---------------------------------------------------------------- the rest curve's grid
def _rest_curve_over_the_span(t, x, mask, half_window_s):  # type: ignore[no-untyped-def]
    """rest_curve as it was: a grid over the whole span (10^12 s asked for 14.6 TiB)."""
    grid = np.arange(float(t[0]), float(t[-1]) + measures.REST_GRID_S, measures.REST_GRID_S)
    tr, xr = t[mask], x[mask]
    lo = np.searchsorted(tr, grid - half_window_s)
    hi = np.searchsorted(tr, grid + half_window_s)
    vals = np.full(len(grid), np.nan)
    for j, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if b - a >= 10:
            vals[j] = float(np.median(xr[a:b]))
    ok = ~np.isnan(vals)
    return np.interp(t, grid[ok], vals[ok]) if ok.any() else np.full(len(t), np.median(xr))


def test_the_rest_curve_is_the_same_on_the_grid_near_the_samples() -> None:
    """Only the grid points within reach of a sample are computed now; the curve is the one
    the grid over the whole span gave, value for value, with gaps of every width."""
    rng = np.random.default_rng(7)
    for _ in range(60):
        rate = float(rng.choice([25, 50, 100, 200]))
        n = int(rng.integers(50, 6000))
        dt = np.full(n - 1, 1 / rate) * (1 + rng.normal(0, 0.01, n - 1))
        gaps = rng.random(n - 1) < 0.003
        dt[gaps] += rng.choice([0.3, 3.0, 9.9, 10.0, 24.1, 1000.0], gaps.sum())
        t0 = float(rng.choice([0.0, 0.123456789, -50.7, 1.7e9 + 0.3]))
        t = t0 + np.concatenate(([0.0], np.cumsum(dt)))
        x = np.cumsum(rng.normal(0, 1, n))
        mask = rng.random(n) < float(rng.choice([0.3, 0.9, 1.0]))
        for hw in (measures.REST_HALF_WINDOW_S, measures.BREATH_REST_HALF_WINDOW_S):
            expected = _rest_curve_over_the_span(t, x, mask, hw)
            assert np.array_equal(measures.rest_curve(t, x, mask, hw), expected)


def test_the_rest_curve_over_a_clock_jump_follows_the_samples() -> None:
    t = np.concatenate((np.arange(0, 100, 0.02), 1e12 + np.arange(0, 100, 0.02)))
    x = np.where(t < 1e12, 30.0, 40.0) + 0.1 * np.sin(t)
    start = time.process_time()
    curve = measures.rest_curve(t, x, np.ones(len(t), dtype=bool))
    assert time.process_time() - start < 5
    assert np.all(np.abs(curve - np.where(t < 1e12, 30.0, 40.0)) < 0.2)
