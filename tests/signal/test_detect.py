"""The detector's state machine (signal/detect.py): REST → RISING → HOLD → FALLING → REST.

Hand-made squeeze traces (50 Hz, cmH2O, a little noise) are fed in blocks of 0.1 s; after
each block the test notes the detector's phase, and for each event the phase it left the
detector in. The rules under the machine have their own tests (test_predicates, test_pure);
these check the transitions and what is announced on each.
"""

from __future__ import annotations

import numpy as np

from perineo.samples import Channel, SampleBlock
from perineo.signal.detect import Detector, Phase
from perineo.signal.events import EventKind

FS = 50.0
REST_CMH2O = 30.0
K = EventKind


def _rest(seconds: float, rng: np.random.Generator) -> np.ndarray:
    return REST_CMH2O + rng.normal(0.0, 0.2, round(seconds * FS))


def _squeeze(rise: float, hold: float, fall: float, amp: float, rng: np.random.Generator):
    up = np.linspace(0.0, amp, round(rise * FS))
    top = np.full(round(hold * FS), amp)
    down = np.linspace(amp, 0.0, round(fall * FS))
    shape = np.concatenate([up, top, down])
    return REST_CMH2O + shape + rng.normal(0.0, 0.2, len(shape))


class Run:
    """Feeds a trace through a detector and keeps the phases it went through."""

    def __init__(self) -> None:
        self.det = Detector((Channel.SQUEEZE,))
        self.phases = [self.det.phase]
        self.events: list[tuple[EventKind, Phase]] = []
        self.t0 = 0.0

    def _note(self, events) -> None:
        self.events += [(e.kind, self.det.phase) for e in events]
        if self.det.phase is not self.phases[-1]:
            self.phases.append(self.det.phase)

    def feed(self, sq: np.ndarray, block: int = 5) -> None:
        t = self.t0 + np.arange(len(sq)) / FS
        self.t0 = float(t[-1]) + 1.0 / FS
        whole = SampleBlock(t, {Channel.SQUEEZE: sq})
        for i in range(0, len(t), block):
            self._note(self.det.push(whole.slice(i, i + block)))

    def gap(self, seconds: float) -> None:
        self._note(self.det.mark_gap(self.t0, self.t0 + seconds))
        self.t0 += seconds

    def finish(self) -> None:
        self._note(self.det.finish())

    def kinds(self) -> list[EventKind]:
        return [k for k, _ in self.events]


def test_a_held_squeeze_walks_the_whole_cycle() -> None:
    rng = np.random.default_rng(1)
    run = Run()
    run.feed(np.concatenate([_rest(20, rng), _squeeze(0.6, 5.0, 0.6, 25.0, rng), _rest(10, rng)]))
    run.finish()
    assert run.phases == [Phase.REST, Phase.RISING, Phase.HOLD, Phase.FALLING, Phase.REST]
    assert run.events == [
        (K.ONSET, Phase.RISING),
        (K.HOLD_START, Phase.HOLD),
        (K.HOLD_END, Phase.FALLING),
        (K.RELEASE, Phase.FALLING),
        (K.REST, Phase.REST),
        (K.REPETITION, Phase.REST),
    ]
    (rep,) = run.det.repetitions
    assert 19.5 < rep.onset_s < 20.2
    assert rep.hold_start_s is not None and rep.hold_end_s is not None
    assert 4.0 < rep.hold_end_s - rep.hold_start_s < 5.5


def test_a_spike_is_cancelled_back_to_rest_as_an_artifact() -> None:
    rng = np.random.default_rng(2)
    spike = REST_CMH2O + np.concatenate([np.linspace(0, 40, 5), np.linspace(40, 0, 5)])
    run = Run()
    run.feed(np.concatenate([_rest(20, rng), spike, _rest(10, rng)]))
    run.finish()
    assert run.phases == [Phase.REST, Phase.RISING, Phase.REST]
    assert run.kinds() == [K.ONSET, K.ONSET_CANCELLED, K.ARTIFACT]
    assert run.det.repetitions == []


