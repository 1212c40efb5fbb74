"""A whole guided assessment with the simulated patient following the cues (no UI)."""

from __future__ import annotations

import asyncio
import math
from itertools import pairwise

import numpy as np
import pytest
from tests.assess.helpers import sentence

from perineo.assess.guide import PROTOCOL, GuideRunner, GuideStep, Prompt, PromptKind
from perineo.assess.live import AssessOutcome, AssessSession, LiveContraction
from perineo.assess.model import Movement, Step, held_floor
from perineo.assess.texts import GuideText
from perineo.samples import Channel, SampleBlock
from perineo.signal.events import Event, EventKind, Repetition, TechError
from perineo_sim.patient import SimPatient


class Recorder:
    def __init__(self) -> None:
        self.prompts: list[Prompt] = []
        self.seen: list[tuple[float, LiveContraction]] = []  # (stream time, contraction)
        self.now = 0.0
        self.outcome: AssessOutcome | None = None

    def prompt(self, prompt: Prompt) -> None:
        self.prompts.append(prompt)

    def contraction(self, c: LiveContraction) -> None:
        self.seen.append((self.now, c))

    def samples(self, block: SampleBlock, baseline_cmH2O: float) -> None:
        self.now = float(block.t[-1])

    def finished(self, outcome: AssessOutcome) -> None:
        self.outcome = outcome


# its two tests are in one xdist_group ("assess-live-run"): a parallel run makes it once
@pytest.fixture(scope="module")
def run() -> tuple[SimPatient, Recorder, AssessOutcome]:
    pat = SimPatient(2, speed=math.inf)
    rec = Recorder()
    outcome = asyncio.run(AssessSession(pat.source, rec, follower=pat).run())
    return pat, rec, outcome


@pytest.mark.xdist_group("assess-live-run")
@pytest.mark.slow
def test_every_step_runs_and_the_numbers_match_the_patient(run):
    pat, rec, outcome = run
    assert outcome.complete and rec.outcome is outcome
    res = outcome.result
    assert res is not None
    assert [s.step for s in outcome.steps] == [
        Step.REST, Step.POWER, Step.ENDURANCE, Step.RECOVERY, Step.FAST,
    ]  # fmt: skip
    truth = pat.person.truth().reps
    assert res.fast == sum(r.kind == "fast" for r in truth) == 10
    assert res.power_cmH2O == pytest.approx(max(r.peak_cmH2O for r in truth), abs=1.0)
    # she lets go when she can no longer hold: E is her own endurance
    first_hold = next(r for r in truth if r.onset_s > outcome.steps[2].start_s)
    assert res.endurance_s == pytest.approx(min(10.0, first_hold.hold_s), abs=1.0)
    assert 1 <= res.repetitions <= 10
    assert res.resting_cmH2O is not None
    assert sentence(res.summary) == "correct lift in 23 of 23"


@pytest.mark.xdist_group("assess-live-run")
@pytest.mark.slow
def test_each_contraction_is_announced_at_onset_and_classified_when_it_ends(run):
    _, rec, _ = run
    first_seen = {}
    for now, c in rec.seen:
        first_seen.setdefault(c.number, (now, c))
    finals = {c.number: (now, c) for now, c in rec.seen if c.final and not c.cancelled}
    # a rise the detector let go (here one in the last 0.2 s of the recording) is no
    # contraction: announced, then cancelled
    let_go = set(first_seen) - set(finals)
    assert let_go <= {c.number for _, c in rec.seen if c.cancelled}
    for number, (now, c) in finals.items():
        seen_at, first = first_seen[number]
        assert not first.final and seen_at - first.onset_s < 1.0  # live, not afterwards
        assert c.movement is Movement.LIFT and now >= seen_at
    squeezes = [p for p in rec.prompts if p.kind is PromptKind.SQUEEZE]
    assert len(squeezes) == 3 + 10 + 10


