"""The virtual probe: turns a person's latent signals into sampled, noisy, quantised channels.

Kept apart from the person so that packetisation (the firmware's bytes) can be inserted
between the two later. Samples come in packets of a few samples; a dropped packet leaves a
gap in ``t``. The probe keeps its own clock, noise and drop state, so rendering is chunked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perineo.samples import Channel, FloatArray, SampleBlock
from perineo_sim.person import Latent, VirtualPerson

COUNTS_PER_UNIT = 100.0  # the protocol's unit is 0.01 cmH2O or 0.01 degree
PACKET_S = 0.04  # a BLE notification carries about this much signal


@dataclass(frozen=True)
class ProbeFit:
    """How this probe sits in this person: levels, warm-up and pressure transmission."""

    k: float = 0.5  # fraction of abdominal pressure reaching the squeeze balloon
    rest_level_cmH2O: float = 20.0
    drift_cmH2O: float = 5.0  # balloon warm-up: rise of the resting level
    drift_tau_s: float = 90.0
    tip_base_cmH2O: float = 15.0
    tip_drift_frac: float = 0.3  # the tip sensor warms too, less
    tilt_base_deg: float = 0.0
    wander_cmH2O: float = 0.3  # slow baseline wander (posture, tone)
    tilt_wander_deg: float = 0.3
    leak_cmH2O_per_min: float = 0.0  # balloon leak (< 0) or slow filling (> 0), linear

    def to_json(self) -> dict[str, float]:
        return {
            k: round(float(v), 4)
            for k, v in self.__dict__.items()
            if k != "leak_cmH2O_per_min" or v != 0.0
        }


@dataclass(frozen=True)
class ProbeSpec:
    """The probe's electronics and link: channels, rate, noise, timing, dropped packets."""

    channels: tuple[Channel, ...] = (Channel.SQUEEZE, Channel.ABDOMINAL, Channel.TILT)
    sample_rate_hz: float = 100.0
    noise_cmH2O: float = 0.15
    tilt_noise_deg: float = 0.05
    jitter_frac: float = 0.02  # timestamp jitter, rms as a fraction of the period
    drop_prob: float = 0.0  # chance a packet is lost
    drop_burst: float = 0.4  # chance the next packet is lost too once one was
    dropouts_per_min: float = 0.0  # link dropouts of 0.5–3 s (BLE supervision hiccups)
    # issue 12's link and converter, off by default (docs/simulator-physiology.md)
    ble_interval_ms: float = 0.0  # > 0: samples stamped from their packet's arrival
    stalls_per_min: float = 0.0  # packets held 0.2–2 s, then delivered in a burst
    adc_bits: float = 0.0  # > 0: pressures quantised by an ADC of this many bits
    adc_full_scale_cmH2O: float = 300.0

    @property
    def ble(self) -> bool:
        return self.ble_interval_ms > 0.0

    @property
    def packet_samples(self) -> int:
        return max(3, round(PACKET_S * self.sample_rate_hz))


def _wander(t: FloatArray, amp: float, phases: FloatArray, periods: FloatArray) -> FloatArray:
    out = np.zeros_like(t)
    for ph, per in zip(phases, periods, strict=True):
        out += np.sin(2 * np.pi * t / per + ph)
    return amp / np.sqrt(len(phases)) * out


