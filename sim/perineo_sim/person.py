"""The virtual person: physiology (breathing, heartbeat) plus scheduled actions.

The person produces latent signals only: the pelvic-floor pressure component, intra-abdominal
pressure, the probe pitch she causes, and a cardiac pulse. How a probe turns them into
channels lives in :mod:`perineo_sim.probe`. Actions can be scheduled at any time, also while
rendering chunk by chunk (the live, cue-following mode).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

import numpy as np

from perineo.samples import FloatArray
from perineo_sim.actions import RESIDUAL_DEFAULT_S, ArtifactSpec, RepSpec
from perineo_sim.physiology import Extra, Tremor


@dataclass(frozen=True)
class PersonParams:
    """Physiology of one person (drawn once per session)."""

    breath_rate_hz: float = 0.27
    breath_pp_cmH2O: float = 2.0
    breath_irregularity: float = 0.12  # coefficient of variation of period and depth
    sigh_prob: float = 0.03  # chance a breath is a deep sigh
    heart_rate_hz: float = 1.2
    heart_cmH2O: float = 0.25
    heart_hrv_rad: float = 0.4
    tilt_gain_deg_per_cmH2O: float = 0.12  # lift → probe tip up and in
    iap_tilt_deg_per_cmH2O: float = 0.03  # abdominal pressure pushes the tip down a little
    reaction_s: float = 0.35  # cue to onset in the live mode
    # issue 12's physiology, all off by default (docs/simulator-physiology.md)
    tremor_frac: float = 0.0  # force tremor of sustained contractions, RMS / force, 0.1–2 Hz
    activation_tau_s: float = 0.0  # muscle activation time constant (quick lifts' rise)
    deactivation_tau_s: float = 0.0  # deactivation (their fall, the final fall's decay)
    recruitment_rise_s: float = 0.0  # slow recruitment: rises this long, slow start
    breath_rate_drift: float = 0.0  # slow drift of the breath rate (log-rate RMS), 8–20/min
    sigh_pause_s: float = 0.0  # breathing pause after a sigh

    def to_json(self) -> dict[str, float]:
        return {
            k: round(float(v), 4)
            for k, v in self.__dict__.items()
            if k not in NEW_FIELDS or v != NEW_FIELDS[k]
        }

    @property
    def new_physiology(self) -> bool:
        """Whether any of issue 12's physiology is on (it then needs its own random stream)."""
        return any(getattr(self, k) != v for k, v in NEW_FIELDS.items())


NEW_FIELDS = {
    "tremor_frac": 0.0,
    "activation_tau_s": 0.0,
    "deactivation_tau_s": 0.0,
    "recruitment_rise_s": 0.0,
    "breath_rate_drift": 0.0,
    "sigh_pause_s": 0.0,
}
BREATH_RATE_LIMITS_HZ = (8.0 / 60.0, 20.0 / 60.0)  # where a drifting rate is kept


@dataclass(frozen=True)
class Latent:
    """The person's signals at given times (cmH2O, degrees)."""

    t: FloatArray
    pf: FloatArray  # pelvic-floor pressure component
    iap: FloatArray  # intra-abdominal pressure (breathing, actions, coughs)
    tilt: FloatArray  # probe pitch change the person causes
    cardiac: FloatArray  # heartbeat pulse seen by the squeeze balloon
    direct: FloatArray  # movement artefacts seen directly by the squeeze balloon
    contraction: FloatArray  # pelvic-floor and abdominal parts of the repetitions only
    contraction_iap: FloatArray