def test_a_rise_that_never_comes_down_is_a_new_resting_level() -> None:
    rng = np.random.default_rng(3)
    step = REST_CMH2O + np.concatenate([np.linspace(0, 15, 30), np.full(round(45 * FS), 15.0)])
    run = Run()
    run.feed(np.concatenate([_rest(20, rng), step + rng.normal(0.0, 0.2, len(step))]))
    run.finish()
    assert run.phases == [Phase.REST, Phase.RISING, Phase.HOLD, Phase.REST]
    assert run.kinds() == [K.ONSET, K.HOLD_START, K.ONSET_CANCELLED, K.LEVEL]
    level = next(e for e in run.events if e[0] is K.LEVEL)
    assert level[1] is Phase.REST
    assert run.det.repetitions == []


def test_the_stream_ending_in_a_hold_settles_the_open_repetition() -> None:
    rng = np.random.default_rng(5)
    run = Run()
    run.feed(np.concatenate([_rest(20, rng), _squeeze(0.6, 5.0, 0.0, 25.0, rng)]))
    assert run.det.phase is Phase.HOLD
    run.finish()
    assert run.phases == [Phase.REST, Phase.RISING, Phase.HOLD, Phase.REST]
    assert run.kinds() == [K.ONSET, K.HOLD_START, K.REPETITION]
    (rep,) = run.det.repetitions
    # its fall was never seen: it has a hold start and no release or end
    assert rep.hold_start_s is not None
    assert (rep.release_s, rep.end_s) == (None, None)


def test_a_hold_that_ends_inside_a_gap_is_settled_when_rest_follows_it() -> None:
    rng = np.random.default_rng(6)
    run = Run()
    run.feed(np.concatenate([_rest(20, rng), _squeeze(0.6, 3.0, 0.0, 25.0, rng)]))
    assert run.det.phase is Phase.HOLD
    run.gap(3.0)
    run.feed(_rest(10, rng))
    run.finish()
    assert run.phases == [Phase.REST, Phase.RISING, Phase.HOLD, Phase.REST]
    assert run.kinds() == [K.ONSET, K.HOLD_START, K.GAP, K.REPETITION]
    assert len(run.det.repetitions) == 1


def test_a_short_hole_a_source_reports_is_bridged_as_in_a_recording() -> None:
    """A source tells of a 60 ms hole (a BLE packet lost) in a hold with quick lifts: the
    detector bridges it, as it does when it finds the same hole in a recording's times, so
    the live screen and ``analyze`` see the same hold and the same lifts."""
    rng = np.random.default_rng(3)
    t = np.arange(0.0, 30.0, 1.0 / FS)
    sq = np.full_like(t, REST_CMH2O) + rng.normal(0.0, 0.2, len(t))
    up = np.clip((t - 5.0) / 0.5, 0.0, 1.0) - np.clip((t - 17.0) / 0.6, 0.0, 1.0)
    sq += 25.0 * up
    for peak in (13.0, 14.5, 16.0):
        sq += 7.0 * np.clip(1.0 - np.abs(t - peak) / 0.35, 0.0, None)
    # a packet lost on the rise of each lift (three samples at 50 Hz)
    holes = [(peak - 0.2, peak - 0.14) for peak in (13.0, 14.5, 16.0)]
    lost = np.zeros(len(t), dtype=bool)
    for a, b in holes:
        lost |= (t > a) & (t < b)
    block = SampleBlock(t[~lost], {Channel.SQUEEZE: sq[~lost]})

    def reps(mark: bool) -> list[dict[str, object]]:
        det = Detector((Channel.SQUEEZE,))
        done = 0
        for a, _ in holes:
            cut = int(np.searchsorted(block.t, a))
            det.push(block.slice(done, cut))
            if mark:
                gap = det.mark_gap(float(block.t[cut - 1]), float(block.t[cut]))
                assert [e.kind for e in gap] == [K.GAP]  # the hole is still told
            done = cut
        det.push(block.slice(done, len(block)))
        det.finish()
        return [r.to_json() for r in det.repetitions]

    marked = reps(True)
    assert marked == reps(False)
    (rep,) = marked
    lifts = rep["quick_lifts_s"]
    assert isinstance(lifts, list) and len(lifts) == 3
