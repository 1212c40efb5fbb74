"""The trace's pure parts: the ring buffer, its decimation to the plot width, braille rows."""

from __future__ import annotations

import numpy as np
import pytest

from perineo.display.plot import braille_rows, nice_range
from perineo.display.tracebuf import TraceBuffer


def test_ring_buffer_keeps_the_newest_samples_in_order() -> None:
    buf = TraceBuffer(keep_s=1.0, max_rate_hz=10.0)  # capacity 11
    t = np.arange(25) * 0.1
    for chunk in np.array_split(np.arange(25), 7):
        buf.append(t[chunk], 2 * t[chunk])
    kept_t, kept_v = buf.latest()
    np.testing.assert_allclose(kept_t, t[-11:])
    np.testing.assert_allclose(kept_v, 2 * t[-11:])
    assert buf.t_last == pytest.approx(2.4)
    assert len(buf) == 11


def test_appending_does_not_keep_the_callers_arrays() -> None:
    buf = TraceBuffer(keep_s=1.0, max_rate_hz=10.0)
    t, v = np.array([0.0, 0.1]), np.array([1.0, 2.0])
    buf.append(t, v)
    v[:] = 99.0
    np.testing.assert_allclose(buf.latest()[1], [1.0, 2.0])


def test_envelope_has_one_min_max_bin_per_column() -> None:
    buf = TraceBuffer(keep_s=30.0, max_rate_hz=100.0)
    t = np.arange(0, 20, 0.01)
    v = np.where((t >= 10) & (t < 15), 40.0, 10.0)
    buf.append(t, v)
    env = buf.envelope(bins=40, span_s=20.0)
    assert len(env.low) == len(env.high) == 40
    assert np.nanmax(env.high) == 40.0 and np.nanmin(env.low) == 10.0
    # the contraction fills the bins of 10–15 s: bins 20..29 of 40 over 0–20 s
    assert (env.low[21:29] == 40.0).all() and (env.high[:19] == 10.0).all()


def test_envelope_leaves_gaps_empty() -> None:
    buf = TraceBuffer()
    t = np.r_[np.arange(0, 5, 0.01), np.arange(15, 20, 0.01)]
    buf.append(t, np.ones_like(t))
    env = buf.envelope(bins=20, span_s=20.0)
    assert np.isnan(env.low[6:14]).all() and not np.isnan(env.low[1:4]).any()


def test_braille_draws_a_step_and_marks_the_band() -> None:
    low = np.r_[np.full(10, 0.0), np.full(10, 10.0)]
    plot = braille_rows(low, low.copy(), height=4, y_min=0.0, y_max=10.0, band=(7.5, 10.0))
    assert len(plot.rows) == 4 and all(len(r) == 10 for r in plot.rows)
    assert plot.in_band == (True, False, False, False)
    assert plot.rows[0][:5].strip() == "" and plot.rows[0][6:].strip() != ""
    assert plot.rows[-1][:5].strip() != ""
    # the rise is joined: every row has a dot at the step's column
    assert all(row[5] != " " for row in plot.rows)


def test_braille_needs_two_bins_a_cell() -> None:
    with pytest.raises(ValueError, match="even length"):
        braille_rows(np.zeros(3), np.zeros(3), 2, 0.0, 1.0)


def test_nice_range_rounds_outwards() -> None:
    assert nice_range(31.2, 77.9) == (30.0, 80.0)
    assert nice_range(10.0, 10.0) == (10.0, 15.0)
