"""The detector's fast forms give what the general numpy routines they replace give: to the
last bit where they claim it (percentiles, means, variances, filtering rows at once), to
rounding where a closed-form least squares replaces a general solver; a judgement skipped
is one that would have found nothing."""

from __future__ import annotations

import numpy as np
import pytest

from perineo.samples import Channel
from perineo.signal import filters
from perineo.signal.buffer import History
from perineo.signal.condition import Conditioner, _mean, _var, breath_swing, detrend, swing
from perineo.signal.config import DetectorConfig
from perineo.signal.glitch import median_of_three
from perineo.signal.technique import co_rise, judge, nothing_to_find


def _arrays(rng: np.random.Generator) -> list[np.ndarray]:
    sizes = [*range(1, 40), 50, 100, 275, 1001]
    return [rng.normal(size=n) * rng.uniform(0.01, 50) + rng.uniform(-500, 500) for n in sizes]


def test_swing_mean_and_var_are_numpys_to_the_bit() -> None:
    rng = np.random.default_rng(3)
    for x in _arrays(rng) * 3:
        lo, hi = np.percentile(x, (5.0, 95.0))
        assert swing(x) == float(hi - lo)
        assert _mean(x) == float(np.mean(x))
        assert _var(x) == float(np.var(x))


def test_straight_line_fits_match_the_general_solvers() -> None:
    rng = np.random.default_rng(4)
    for n in (12, 50, 200, 275):
        x = rng.normal(size=n).cumsum() + 0.1 * np.arange(n)
        k = np.arange(n, dtype=float)
        assert np.allclose(detrend(x), x - np.polyval(np.polyfit(k, x, 1), k), atol=1e-9)
        # breath_swing: the abdomen less a constant and its fit on the pelvic floor, the
        # fit's coefficient kept within what a body produces (-0.5 to 2)
        abd, pelvic = rng.normal(size=n).cumsum(), rng.normal(size=n).cumsum()
        for share in (0.3, 1.7, 5.0, -3.0):
            mixed = abd + share * pelvic
            y = filters.smooth(mixed, 0.25 * 50.0)
            p = filters.smooth(pelvic, 0.25 * 50.0)
            design = np.column_stack((np.ones(n), p))
            coef = np.linalg.lstsq(design, y, rcond=None)[0]
            b = min(max(float(coef[1]), -0.5), 2.0)
            want = swing(y - y.mean() - b * (p - p.mean()))
            assert abs(breath_swing(mixed, 50.0, pelvic) - want) < 1e-9
        # co_rise: the abdomen's changes on the pelvic floor's, a constant and a ramp
        lag = 3
        da, dp = abd[lag:] - abd[:-lag], pelvic[lag:] - pelvic[:-lag]
        t = np.linspace(-1.0, 1.0, n - lag)
        design = np.column_stack((dp, np.ones(n - lag), t))
        beta = float(np.linalg.lstsq(design, da, rcond=None)[0][0])
        got = co_rise(abd, pelvic, lag)
        assert got is not None and abs(got - beta) < 1e-9