class _FileWatcher(Recorder):
    """Also notes how much of the recording file is on disk while the session runs."""

    def __init__(self, path) -> None:
        super().__init__()
        self.path = path
        self.rows_seen_live = 0

    def samples(self, block: SampleBlock, baseline_cmH2O: float) -> None:
        super().samples(block, baseline_cmH2O)
        # looked at until rows are seen: reading the growing file at every block made the
        # test quadratic in the assessment's length
        if self.rows_seen_live == 0 and self.path.exists():
            self.rows_seen_live = len(self.path.read_bytes().splitlines())


@pytest.mark.slow
def test_samples_reach_the_disk_while_the_assessment_runs(tmp_path) -> None:
    from perineo.recording import read_recording

    path = tmp_path / "assess.csv"
    pat = SimPatient(3, speed=math.inf)
    watch = _FileWatcher(path)
    session = AssessSession(pat.source, watch, follower=pat, recording_path=path)
    outcome = asyncio.run(session.run())
    assert outcome.block is not None
    rec = read_recording(path)
    assert len(rec.t) == len(outcome.block)  # nothing lost, nothing doubled
    assert (rec.t == outcome.block.t.round(4)).all()
    # the file exists from the first block on (the writer flushes every second, as for
    # training sessions, whose SIGKILL survival tests/reliability proves)
    assert watch.rows_seen_live >= 1


def _hold_prompts(rec: Recorder) -> list[Prompt]:
    return [p for p in rec.prompts if p.kind is PromptKind.SQUEEZE and p.step is Step.ENDURANCE]


def _first_hold_cue_s(outcome: AssessOutcome, cue_s: float) -> float:
    """What the repetitions' cue asks for: E, the first hold's whole seconds held."""
    assert outcome.result is not None
    first = next(
        c for c in outcome.result.contractions if c.step is Step.ENDURANCE and c.onset_s >= cue_s
    )
    assert first.held_s is not None
    return held_floor(first.held_s)


@pytest.mark.slow
def test_the_repetitions_are_cued_as_long_as_she_held_the_first():
    pat = SimPatient(0, speed=math.inf, endurance_s=7.0, kept=3)
    rec = Recorder()
    outcome = asyncio.run(AssessSession(pat.source, rec, follower=pat).run())
    holds = _hold_prompts(rec)
    assert len(holds) == 10
    first, *again = holds
    assert (first.hold_s, first.repeat) == (10.0, False)
    cue = _first_hold_cue_s(outcome, first.at_s)
    res = outcome.result
    assert res is not None and res.line().split(" · ")[1] == f"E {cue:.0f} s"
    assert {(p.hold_s, p.repeat) for p in again} == {(cue, True)}  # the same E
    # each cue after the one before's 4 s rest; the repetitions' as long as the first took
    gaps = [b.at_s - a.at_s for a, b in pairwise(holds)]
    assert gaps[0] == pytest.approx(14.0)
    assert gaps[1:] == pytest.approx([gaps[1]] * 8) and cue + 4.0 < gaps[1] < 14.0
    assert res.endurance_s == pytest.approx(7.0, abs=1.0)
    # the first hold and the 3 she kept; every later one lost, well short of E - 1 s
    assert res.repetitions == 1 + pat.kept == 4
    assert res.repetitions_range == (4, 4)