class VirtualProbe:
    """Samples a :class:`VirtualPerson` chunk by chunk, as a real probe would stream."""

    def __init__(
        self,
        fit: ProbeFit,
        spec: ProbeSpec,
        rng: np.random.Generator,
        link: np.random.Generator | None = None,
    ) -> None:
        self.fit = fit
        self.spec = spec
        self._rng = rng
        self._phases = rng.uniform(0, 2 * np.pi, 6)
        self._periods = rng.uniform(40.0, 300.0, 6)
        if spec.ble and link is None:
            link = np.random.default_rng(rng.integers(2**63))
        self._link = BleLink(spec, link) if spec.ble and link is not None else None
        self._next = 0  # index of the next sample to take
        self._packet_lost = False
        self._packet = -1
        self._dropout_until = -1.0
        self._last_t: float | None = None
        self._last_n: int | None = None
        self.gaps: list[tuple[float, float]] = []

    def nominal_time(self, index: int) -> float:
        return index / self.spec.sample_rate_hz

    def _times(self, until_s: float) -> tuple[FloatArray, np.ndarray]:
        fs = self.spec.sample_rate_hz
        stop = int(np.ceil(until_s * fs - 1e-9))
        n = np.arange(self._next, max(stop, self._next))
        self._next = max(stop, self._next)
        period = 1.0 / fs
        jitter = np.clip(self._rng.normal(0.0, self.spec.jitter_frac, len(n)), -0.3, 0.3)
        jitter[n == 0] = np.abs(jitter[n == 0])  # the stream starts at t >= 0
        t = (n + jitter) * period  # the probe's clock: truth times are in it too
        return t, n

    def _received(self, n: np.ndarray) -> np.ndarray:
        """Which samples arrive: whole packets are lost, sometimes several in a row, and
        now and then the link drops out for seconds."""
        keep = np.ones(len(n), dtype=bool)
        spec = self.spec
        if (spec.drop_prob <= 0 and spec.dropouts_per_min <= 0) or len(n) == 0:
            return keep
        p = spec.packet_samples
        dropout_chance = spec.dropouts_per_min / 60.0 * p / spec.sample_rate_hz
        packets, inverse = np.unique(n // p, return_inverse=True)
        lost_packets = np.zeros(len(packets), dtype=bool)
        for j, pk in enumerate(packets):
            if pk != self._packet:
                self._packet = int(pk)
                at = pk * p / spec.sample_rate_hz
                if at >= self._dropout_until and self._rng.random() < dropout_chance:
                    self._dropout_until = at + float(self._rng.uniform(0.5, 3.0))
                chance = spec.drop_burst if self._packet_lost else spec.drop_prob
                lost = bool(self._rng.random() < chance) or at < self._dropout_until
                self._packet_lost = pk > 0 and lost
            lost_packets[j] = self._packet_lost
        keep[lost_packets[inverse]] = False  # a sample per packet index: linear, not packets x n
        return keep

    def levels(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Resting squeeze level, abdominal tip level and tilt base at times ``t``."""
        f = self.fit
        warm = 1.0 - np.exp(-np.maximum(t, 0.0) / f.drift_tau_s)
        wander = _wander(t, f.wander_cmH2O, self._phases[:3], self._periods[:3])
        rest = f.rest_level_cmH2O + f.drift_cmH2O * warm + wander
        if f.leak_cmH2O_per_min:
            rest = rest + f.leak_cmH2O_per_min / 60.0 * np.maximum(t, 0.0)
        tip = f.tip_base_cmH2O + f.tip_drift_frac * f.drift_cmH2O * warm
        tilt = f.tilt_base_deg + _wander(t, f.tilt_wander_deg, self._phases[3:], self._periods[3:])
        return rest, tip, tilt

    def measure(self, lat: Latent) -> dict[Channel, FloatArray]:
        """Channels from latent signals: levels, transmission, noise, quantisation."""
        f, s = self.fit, self.spec
        rest, tip, tilt0 = self.levels(lat.t)
        n = len(lat.t)
        out: dict[Channel, FloatArray] = {}
        squeeze = rest + lat.pf + f.k * lat.iap + lat.cardiac + lat.direct
        out[Channel.SQUEEZE] = squeeze + self._rng.normal(0.0, s.noise_cmH2O, n)
        if Channel.ABDOMINAL in s.channels:
            pulse = 0.3 * lat.cardiac  # the aorta's pulse reaches the tip, weaker
            abdominal = tip + lat.iap + pulse
            out[Channel.ABDOMINAL] = abdominal + self._rng.normal(0.0, s.noise_cmH2O, n)
        if Channel.TILT in s.channels:
            out[Channel.TILT] = tilt0 + lat.tilt + self._rng.normal(0.0, s.tilt_noise_deg, n)
        if s.adc_bits > 0:  # the pressure sensors' converter: codes 0 .. 2**bits - 1
            codes = 2 ** round(s.adc_bits) - 1
            step = s.adc_full_scale_cmH2O / codes
            for c in (Channel.SQUEEZE, Channel.ABDOMINAL):
                if c in out:
                    out[c] = np.clip(np.round(out[c] / step), 0, codes) * step
        # rounded half up, as the firmware does: value * 100 + 0.5, floored
        return {c: np.floor(v * COUNTS_PER_UNIT + 0.5) / COUNTS_PER_UNIT for c, v in out.items()}

    def sample(self, person: VirtualPerson, until_s: float) -> SampleBlock:
        """The samples received up to ``until_s`` (nominal clock) since the last call.

        With BLE timing the person is sampled at the probe's own (exact) sampling times, the
        times delivered are the host's stamps from each packet's arrival; gaps are in the
        stamps' clock.
        """
        t, n = self._times(until_s)
        keep = self._received(n)
        if self._link is not None:
            t = n / self.spec.sample_rate_hz
        t, kept = t[keep], n[keep]
        stamps = t if self._link is None else self._link.stamp(kept)
        if len(t):
            if self._last_n is not None and self._last_t is not None and kept[0] > self._last_n + 1:
                self.gaps.append((self._last_t, float(stamps[0])))
            inner = np.flatnonzero(np.diff(kept) > 1)
            self.gaps.extend((float(stamps[i]), float(stamps[i + 1])) for i in inner)
            if self._link is not None:  # a stall: consecutive samples far apart
                long = 2.5 * self.spec.packet_samples / self.spec.sample_rate_hz
                if self._last_t is not None and self._last_n is not None:
                    ts = np.concatenate(([self._last_t], stamps))
                    ns = np.concatenate(([self._last_n], kept))
                else:
                    ts, ns = stamps, kept
                jump = np.flatnonzero((np.diff(ts) > long) & (np.diff(ns) == 1))
                self.gaps.extend((float(ts[i]), float(ts[i + 1])) for i in jump)
                self.gaps.sort()
            self._last_t, self._last_n = float(stamps[-1]), int(kept[-1])
        data = self.measure(person.render(t))
        return SampleBlock(stamps, {c: data[c] for c in self.spec.channels})


class BleLink:
    """How a BLE host stamps what it receives (issue 12).

    The probe sends a packet when its last sample is taken; it leaves at the next connection
    event (interval 7.5–50 ms, the central's choice), sometimes one event later (a
    retransmission); the host receives it a millisecond or two after and stamps it: its last
    sample at the arrival, the others one sample period apart before it. During a stall the
    controller holds the packets and then delivers them in a burst (at most four a
    connection event). Stamps are made strictly increasing (a packet stamped before the one
    it follows is pushed after it by a tenth of a period a sample).
    """

    PER_EVENT = 4
    RETRANSMIT_P = 0.03

    def __init__(self, spec: ProbeSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        self._rng = rng
        ci = max(7.5, round(spec.ble_interval_ms / 1.25) * 1.25) / 1000.0  # 1.25 ms units
        self.interval_s = ci
        self._phase = float(rng.uniform(0.0, ci))
        self._last_arrival = -np.inf
        self._at_event = 0
        self._last_stamp = -np.inf
        self._packet = -1
        self._packet_arrival = 0.0
        self._stalls: list[tuple[float, float]] = []
        self._stalls_done = 0  # the stalls before this one ended before the last packet
        self._stalls_until = 0.0
        self.stalls: list[tuple[float, float]] = []  # (start, end) of each, probe clock

    def _stall_end(self, ready: float) -> float | None:
        rate = self.spec.stalls_per_min / 60.0
        while rate > 0 and self._stalls_until <= ready + 5.0:
            start = self._stalls_until + float(self._rng.exponential(1.0 / rate))
            end = start + float(self._rng.uniform(0.2, 2.0))
            self._stalls.append((start, end))
            self.stalls.append((start, end))
            self._stalls_until = end
        # stalls follow one another and ``ready`` only grows: those over by now are done with
        while self._stalls_done < len(self._stalls) and self._stalls[self._stalls_done][1] <= ready:
            self._stalls_done += 1
        for a, b in self._stalls[self._stalls_done :]:
            if a <= ready < b:
                return b
        return None

    def _event_after(self, at: float) -> float:
        ci = self.interval_s
        return self._phase + np.ceil((at - self._phase) / ci) * ci

    def _arrival(self, pk: int) -> float:
        fs, p = self.spec.sample_rate_hz, self.spec.packet_samples
        ready = ((pk + 1) * p - 1) / fs
        held = self._stall_end(ready)
        at = self._event_after(held if held is not None else ready)
        if self._rng.random() < self.RETRANSMIT_P:
            at += self.interval_s
        if at <= self._last_arrival + 1e-9:  # in the same event as the one before
            self._at_event += 1
            if self._at_event >= self.PER_EVENT:
                at, self._at_event = self._last_arrival + self.interval_s, 0
            else:
                at = self._last_arrival
        else:
            self._at_event = 0
        self._last_arrival = at
        return at + float(self._rng.uniform(0.0005, 0.002))  # host scheduling

    def stamp(self, n: np.ndarray) -> FloatArray:
        """Host times of the received samples ``n`` (indices, increasing)."""
        fs, p = self.spec.sample_rate_hz, self.spec.packet_samples
        if len(n) == 0:
            return np.zeros(0)
        packets = n // p
        unique, inverse = np.unique(packets, return_inverse=True)
        arrival = np.empty(len(unique))
        for j, pk in enumerate(unique):
            if pk != self._packet:
                self._packet = int(pk)
                self._packet_arrival = self._arrival(int(pk))
            arrival[j] = self._packet_arrival
        arrivals = arrival[inverse]
        raw = arrivals - ((packets + 1) * p - 1 - n) / fs
        # strictly increasing: s_i = max(raw_i, s_(i-1) + eps), the carried stamp first
        eps = 0.1 / fs
        i = np.arange(1, len(n) + 1)
        base = np.concatenate(([self._last_stamp], raw - i * eps))
        out = (np.maximum.accumulate(base) + np.concatenate(([0.0], i * eps)))[1:]
        self._last_stamp = float(out[-1])
        return out
