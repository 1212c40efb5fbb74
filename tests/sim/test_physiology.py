"""Issue 12's physiology: each phenomenon shows in the rendered signal and in the truth."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from tests.sim.helpers import QUIET

from perineo.samples import Channel
from perineo_sim import Scenario, parse_scenario, random_scenario, simulate
from perineo_sim.actions import RepKind
from perineo_sim.conditions import CONDITIONS, condition_scenario
from perineo_sim.person import VirtualPerson
from perineo_sim.physiology import TREMOR_BAND_HZ, Cough, LevelStep, Talk
from perineo_sim.truth import Truth

ALL = ("squeeze", "abdominal", "tilt")


def quiet(person: str = "", nuisances: str = "", kind: str = "intensive", count: int = 3,
          rate: float = 100, extra: str = "") -> Scenario:  # fmt: skip
    """helpers.QUIET with extra [person] / [nuisances] lines."""
    text = QUIET.format(kind=kind, count=count, rate=rate, extra=extra)
    text = text.replace("[person]\n", "[person]\n" + person + "\n")
    text = text.replace("[nuisances]\n", "[nuisances]\n" + nuisances + "\n")
    return parse_scenario(text, "quiet")


def person_of(scn: Scenario, seed: int):
    """The session and its virtual person, rebuilt as ``simulate`` builds it."""
    sim = simulate(scn, seed)
    _, person_ss, _, physio_ss = np.random.SeedSequence(seed).spawn(4)
    _, person_physio, _ = (np.random.default_rng(s) for s in physio_ss.spawn(3))
    person = VirtualPerson(sim.plan.person, np.random.default_rng(person_ss), person_physio)
    for rep in sim.plan.reps:
        person.schedule(rep)
    for art in (*sim.plan.artifacts, *sim.plan.extras):
        person.add_artifact(art)
    return sim, person


# -- the default draw is unchanged ---------------------------------------------------------


def _digest(seed: int, chans: tuple[str, ...], rate: float | None) -> str:
    sim = simulate(random_scenario(np.random.default_rng(seed), chans, rate), seed)
    m = hashlib.sha256(sim.block.t.tobytes())
    for v in sim.block.data.values():
        m.update(v.tobytes())
    m.update(sim.truth.dumps().encode())
    return m.hexdigest()[:16]


# digests of the default draw before issue 12's physiology was added
DEFAULT_DIGESTS = {
    (3, ALL, 100.0): "d81644308fe38340",
    (11, ("squeeze",), None): "c1370c7a1631f8d4",
    (1_000_000, ("squeeze", "tilt"), 25.0): "8c8037a8cab207db",
}


@pytest.mark.parametrize("key", list(DEFAULT_DIGESTS))
def test_default_random_draw_is_unchanged(key) -> None:
    assert _digest(*key) == DEFAULT_DIGESTS[key]


def test_clean_condition_is_the_default_draw() -> None:
    a = random_scenario(np.random.default_rng(5), ALL, 50.0)
    b = condition_scenario("clean", np.random.default_rng(5), ALL, 50.0)
    assert a == b
    assert "level_steps" not in simulate(b, 5).truth.to_json()


# -- muscle: tremor, dynamics, slow recruitment, strength -----------------------------------


def test_tremor_is_1_to_3_percent_of_the_hold_within_0p1_to_2_hz() -> None:
    scn = quiet("tremor_frac = [0.01, 0.03]", kind="endurance", extra="hold_s = 20\nfatigue = 0")
    for seed in (1, 2, 3):
        sim, person = person_of(scn, seed)
        assert 0.01 <= sim.plan.person.tremor_frac <= 0.03
        rep = sim.plan.reps[0]
        t = np.arange(rep.hold_start_s + 3.0, rep.hold_end_s - 0.5, 0.01)
        lat = person.render(t)
        trem = lat.pf - lat.contraction  # what the tremor adds to the force
        level = float(np.median(lat.contraction))
        rel = float(np.std(trem)) / level
        assert 0.006 <= rel <= 0.035, rel  # a finite stretch of 0.1-Hz components
        spec = np.abs(np.fft.rfft(trem - trem.mean())) ** 2
        f = np.fft.rfftfreq(len(trem), 0.01)
        inside = spec[(f >= TREMOR_BAND_HZ[0] * 0.5) & (f <= TREMOR_BAND_HZ[1] * 1.1)].sum()
        assert inside / spec.sum() > 0.95
        assert np.all(np.abs(trem) < 0.125 * level)  # never a quick lift's size
        # none at rest
        rest = person.render(np.arange(0.0, rep.onset_s - 0.01, 0.01))
        assert np.all(rest.pf == rest.contraction)


def test_tremor_never_adds_truth_lifts() -> None:
    base = quiet(kind="intensive", count=4)
    trem = quiet("tremor_frac = 0.03", kind="intensive", count=4)
    for seed in (1, 2):
        a, b = simulate(base, seed).truth, simulate(trem, seed).truth
        assert [r.quick_lifts_s for r in a.reps] == [r.quick_lifts_s for r in b.reps]


def test_quick_lifts_rise_faster_than_they_fall_and_peak_on_time() -> None:
    scn = quiet(
        "activation_tau_s = [0.03, 0.06]\ndeactivation_tau_s = [0.15, 0.25]",
        kind="intensive",
        count=4,
        extra="quick_lifts = 3\nfatigue = 0",
    )
    sim, _ = person_of(scn, 4)
    n = 0
    for rep in sim.plan.reps:
        for (foot, peak, end), q in zip(rep.lift_windows(), rep.lifts, strict=True):
            assert q.tau_up_s < q.tau_down_s
            assert peak - foot < end - peak  # rises faster than it falls
            t = np.arange(foot, end, 0.001)
            lift = rep.lifts_part(t)
            assert abs(t[int(np.argmax(lift))] - peak) <= 0.0015  # truth time = its peak
            assert q.height_cmH2O >= rep.strength_cmH2O / 8  # at least 1/8 of the hold
            n += 1
    assert n >= 6
    overshoots = [r.overshoot for r in sim.plan.reps]
    assert max(overshoots) >= 0.04  # overshoot then sag


def test_slow_recruitment_rises_take_1p5_to_2p5_s_and_start_slowly() -> None:
    """Every sustained contraction rises over 1.5-2.5 s with a slow start; a fast one (a
    1-s contraction by definition) and a push-down keep their own rise."""
    scn = condition_scenario("slow_recruitment", np.random.default_rng(9), ALL, 100.0)
    sim = simulate(scn, 9)
    slow = [r for r in sim.plan.reps if not r.push_down and r.kind is not RepKind.FAST]
    assert slow and all(1.5 <= r.rise_s <= 2.5 for r in slow)
    for r in slow:
        v = r.rise_shape(np.array([0.1, 0.5, 1.0]))
        assert v[0] < 0.05 and v[1] < 0.5 + 1e-9 and v[2] == 1.0
    fast = [r for r in sim.plan.reps if r.kind is RepKind.FAST]
    assert all(r.rise_s < 1.0 for r in fast)
    slow_onsets = {round(r.onset_s, 4) for r in slow}
    for r in sim.truth.reps:
        if round(r.onset_s, 4) in slow_onsets:
            assert r.hold_start_s - r.onset_s >= 1.5


@pytest.mark.parametrize(("name", "lo", "hi"), [("weak", 4.0, 8.0), ("strong", 80.0, 120.0)])
def test_weak_and_strong_pelvic_floors(name: str, lo: float, hi: float) -> None:
    for seed in (1, 2, 3):
        sim = simulate(condition_scenario(name, np.random.default_rng(seed), ALL, 50.0), seed)
        s = [r.strength_cmH2O for r in sim.plan.reps if not r.push_down]
        assert s and lo <= min(s) and max(s) <= hi
        for r in sim.plan.reps:
            for q in r.lifts:
                assert q.height_cmH2O >= r.strength_cmH2O / 8


# -- posture shifts, probe slips, leak --------------------------------------------------------


def test_level_steps_last_and_are_in_the_truth() -> None:
    scn = quiet(
        nuisances="posture_shifts_per_min = 3\nprobe_slips_per_min = 2",
        kind="basic",
        count=3,
        extra="rest_s = [14, 18]",
    )
    seen = 0
    for seed in range(1, 6):
        sim = simulate(scn, seed)
        truth = sim.truth
        doc = Truth.from_json(truth.to_json())
        assert [s.to_json() for s in doc.level_steps] == truth.to_json().get("level_steps", [])
        t, sq = sim.block.t, sim.block.data[Channel.SQUEEZE]
        for st in truth.level_steps:
            seen += 1
            assert 2.0 <= abs(st.size_cmH2O) <= 10.0 + 1e-9
            assert 0.2 <= st.end_s - st.t_s <= 1.5
            for r in truth.reps:  # >= 3 s from every repetition
                assert st.end_s < r.onset_s - 3.0 or st.t_s > r.end_s + 3.0
            before = np.median(sq[(t > st.t_s - 1.5) & (t < st.t_s)])
            after = np.median(sq[(t > st.end_s + 0.5) & (t < st.end_s + 2.0)])
            assert abs((after - before) - st.size_cmH2O) < 0.3 * abs(st.size_cmH2O) + 0.6
        # never a repetition: the truth has exactly the scheduled ones
        assert len(truth.reps) == 3
    assert seen >= 3


def test_leak_drifts_the_resting_level() -> None:
    lo = simulate(quiet(nuisances="leak_cmH2O_per_min = -1"), 2)
    hi = simulate(quiet(nuisances="leak_cmH2O_per_min = 1"), 2)
    assert hi.plan.fit.leak_cmH2O_per_min == 1.0
    end = lo.block.t[-1]
    diff = hi.block.data[Channel.SQUEEZE][-50:].mean() - lo.block.data[Channel.SQUEEZE][-50:].mean()
    assert diff == pytest.approx(2 * end / 60.0, abs=0.3)


# -- coughs, talking, breathing ----------------------------------------------------------------


def test_cough_bouts_each_cough_an_artifact_with_the_twitch_first() -> None:
    scn = quiet(nuisances="cough_bouts_per_min = 4\ncough_bout_size = [2, 3]", kind="basic",
                extra="rest_s = [8, 10]")  # fmt: skip
    sim, person = person_of(scn, 3)
    coughs = [e for e in sim.plan.extras if isinstance(e, Cough)]
    assert len(coughs) >= 4
    arts = [(a.t_s, a.end_s) for a in sim.truth.artifacts if a.kind == "cough"]
    assert len(arts) == len(coughs)
    abd = sorted(c.abdominal_s for c in coughs)
    gaps = np.diff(abd)
    assert np.any((gaps >= 0.3) & (gaps <= 0.7 + 1e-9))  # bouts: 0.3-0.7 s apart
    for c in coughs:
        assert (c.t_s, c.end_s) in arts
        assert 0.05 <= c.lead_s <= 0.1 and 0.05 <= c.rise_s <= 0.1 and 0.1 <= c.decay_s <= 0.3
        assert 30 <= c.iap_cmH2O <= 150 and 3 <= c.twitch_cmH2O <= 20
        t = np.arange(c.t_s - 0.2, c.end_s, 0.001)
        lat = person.render(t)
        twitch, ab, _, _ = c.render(t)
        rise_pf = t[np.argmax(twitch > 0.05 * c.twitch_cmH2O)]
        rise_ab = t[np.argmax(ab > 0.05 * c.iap_cmH2O)]
        assert 0.03 <= rise_ab - rise_pf <= 0.15  # the reflex twitch first
        assert lat.iap.max() > 25.0  # it shows in the rendered abdominal pressure
    for r in sim.truth.reps:
        for a, b in arts:
            assert b < r.onset_s or a > r.end_s


def test_talking_and_breathing_drift_sigh_pause() -> None:
    scn = quiet(
        "breath_rate_drift = 0.3\nsigh_prob = 0.3\nsigh_pause_s = 5",
        "talking_per_min = 3",
        kind="basic",
        count=2,
        extra="rest_s = [60, 60]",
    )
    sim, person = person_of(scn, 6)
    talks = [e for e in sim.plan.extras if isinstance(e, Talk)]
    assert talks and all(a.kind != "talking" or a.end_s > a.t_s for a in sim.truth.artifacts)
    tk = talks[0]
    t = np.arange(tk.t_s + 0.5, tk.end_s - 0.5, 0.01)
    _, iap, _, _ = tk.render(t)
    spec = np.abs(np.fft.rfft(iap)) ** 2
    f = np.fft.rfftfreq(len(iap), 0.01)
    assert spec[f > 1.0].sum() / spec.sum() > 0.9  # fast, unlike breathing
    starts = person.breathing.breath_starts(sim.truth.duration_s)
    per = np.diff(starts)
    assert np.any(per > 1.4 / 0.2 * 1.0)  # a sigh's pause makes a long period
    for a in np.arange(0.0, sim.truth.duration_s - 60.0, 20.0):
        rate = person.breathing.rate_hz(float(a)) * 60.0
        assert 8.0 <= rate <= 20.0


def test_slow_and_shallow_breathing_condition() -> None:
    rates, depths = [], []
    for seed in range(8):
        sim = simulate(condition_scenario("breathing", np.random.default_rng(seed), ALL, 50), seed)
        p = sim.plan.person
        rates.append(p.breath_rate_hz * 60)
        depths.append(p.breath_pp_cmH2O)
        assert p.breath_rate_drift > 0 or p.breath_rate_hz * 60 <= 11.0
    assert min(rates) < 11.0  # slow breathing drawn in some sessions
    assert min(depths) < 2.0  # shallow in some


# -- probe timing ---------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [25.0, 50.0, 100.0, 200.0])
def test_ble_packet_timing(rate: float) -> None:
    scn = quiet(
        nuisances="ble_interval_ms = [7.5, 50]\nstalls_per_min = 3\nadc_bits = 10\n"
        "drop_prob = 0.02\ndrop_burst = 0.7",
        rate=rate,
        count=4,
    )
    sim = simulate(scn, 7)
    t = sim.block.t
    assert np.all(np.diff(t) > 0)
    assert np.median(np.diff(t)) == pytest.approx(1.0 / rate, rel=0.01)
    # samples of one packet are one period apart: most steps are exactly the period
    assert np.mean(np.isclose(np.diff(t), 1.0 / rate, rtol=1e-6)) > 0.5
    # 10-bit over 0-300 cmH2O: every squeeze value is a multiple of ~0.293 (then 0.01)
    step = 300.0 / 1023
    sq = sim.block.data[Channel.SQUEEZE]
    assert np.all(np.abs(sq / step - np.round(sq / step)) * step <= 0.0051)
    assert sim.truth.gaps  # stalls and lost packets are in the truth
    for g in sim.truth.gaps:
        inside = (t > g.start_s) & (t < g.end_s)
        assert not inside.any()
    assert sim.truth.person["ble_interval_ms"] >= 7.5


def test_ble_stamps_lag_the_sampling_clock_by_the_link() -> None:
    scn = quiet(nuisances="ble_interval_ms = 30", count=2)
    sim = simulate(scn, 3)
    fs = 100.0
    nominal = np.arange(len(sim.block.t)) / fs  # no packet lost here
    lag = sim.block.t - nominal
    assert lag.min() > -1e-9 and np.median(lag) < 0.04


# -- chunking and the conditions -------------------------------------------------------------


def test_person_renders_the_same_chunk_by_chunk() -> None:
    scn = condition_scenario("mixed", np.random.default_rng(4), ALL, 100.0)
    sim, person = person_of(scn, 4)
    t = np.arange(0.0, sim.truth.duration_s, 0.01)
    whole = person.render(t)
    _, again = person_of(scn, 4)
    cuts = np.sort(np.random.default_rng(0).choice(len(t), 25, replace=False))
    parts = [again.render(c) for c in np.split(t, cuts)]
    for field in ("pf", "iap", "tilt", "direct"):
        np.testing.assert_array_equal(
            getattr(whole, field), np.concatenate([getattr(p, field) for p in parts])
        )


@pytest.mark.slow
def test_conditions_are_complete_and_render_at_every_rate() -> None:
    assert list(CONDITIONS) == [
        "clean", "tremor", "posture", "coughs", "breathing", "weak", "strong",
        "slow_recruitment", "probe_timing", "mixed", "long",
    ]  # fmt: skip
    for name in CONDITIONS:
        if name == "long":
            continue
        for rate in (25.0, 200.0):
            sim = simulate(condition_scenario(name, np.random.default_rng(2), ALL, rate), 2)
            assert np.all(np.diff(sim.block.t) > 0)
            assert sim.truth.reps
    with pytest.raises(ValueError):
        condition_scenario("nope", np.random.default_rng(0))


@pytest.mark.slow
def test_conditions_keep_the_technique_errors() -> None:
    errs: set[str] = set()
    for seed in range(12):
        sim = simulate(condition_scenario("mixed", np.random.default_rng(seed), ALL, 50), seed)
        errs |= {e for r in sim.truth.reps for e in r.errors}
    assert errs == {"push_down", "abdominal_bracing", "breath_hold", "incomplete_release"}


def test_long_condition_is_36_minutes_with_fading_sets() -> None:
    scn = condition_scenario("long", np.random.default_rng(1), ("squeeze",), 25.0)
    assert scn.duration_s == 36 * 60
    sim = simulate(scn, 1)
    assert sim.truth.duration_s == 36 * 60
    assert sim.plan.fit.leak_cmH2O_per_min < 0
    first = [b.ranges["strength_cmH2O"][1] for b in scn.blocks[:3] if b.kind is not None]
    later = [b.ranges["strength_cmH2O"][1] for b in scn.blocks[12:] if b.kind is not None]
    assert np.mean(later) < np.mean(first)
    pauses = [b.ranges["pause_after_s"][0] for b in scn.blocks]
    assert min(pauses) >= 60.0


def test_extras_never_overlap_and_keep_kinds() -> None:
    sim = simulate(condition_scenario("mixed", np.random.default_rng(8), ALL, 100.0), 8)
    kinds = {type(e) for e in sim.plan.extras}
    assert kinds <= {Cough, Talk, LevelStep}
    assert all(isinstance(e, LevelStep) for e in sim.plan.extras if e.lasting)