class Breathing:
    """Irregular breaths scheduled lazily, so any time window renders the same values.

    With ``physio`` (a random stream of its own) the rate drifts slowly over the session
    (``breath_rate_drift``, kept within 8–20 breaths/min) and a sigh is followed by a pause
    (``sigh_pause_s``): the breath proper lasts ``_active``, the rest of its period is still.
    """

    def __init__(
        self,
        params: PersonParams,
        rng: np.random.Generator,
        physio: np.random.Generator | None = None,
    ) -> None:
        self._p = params
        self._rng = rng
        self._starts: list[float] = [float(-rng.uniform(0.0, 1.0 / params.breath_rate_hz))]
        self._periods: list[float] = []
        self._active: list[float] = []
        self._depths: list[float] = []
        self._inhale: list[float] = []
        self._physio = physio
        self._drift: tuple[FloatArray, FloatArray] | None = None
        if physio is not None and params.breath_rate_drift > 0:
            self._drift = (physio.uniform(0, 2 * np.pi, 3), physio.uniform(120.0, 600.0, 3))

    def rate_hz(self, t: float) -> float:
        """The breath rate the person tends to at ``t``."""
        p = self._p
        if self._drift is None:
            return p.breath_rate_hz
        phases, periods = self._drift
        wave = float(np.sum(np.sin(2 * np.pi * t / periods + phases))) / np.sqrt(1.5)
        rate = p.breath_rate_hz * float(np.exp(p.breath_rate_drift * wave))
        return float(np.clip(rate, *BREATH_RATE_LIMITS_HZ))

    def _extend(self, until_s: float) -> None:
        p, rng = self._p, self._rng
        while self._starts[-1] <= until_s:
            cv = p.breath_irregularity
            rate = p.breath_rate_hz if self._drift is None else self.rate_hz(self._starts[-1])
            period = np.clip(rng.normal(1.0, cv), 0.6, 1.6) / rate
            depth = np.clip(rng.normal(1.0, cv * 1.5), 0.4, 1.8) * p.breath_pp_cmH2O
            sigh = False
            if rng.random() < p.sigh_prob:
                depth *= rng.uniform(1.8, 2.8)
                period *= 1.4
                sigh = True
            active = float(period)
            if sigh and self._physio is not None and p.sigh_pause_s > 0:
                period += p.sigh_pause_s * float(self._physio.uniform(0.6, 1.2))
            self._periods.append(float(period))
            self._active.append(active)
            self._depths.append(float(depth))
            self._inhale.append(float(rng.uniform(0.35, 0.45)))
            self._starts.append(self._starts[-1] + float(period))

    def breath_starts(self, until_s: float) -> FloatArray:
        """When each breath began, up to ``until_s``."""
        self._extend(until_s)
        s = np.asarray(self._starts[:-1])
        return s[s <= until_s]

    def render(self, t: FloatArray) -> FloatArray:
        if len(t) == 0:
            return np.zeros(0)
        self._extend(float(t[-1]))
        starts = np.asarray(self._starts[:-1])
        i = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(starts) - 1)
        u = (t - starts[i]) / np.asarray(self._active)[i]
        ins = np.asarray(self._inhale)[i]
        up = 0.5 - 0.5 * np.cos(np.pi * np.clip(u / ins, 0, 1))
        down = 0.5 + 0.5 * np.cos(np.pi * np.clip((u - ins) / (1 - ins), 0, 1))
        return np.asarray(self._depths)[i] * np.where(u < ins, up, down)