def test_filtering_rows_at_once_is_filtering_each(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    f = filters.lowpass(5.0, 50.0)
    x = rng.normal(size=(3, 200)).cumsum(axis=1)
    for loop in (filters._SOSFILT_LOOP, None):  # scipy's compiled loop, and sosfilt itself
        monkeypatch.setattr(filters, "_SOSFILT_LOOP", loop)
        z = f.initial_states(x[:, 0])
        rows, z = filters.filt_rows(f, x[:, :7], z)
        more, z = filters.filt_rows(f, x[:, 7:], z)
        rows = np.concatenate((rows, more), axis=1)
        for k in range(3):
            one, z1 = filters.filt(f, x[k], f.initial_state(float(x[k, 0])))
            assert np.array_equal(rows[k], one)
            assert np.array_equal(z[k], z1)


def test_nothing_to_find_only_where_judge_finds_nothing() -> None:
    """The hold's frames skip ``judge`` where counting says nothing can be found: it must
    never say so where ``judge`` would find push-down or bracing (odd and even lengths,
    ties at the limits, values that are not finite)."""
    cfg = DetectorConfig()
    rng = np.random.default_rng(11)
    said = 0
    for _ in range(3000):
        n = int(rng.integers(1, 40))
        abd = rng.normal(rng.uniform(-2, 15), rng.uniform(0.01, 4), n).round(1)
        tilt = rng.normal(rng.uniform(-6, 2), rng.uniform(0.01, 4), n).round(1)
        sq = rng.normal(rng.uniform(0, 30), rng.uniform(0.1, 10), n)
        pelvic = sq - rng.uniform(0, 1) * abd
        if rng.uniform() < 0.05:
            abd[rng.integers(n)] = np.nan
        abd_sd, tilt_sd = rng.uniform(0.1, 2), rng.uniform(0.05, 1)
        for a, t in ((abd, tilt), (abd, None), (None, tilt)):
            found = judge(sq, pelvic, a, t, cfg=cfg, abd_sd=abd_sd, tilt_sd=tilt_sd)
            for push, bracing in ((True, True), (True, False), (False, True)):
                kw = {"cfg": cfg, "abd_sd": abd_sd, "tilt_sd": tilt_sd}
                if nothing_to_find(sq, pelvic, a, t, **kw, push=push, bracing=bracing):
                    said += 1
                    assert not (push and found.push_down) and not (bracing and found.bracing)
    assert said > 3000


def test_window_median_is_the_median_of_the_last_values() -> None:
    rng = np.random.default_rng(12)
    for size in (1, 2, 5, 40):
        window = filters.WindowMedian(size)
        values: list[float] = []
        for _ in range(300):
            v = round(float(rng.normal()), 1)  # (ties)
            if rng.uniform() < 0.02:
                v = float(rng.choice([np.nan, np.inf]))
            values.append(v)
            got, want = window.add(v), filters.median(values[-size:])
            assert got == want or (np.isnan(got) and np.isnan(want))


def test_frame_means_taken_at_once_are_each_frames_to_the_bit() -> None:
    rng = np.random.default_rng(13)
    channels = (Channel.SQUEEZE, Channel.ABDOMINAL, Channel.TILT)
    cond = Conditioner(channels, DetectorConfig())
    for i0, n, frame in ((0, 100, 25), (7, 130, 25), (3, 520, 25), (40, 10, 25), (5, 91, 9)):
        hist = History(("sq", "abd", "tilt"), 100)
        hist.append(**{c: np.zeros(i0) for c in ("sq", "abd", "tilt")})
        cols = {c: rng.normal(size=n) * rng.uniform(0.01, 50) + rng.uniform(-99, 99) for c in "abc"}
        hist.append(sq=cols["a"], abd=cols["b"], tilt=cols["c"])
        cond.prepare_frames(hist, i0, i0 + n, frame)
        for f0 in range(0, i0 + n, frame):
            whole = i0 <= f0 and f0 + frame <= i0 + n
            for name, of in (("sq", _mean), ("abd", _mean), ("tilt", _mean), ("tilt_var", _var)):
                got = cond._prepared(name, f0, f0 + frame)
                x = hist.get(name.removesuffix("_var"), f0, f0 + frame)
                assert got == (of(x) if whole else None)


def test_the_glitch_median_of_three_is_numpys_to_the_bit() -> None:
    rng = np.random.default_rng(14)
    for _ in range(3000):
        three = rng.normal(size=(3, int(rng.integers(1, 4)))) * 10.0 ** rng.integers(-5, 5)
        if rng.uniform() < 0.5:
            three = three.round(int(rng.integers(0, 2)))  # (ties, and -0.0)
        want = np.median(three, axis=0)
        got = median_of_three(three)
        assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))


def test_gradient_is_numpys_to_the_bit() -> None:
    rng = np.random.default_rng(15)
    for x in [*_arrays(rng)[1:], np.array([1.0, -0.0]), np.array([0.0, np.nan, 2.0])]:
        got, want = filters.gradient(x), np.gradient(x)
        assert np.array_equal(got, want, equal_nan=True)
        assert np.array_equal(np.signbit(got), np.signbit(want))