@pytest.mark.slow
def test_a_redone_endurance_step_measures_the_first_hold_again():
    pat = SimPatient(1, speed=math.inf, endurance_s=6.0, kept=2)
    rec = Recorder()
    session = AssessSession(pat.source, rec, follower=pat)

    class RedoAtSecondLetGo(Recorder):
        redone = False

        def prompt(self, prompt: Prompt) -> None:
            rec.prompt(prompt)
            second_let_go = prompt.kind is PromptKind.LET_GO and prompt.number == 2
            if prompt.step is Step.ENDURANCE and second_let_go and not self.redone:
                self.redone = True
                session.redo()  # she has let go: the step starts again from its first hold

    session.listener = RedoAtSecondLetGo()
    outcome = asyncio.run(session.run())
    holds = _hold_prompts(rec)
    # 2 cues of the redone attempt, then the whole step again from a 10-s first cue
    assert [p.number for p in holds] == [1, 2, *range(1, 11)]
    assert [p.repeat for p in holds] == [False, True, False, *[True] * 9]
    redone_first = holds[2]
    assert redone_first.hold_s == 10.0
    cue = _first_hold_cue_s(outcome, redone_first.at_s)
    assert {p.hold_s for p in holds[3:]} == {cue}
    res = outcome.result
    assert res is not None
    # she rested: the first hold and 2 kept ones again; the redone attempt is not counted
    assert res.repetitions == 1 + pat.kept == 3


def _rep(i: int, onset: float, release: float, end: float, push: bool = False) -> Event:
    r = Repetition(
        index=i,
        onset_s=onset,
        onset_detected_s=onset + 0.1,
        hold_start_s=onset + 0.4 if end - onset > 1.0 else None,
        hold_end_s=release,
        release_s=release,
        end_s=end,
        peak_cmH2O=30.0,
        rest_cmH2O=0.0,
        errors=(TechError.PUSH_DOWN,) if push else (),
    )
    return Event(EventKind.REPETITION, end, end + 0.1, i, repetition=r)


def _samples(*reps: tuple[float, float, float]) -> SampleBlock:
    """40 s of squeeze at 100 Hz: rest at 20 cmH2O and, for each (onset, release, end), a
    rise of 0.4 s to 50 cmH2O held to the release and a straight fall to the end."""
    t = np.arange(0.0, 40.0, 0.01)
    y = np.full(len(t), 20.0)
    for onset, release, end in reps:
        y += np.interp(t, [onset, onset + 0.4, release, end], [0.0, 30.0, 30.0, 0.0])
    return SampleBlock(t, {Channel.SQUEEZE: y})


def test_the_first_real_hold_sets_the_repetitions_a_twitch_or_a_push_down_does_not():
    steps = (
        GuideStep(Step.REST, GuideText.REST, GuideText.REST_DO, duration_s=1.0),
        PROTOCOL[2],  # the endurance step: cues at 4, 18, 32 s ...
    )
    session = AssessSession(SimPatient(0).source, Recorder(), runner=GuideRunner(steps))
    session.blocks.append(_samples((4.5, 4.9, 5.3), (5.5, 11.0, 12.0), (18.6, 24.2, 25.0)))
    session._emit(session.runner.start(0.0))
    session._emit(session.runner.advance(5.0))
    assert session.runner.current is not None
    assert session.runner.current.step is Step.ENDURANCE
    session._events([_rep(0, 4.5, 4.9, 5.3)])  # a twitch: over in under 1 s
    session._events([_rep(1, 5.5, 11.0, 12.0, push=True)])  # a push-down
    assert session.runner.repeat_hold_s is None
    session._emit(session.runner.advance(18.5))  # cue 2 (18 s) falls due: still 10 s
    # held from 19.0 s until the fall passes 65 % of the peak (24.48 s): E 5 s
    session._events([_rep(2, 18.6, 24.2, 25.0)])
    assert session.runner.repeat_hold_s == 5.0
    session._events([_rep(3, 32.5, 34.0, 35.0)])  # only once: a later hold changes nothing
    assert session.runner.repeat_hold_s == 5.0
    later = session.runner.advance(40.0)
    assert [(p.at_s, p.hold_s, p.repeat) for p in later if p.kind is PromptKind.SQUEEZE] == [
        (32.0, 5.0, True)
    ]
    # the cue lasts as long as the first took, cue to the end of the hold: 1.0 + 5.48 s
    let_go = next(p for p in later if p.kind is PromptKind.LET_GO and p.number == 3)
    assert let_go.at_s == pytest.approx(32.0 + 6.48, abs=0.05)