class VirtualPerson:
    """A person whose repetitions and artefacts are scheduled, then rendered over time.

    ``contract``/``cough`` may be called at any time, also while a live stream renders, as
    long as the action starts after the last rendered time.
    """

    def __init__(
        self,
        params: PersonParams,
        rng: np.random.Generator,
        physio: np.random.Generator | None = None,
    ) -> None:
        self.params = params
        breath_rng = np.random.default_rng(rng.integers(2**63))
        self._heart_phase = float(rng.uniform(0, 2 * np.pi))
        self._rsa_phase = float(rng.uniform(0, 2 * np.pi))
        if physio is None and params.new_physiology:
            physio = np.random.default_rng(rng.integers(2**63))
        self._tremor: Tremor | None = None
        breath_physio = None
        if physio is not None:
            breath_physio = np.random.default_rng(physio.integers(2**63))
            if params.tremor_frac > 0:
                self._tremor = Tremor.draw(physio, params.tremor_frac)
        self._breathing = Breathing(params, breath_rng, breath_physio)
        self.reps: list[RepSpec] = []
        self.artifacts: list[ArtifactSpec | Extra] = []
        self._onsets: list[float] = []  # of ``reps``, for placing the next one
        self._windows: dict[str, _Windows] = {}  # built when first needed after a change

    @property
    def breathing(self) -> Breathing:
        return self._breathing

    @property
    def tremor(self) -> Tremor | None:
        return self._tremor

    def schedule(self, rep: RepSpec) -> RepSpec:
        """Add a repetition; an earlier incomplete release now lasts until its onset."""
        if len(self._onsets) != len(self.reps):  # ``reps`` changed from outside
            self._onsets = [r.onset_s for r in self.reps]
        self._windows.clear()
        i = bisect.bisect(self._onsets, rep.onset_s)
        if i > 0 and self.reps[i - 1].end_s > rep.onset_s:
            raise ValueError(f"repetition at {rep.onset_s:.2f} s overlaps the previous one")
        if i < len(self.reps) and rep.end_s > self.reps[i].onset_s:
            raise ValueError(f"repetition at {rep.onset_s:.2f} s overlaps the next one")
        if i > 0 and self._holds_residual_until(self.reps[i - 1], rep.onset_s):
            prev = self.reps[i - 1]
            self.reps[i - 1] = replace(
                prev, residual_until_s=rep.onset_s, residual_fade_s=rep.rise_s
            )
        if i < len(self.reps) and rep.residual_frac > 0:
            nxt = self.reps[i]
            rep = replace(rep, residual_until_s=nxt.onset_s, residual_fade_s=nxt.rise_s)
        self.reps.insert(i, rep)
        self._onsets.insert(i, rep.onset_s)
        return rep

    @staticmethod
    def _holds_residual_until(prev: RepSpec, onset_s: float) -> bool:
        """Whether ``prev``'s incomplete release still holds at ``onset_s`` (then it lasts
        until that onset; once it has begun to fade on its own, it is left alone)."""
        if prev.residual_frac <= 0:
            return False
        return prev.residual_until_s is not None or onset_s <= prev.end_s + RESIDUAL_DEFAULT_S

    def add_artifact(self, art: ArtifactSpec | Extra) -> ArtifactSpec | Extra:
        self.artifacts.append(art)
        self.artifacts.sort(key=lambda a: a.t_s)
        self._windows.clear()
        return art

    def _meeting(self, kind: str, t: FloatArray) -> range:
        """Indices of the repetitions (or artefacts) that ``kind``'s window of ``t`` meets:
        the others render nothing there. Found by bisection, so rendering a session of n
        repetitions takes time linear in n, not quadratic."""
        if len(t) == 0:
            return range(0)
        count = len(self.artifacts if kind == "artifacts" else self.reps)
        win = self._windows.get(kind)
        if win is None or win.count != count:
            win = self._windows[kind] = _Windows.of(kind, self.reps, self.artifacts)
        return win.meeting(float(t[0]), float(t[-1]))

    def render(self, t: FloatArray) -> Latent:
        """Latent signals at increasing times ``t``; any chunking gives the same values."""
        n = len(t)
        pf, iap_act, tilt_push = np.zeros(n), np.zeros(n), np.zeros(n)
        gate = np.ones(n)
        for i in self._meeting("render", t):
            rep = self.reps[i]
            lo, hi = np.searchsorted(t, (rep.render_start_s, rep.render_end_s))
            if lo >= hi:
                continue
            part = t[lo:hi]
            pelvic, a, tp = rep.render(part)
            pf[lo:hi] += pelvic
            iap_act[lo:hi] += a
            tilt_push[lo:hi] += tp
            gate[lo:hi] *= rep.breath_gate(part)
        contraction, contraction_iap = pf.copy(), iap_act.copy()
        if self._tremor is not None:  # the force of every sustained contraction fluctuates
            pf = pf + self._tremor(t) * np.maximum(pf, 0.0)
        breath = self._breathing.render(t)
        held = self._held_level(t)
        iap = iap_act + gate * breath + (1.0 - gate) * held
        direct, tilt_art = np.zeros(n), np.zeros(n)
        for i in self._meeting("artifacts", t):
            art = self.artifacts[i]
            stop = np.inf if art.lasting else art.end_s
            lo, hi = np.searchsorted(t, (art.t_s, stop))
            if lo >= hi:
                continue
            pelvic, a, d, tl = art.render(t[lo:hi])
            pf[lo:hi] += pelvic
            iap[lo:hi] += a
            direct[lo:hi] += d
            tilt_art[lo:hi] += tl
        p = self.params
        tilt = (
            p.tilt_gain_deg_per_cmH2O * contraction
            - p.iap_tilt_deg_per_cmH2O * iap  # breaths and coughs nudge the tip down too
            + tilt_push
            + tilt_art
        )
        return Latent(t, pf, iap, tilt, self._cardiac(t), direct, contraction, contraction_iap)

    def _held_level(self, t: FloatArray) -> FloatArray:
        """Where a held breath rests: a fraction of a breath's depth, per repetition."""
        out = np.zeros_like(t)
        for i in self._meeting("render", t):
            rep = self.reps[i]
            if rep.breath_keep < 1.0:
                lo, hi = np.searchsorted(t, (rep.render_start_s, rep.render_end_s))
                out[lo:hi] = rep.breath_level * self.params.breath_pp_cmH2O
        return out

    def _cardiac(self, t: FloatArray) -> FloatArray:
        p = self.params
        rsa = p.heart_hrv_rad * np.sin(2 * np.pi * p.breath_rate_hz * t + self._rsa_phase)
        phase = 2 * np.pi * p.heart_rate_hz * t + self._heart_phase + rsa
        kappa = 3.0
        pulse = np.exp(kappa * (np.cos(phase) - 1.0))
        return p.heart_cmH2O * (pulse - 0.3085)  # 0.3085 ≈ mean of the pulse for kappa=3

    def contraction_squeeze(self, t: FloatArray, k: float) -> FloatArray:
        """The squeeze the repetitions alone cause (no breathing, heart, artefacts)."""
        pf, iap = np.zeros_like(t), np.zeros_like(t)
        for i in self._meeting("contraction", t):
            rep = self.reps[i]
            lo, hi = np.searchsorted(t, (rep.onset_s, rep.render_end_s))
            if lo < hi:
                p, a, _ = rep.render(t[lo:hi])
                pf[lo:hi] += p
                iap[lo:hi] += a
        return pf + k * iap


