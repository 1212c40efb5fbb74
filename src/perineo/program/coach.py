"""The live coach: turns a program and the detector's events into the cue to show now.

Pure and clock-free: the caller passes the stream time and the events that arrived since the
last call; ``update`` returns a :class:`Cue`. The coach waits for the onset, counts the hold
from the detected hold start, counts the quick lifts that came, asks for the release, times
the rest from the detected end of the fall, and warns at once on a technique error.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from perineo.program.model import Effort, Program
from perineo.program.scoring import RepScore, Verdict, score_rep
from perineo.program.texts import Message, Prompt
from perineo.signal.events import Event, EventKind, TechError

WARNING_S = 4.0  # how long a technique warning stays up
QUICK_WINDOW_S = 1.5  # time allowed per quick lift before the coach asks to let go anyway


class Phase(StrEnum):
    SQUEEZE = "squeeze"  # waiting for an onset
    RISING = "rising"  # onset seen, waiting for the hold level
    HOLD = "hold"
    QUICK = "quick"
    LET_GO = "let_go"  # asked to let go, waiting for the release
    RELEASING = "releasing"  # falling, waiting for rest
    REST = "rest"
    SET_PAUSE = "set_pause"
    DONE = "done"


_WAITING = (Phase.SQUEEZE, Phase.REST, Phase.SET_PAUSE)
_ACTIVE = (Phase.RISING, Phase.HOLD, Phase.QUICK, Phase.LET_GO)


@dataclass(frozen=True)
class Cue:
    """What to show now, as keys with their numbers (``perineo.locale`` says them in words).

    ``count`` is seconds left (hold, rest, pause) or lifts done.
    """

    phase: Phase
    prompt: Message
    count: int | None = None
    target: int | None = None
    rep: int = 1  # repetition number within the set, 1-based
    reps_target: int = 0
    set_no: int = 1
    sets_target: int = 1
    warning: Message | None = None  # a technique error (TechError) or a gap
    warning_error: TechError | None = None
    feedback: Message | None = None  # about the last finished repetition (GOOD or a Reason)
    last_score: RepScore | None = None

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE


class Coach:
    """One session of a program, coached live.

    ``reps_per_set`` defaults to the top of the program's range; ``keep_level_cmH2O`` (from
    calibration) is passed on to scoring.
    """

    def __init__(
        self,
        program: Program,
        *,
        reps_per_set: int | None = None,
        sets: int | None = None,
        keep_level_cmH2O: float | None = None,
    ) -> None:
        self.program = program
        self.reps_per_set = reps_per_set or int(program.dose.reps.high)
        self.sets = sets or program.dose.sets
        self.keep_level_cmH2O = keep_level_cmH2O
        self.hold_target_s = program.rep.coach_hold_s
        self.quick_target = program.rep.coach_quick_lifts
        self.rest_target_s = program.rep.coach_rest_s
        self.phase = Phase.SQUEEZE
        self.rep_no = 1
        self.set_no = 1
        self.scores: list[RepScore] = []
        self._since = 0.0  # when the current timed phase began (stream time)
        self._quick = 0
        self._warning: tuple[TechError, float] | None = None
        self._gap_until = -math.inf
        self._last: RepScore | None = None
        self._prev_end_s: float | None = None  # end of the last scored repetition's fall
        self._set_of: dict[int, int] = {}  # repetition index → the set it began in
        # where the coach stood when an onset came (phase, timer, set, repetition): a
        # cancelled onset (a twitch, a cough) returns there with its timer intact
        self._before_onset: tuple[Phase, float, int, int] | None = None

    # -- events ---------------------------------------------------------------------------

    def update(self, now_s: float, events: Iterable[Event] = ()) -> Cue:
        """Feed the events that arrived since the last call; get the cue for ``now_s``."""
        for ev in events:
            self._on_event(ev)
        self._on_clock(now_s)
        return self._cue(now_s)

    def _on_event(self, ev: Event) -> None:
        k = ev.kind
        if k is EventKind.ERROR and ev.error is not None:
            self._warning = (ev.error, ev.detected_s)
        elif k is EventKind.GAP:
            self._gap_until = ev.detected_s + 2.0
        elif k is EventKind.REPETITION and ev.repetition is not None:
            self._score(ev)
        elif self.phase is Phase.DONE:
            return
        elif k is EventKind.ONSET and self.phase in _WAITING:
            self._before_onset = (self.phase, self._since, self.set_no, self.rep_no)
            if self.phase is Phase.SET_PAUSE:
                self._next_set()
            self.phase, self._quick = Phase.RISING, 0
            self._set_of[ev.rep] = self.set_no
        elif k is EventKind.ONSET_CANCELLED and self.phase is Phase.RISING:
            self._cancel_onset(ev.rep)
        elif k is EventKind.HOLD_START and self.phase in (Phase.RISING, Phase.SQUEEZE):
            self.phase, self._since = Phase.HOLD, ev.t
            self._before_onset = None
        elif k is EventKind.QUICK_LIFT:
            self._on_quick_lift(ev)
        elif k is EventKind.RELEASE and self.phase in _ACTIVE:
            self.phase = Phase.RELEASING
        elif k is EventKind.REST and self.phase in (*_ACTIVE, Phase.RELEASING):
            self._end_of_fall(ev.t)

    def _cancel_onset(self, rep: int) -> None:
        """No repetition came of the onset: back to the rest, pause or wait it interrupted,
        its timer going on as if nothing had happened (the coach never ends a rest early)."""
        self._set_of.pop(rep, None)
        if self._before_onset is None:
            self.phase = Phase.SQUEEZE
            return
        self.phase, self._since, self.set_no, self.rep_no = self._before_onset
        self._before_onset = None

    def _on_quick_lift(self, ev: Event) -> None:
        self._quick += 1
        if self.phase in (Phase.HOLD, Phase.RISING):
            self.phase, self._since = Phase.QUICK, ev.t
        if self.phase is Phase.QUICK and self.quick_target and self._quick >= self.quick_target:
            self.phase, self._since = Phase.LET_GO, ev.detected_s

    def _end_of_fall(self, t: float) -> None:
        if self.rep_no >= self.reps_per_set:
            if self.set_no >= self.sets:
                self.phase = Phase.DONE
            else:
                self.phase, self._since = Phase.SET_PAUSE, t
        else:
            self.rep_no += 1
            self.phase, self._since = Phase.REST, t

    def _next_set(self) -> None:
        self.set_no += 1
        self.rep_no = 1

    def _score(self, ev: Event) -> None:
        rep = ev.repetition
        assert rep is not None
        if self.phase in (Phase.RELEASING, Phase.LET_GO):  # no REST event came: close it here
            self._end_of_fall(rep.end_s if rep.end_s is not None else ev.detected_s)
        # a repetition is final only after its rest, maybe after the next onset: use the set
        # it began in
        set_no = self._set_of.get(rep.index, self.set_no)
        # the rest before it is known now: the score is final as it is given (a short rest is
        # charged to the squeeze that came early, never to the one before, which she may
        # have done just as asked)
        rest_s = None
        if self.scores and self._prev_end_s is not None and self.scores[-1].set_no == set_no:
            rest_s = rep.onset_s - self._prev_end_s
        score = score_rep(
            rep,
            self.program,
            rest_s=rest_s,
            keep_level_cmH2O=self.keep_level_cmH2O,
            set_no=set_no,
        )
        self.scores.append(score)
        self._last = score
        self._prev_end_s = rep.end_s

    # -- clock ----------------------------------------------------------------------------

    def _on_clock(self, now: float) -> None:
        if self.phase is Phase.HOLD and now - self._since >= self.hold_target_s:
            if self.quick_target:
                self.phase, self._since = Phase.QUICK, now
            else:
                self.phase, self._since = Phase.LET_GO, now
        elif self.phase is Phase.QUICK and now - self._since >= QUICK_WINDOW_S * max(
            1, self.quick_target
        ):
            self.phase, self._since = Phase.LET_GO, now
        elif self.phase is Phase.REST and now - self._since >= self.rest_target_s:
            self.phase = Phase.SQUEEZE
        elif self.phase is Phase.SET_PAUSE and now - self._since >= self.program.dose.set_pause_s:
            self._next_set()
            self.phase = Phase.SQUEEZE

    # -- the cue --------------------------------------------------------------------------

    def _cue(self, now: float) -> Cue:
        p = self.phase
        count: int | None = None
        target: int | None = None
        if p is Phase.SQUEEZE:
            prompt = Message.of(
                {Effort.MAX: Prompt.SQUEEZE_MAX, Effort.LIGHT: Prompt.SQUEEZE_LIGHT}.get(
                    self.program.effort, Prompt.SQUEEZE
                )
            )
        elif p is Phase.HOLD:
            count = self._left(now, self.hold_target_s)
            prompt = Message.of(Prompt.HOLD, n=count)
        elif p is Phase.QUICK:
            count, target = self._quick, self.quick_target
            prompt = Message.of(Prompt.QUICK, n=count, m=target)
        elif p is Phase.REST:
            count = self._left(now, self.rest_target_s)
            prompt = Message.of(Prompt.REST, n=count)
        elif p is Phase.SET_PAUSE:
            count = self._left(now, self.program.dose.set_pause_s)
            prompt = Message.of(Prompt.SET_PAUSE, k=self.set_no, n=count)
        elif p is Phase.DONE:
            prompt = Message.of(Prompt.DONE, k=self.sets)
        elif p is Phase.RISING:
            prompt = Message.of(Prompt.RISING)
        elif p is Phase.LET_GO:
            prompt = Message.of(Prompt.LET_GO)
        else:
            prompt = Message.of(Prompt.RELEASING)
        warning: Message | None = None
        warning_error = None
        if self._warning is not None and now - self._warning[1] <= WARNING_S:
            warning_error = self._warning[0]
            warning = Message.of(warning_error)
        elif now <= self._gap_until:
            warning = Message.of(Prompt.GAP)
        return Cue(
            phase=p,
            prompt=prompt,
            count=count,
            target=target,
            rep=self.rep_no,
            reps_target=self.reps_per_set,
            set_no=self.set_no,
            sets_target=self.sets,
            warning=warning,
            warning_error=warning_error,
            feedback=self._feedback(),
            last_score=self._last,
        )

    def _left(self, now: float, total: float) -> int:
        """Whole seconds left of a timed phase of ``total`` seconds."""
        return max(0, math.ceil(total - (now - self._since) - 1e-9))

    def _feedback(self) -> Message | None:
        s = self._last
        if s is None:
            return None
        if s.verdict is Verdict.GOOD:
            return Message.of(Prompt.GOOD)
        return Message.of(s.reasons[0], m=self.quick_target)