def test_a_hold_begun_just_before_its_cue_answers_it():
    """She sees the cue coming and squeezes 0.4 s early: that is her first hold (held
    from 4.0 s to 10.48 s, E 6 s), not her second."""
    steps = (GuideStep(Step.REST, GuideText.REST, GuideText.REST_DO, duration_s=1.0), PROTOCOL[2])
    session = AssessSession(SimPatient(0).source, Recorder(), runner=GuideRunner(steps))
    session.blocks.append(_samples((3.6, 10.2, 11.0)))
    session._emit(session.runner.start(0.0))
    session._emit(session.runner.advance(4.5))  # the first cue, at 4 s
    session._events([_rep(0, 3.6, 10.2, 11.0)])
    assert session.runner.repeat_hold_s == 6.0


def test_the_simulated_patient_keeps_the_first_hold_then_loses_it():
    pat = SimPatient(4, endurance_s=7.0, kept=3)

    def cue(at_s: float, number: int, hold_s: float, step: Step = Step.ENDURANCE) -> float:
        pat.follow(Prompt(PromptKind.SQUEEZE, at_s, step, number, hold_s, repeat=number > 1))
        return pat.person.person.reps[-1].hold_s

    pat.follow(Prompt(PromptKind.STEP, 0.0, Step.ENDURANCE))
    held = [cue(3.0, 1, 10.0)] + [cue(3.0 + 12.0 * k, k + 1, 8.0) for k in range(1, 6)]
    assert held[0] == 7.0  # as long as she can: her endurance
    assert all(7.0 * 0.97 <= h <= 8.0 for h in held[1:4])  # 3 kept, never past the cue
    assert all(1.0 <= h <= 7.0 - 2.0 for h in held[4:])  # then lost, well short
    # a redo: she has rested, and the count starts again
    pat.follow(Prompt(PromptKind.STEP, 80.0, Step.ENDURANCE))
    assert cue(83.0, 1, 10.0) == 7.0
    assert 7.0 * 0.97 <= cue(97.0, 2, 8.0) <= 8.0
    # asked for a shorter first hold than she can do, she lets go at the cue
    short = SimPatient(4, endurance_s=7.0, kept=3)
    short.follow(Prompt(PromptKind.SQUEEZE, 3.0, Step.ENDURANCE, 1, 5.0))
    assert short.person.person.reps[-1].hold_s == 5.0


def test_the_simulated_patient_draws_her_own_endurance_and_how_many_she_keeps():
    pats = [SimPatient(seed) for seed in range(40)]
    assert all(5.0 <= p.endurance_s <= 10.0 for p in pats)
    assert {p.kept for p in pats} <= set(range(2, 11)) and 10 in {p.kept for p in pats}
    # giving one does not change the other
    assert SimPatient(7, kept=5).endurance_s == SimPatient(7).endurance_s
    assert SimPatient(7, endurance_s=6.0).kept == SimPatient(7).kept


@pytest.mark.slow
def test_the_live_table_shows_the_reports_peak_and_hold(run):
    # seen in `perineo assess --sim`: the table's peak was the detector's (fast contraction
    # 20 showed "50") while the report and P measure it on its feet ("P 49", 48.7)
    _, rec, outcome = run
    assert outcome.result is not None
    report = {round(c.onset_s, 3): c for c in outcome.result.contractions}
    finals = [c for _, c in rec.seen if c.final and not c.cancelled and c.step is not None]
    assert len(finals) == len(report) == 23
    for c in finals:
        r = report[round(c.onset_s, 3)]
        assert c.peak_cmH2O == pytest.approx(r.peak_cmH2O, abs=0.3), c.number
        if r.held_s is not None:
            assert c.hold_s == held_floor(r.held_s, 1), c.number