@dataclass(frozen=True)
class _Windows:
    """Where each of a list of actions renders (sorted by start, windows may overlap): the
    running maximum of the ends and the running minimum of the starts from the back."""

    count: int
    ends_max: FloatArray  # ends_max[i] = max(end[:i + 1])
    starts_min: FloatArray  # starts_min[i] = min(start[i:])

    @staticmethod
    def of(kind: str, reps: list[RepSpec], artifacts: list[ArtifactSpec | Extra]) -> _Windows:
        if kind == "artifacts":
            starts = [a.t_s for a in artifacts]
            ends = [np.inf if a.lasting else a.end_s for a in artifacts]
        elif kind == "render":
            starts = [r.render_start_s for r in reps]
            ends = [r.render_end_s for r in reps]
        else:  # "contraction"
            starts = [r.onset_s for r in reps]
            ends = [r.render_end_s for r in reps]
        s, e = np.asarray(starts, dtype=float), np.asarray(ends, dtype=float)
        return _Windows(len(s), np.maximum.accumulate(e), np.minimum.accumulate(s[::-1])[::-1])

    def meeting(self, t0: float, t1: float) -> range:
        """Every action whose window [start, end) may hold a time in [t0, t1]: before the
        first, every window ended by t0; from the last on, every window starts after t1."""
        if self.count == 0:
            return range(0)
        first = int(np.searchsorted(self.ends_max, t0, side="right"))
        stop = int(np.searchsorted(self.starts_min, t1, side="right"))
        return range(first, max(first, stop))
