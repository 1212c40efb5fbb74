"""The live coach for the PERFECT assessment (clinic), with the same API as :class:`Coach`.

Part 1 (``set_no`` 1): maximal holds, each counted up from the detected hold start until the
release or the endurance limit (10 s), 4 s rest between; it ends when a hold falls short of
the first one (the endurance) or after 10. Then about a minute's rest. Part 2 (``set_no`` 2):
fast 1-s contractions, up to 10. The result is :func:`perineo.program.perfect.assess` over
what was detected.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from perineo.program.coach import Coach, Cue, Phase
from perineo.program.model import Program
from perineo.program.perfect import ENDURANCE_SHARE, PerfectResult, assess
from perineo.program.scoring import RepScore, Verdict, score_rep
from perineo.program.texts import Lang, Text, say
from perineo.signal.events import Event, EventKind, Repetition, TechError

WARNING_S = 4.0


class AssessmentCoach:
    """Coach one PERFECT assessment; ``update(now_s, events) -> Cue`` like :class:`Coach`."""

    def __init__(self, program: Program, lang: Lang = Lang.EN) -> None:
        if program.perfect is None:
            raise ValueError(f"program {program.name!r} has no [perfect] table")
        self.program = program
        self.spec = program.perfect
        self.lang = lang
        self.phase = Phase.SQUEEZE
        self.set_no = 1  # 1: endurance and repetitions, 2: fast
        self.rep_no = 1
        self.reps: list[Repetition] = []
        self.scores: list[RepScore] = []
        self.result: PerfectResult | None = None
        self._part_reps: list[Repetition] = []
        self._since = 0.0
        self._warning: tuple[TechError, float] | None = None
        self._endurance: float | None = None

    @property
    def reps_target(self) -> int:
        return self.spec.repetitions_max if self.set_no == 1 else self.spec.fast_max

    def update(self, now_s: float, events: Iterable[Event] = ()) -> Cue:
        for ev in events:
            self._on_event(ev)
        self._on_clock(now_s)
        return self._cue(now_s)

    def _on_event(self, ev: Event) -> None:
        k = ev.kind
        if k is EventKind.ERROR and ev.error is not None:
            self._warning = (ev.error, ev.detected_s)
        elif k is EventKind.REPETITION and ev.repetition is not None:
            self._on_rep(ev.repetition)
        elif self.phase is Phase.DONE:
            return
        elif k is EventKind.ONSET and self.phase in (Phase.SQUEEZE, Phase.REST, Phase.SET_PAUSE):
            if self.phase is Phase.SET_PAUSE:
                self.set_no, self.rep_no = 2, 1
            self.phase = Phase.RISING
        elif k is EventKind.ONSET_CANCELLED and self.phase is Phase.RISING:
            self.phase = Phase.SQUEEZE
        elif k is EventKind.HOLD_START and self.phase is Phase.RISING and self.set_no == 1:
            self.phase, self._since = Phase.HOLD, ev.t
        elif k is EventKind.RELEASE and self.phase in (Phase.RISING, Phase.HOLD, Phase.LET_GO):
            self.phase = Phase.RELEASING

    def _on_rep(self, rep: Repetition) -> None:
        self.reps.append(rep)
        self.scores.append(score_rep(rep, self.program, set_no=self.set_no))
        if TechError.PUSH_DOWN in rep.errors:  # does not count: ask again
            self.phase, self._since = Phase.REST, rep.end_s or rep.onset_s
            return
        self._part_reps.append(rep)
        end = rep.end_s if rep.end_s is not None else rep.onset_s
        if self.set_no == 1:
            hold = rep.hold_s or 0.0
            if self._endurance is None:
                self._endurance = min(hold, self.spec.endurance_max_s)
            short = hold < ENDURANCE_SHARE * self._endurance
            if short or len(self._part_reps) >= self.spec.repetitions_max:
                self._part_reps = []
                self.phase, self._since = Phase.SET_PAUSE, end
            else:
                self.rep_no += 1
                self.phase, self._since = Phase.REST, end
        elif len(self._part_reps) >= self.spec.fast_max:
            self._finish()
        else:
            self.rep_no += 1
            self.phase, self._since = Phase.SQUEEZE, end

    def finish(self) -> PerfectResult:
        """End the assessment now (e.g. the clinician stops early)."""
        self._finish()
        assert self.result is not None
        return self.result

    def _finish(self) -> None:
        self.result = assess(self.reps, self.spec)
        self.phase = Phase.DONE

    def _on_clock(self, now: float) -> None:
        if self.phase is Phase.HOLD and now - self._since >= self.spec.endurance_max_s:
            self.phase = Phase.LET_GO
        elif self.phase is Phase.REST and now - self._since >= self.spec.rest_s:
            self.phase = Phase.SQUEEZE
        elif self.phase is Phase.SET_PAUSE and now - self._since >= self.spec.fast_rest_before_s:
            self.set_no, self.rep_no, self.phase = 2, 1, Phase.SQUEEZE

    def _cue(self, now: float) -> Cue:
        p = self.phase
        count: int | None = None
        m = self.reps_target
        if p is Phase.SQUEEZE:
            key = Text.ASSESS_SQUEEZE if self.set_no == 1 else Text.FAST
            text = say(key, self.lang, k=self.rep_no, m=m)
        elif p is Phase.RISING:
            key = Text.RISING if self.set_no == 1 else Text.FAST
            text = say(key, self.lang, k=self.rep_no, m=m)
        elif p is Phase.HOLD:
            count = min(int(self.spec.endurance_max_s), math.floor(now - self._since))
            key, text = Text.HOLD_UP, say(Text.HOLD_UP, self.lang, n=count)
        elif p in (Phase.LET_GO, Phase.RELEASING):
            key = Text.LET_GO if p is Phase.LET_GO else Text.RELEASING
            text = say(key, self.lang)
        elif p in (Phase.REST, Phase.SET_PAUSE):
            total = self.spec.rest_s if p is Phase.REST else self.spec.fast_rest_before_s
            count = max(0, math.ceil(total - (now - self._since) - 1e-9))
            key, text = Text.REST, say(Text.REST, self.lang, n=count)
        else:
            key, text = Text.ASSESS_DONE, self._done_text()
        warning = warning_error = None
        if self._warning is not None and now - self._warning[1] <= WARNING_S:
            warning_error = self._warning[0]
            warning = say(Text(warning_error.value), self.lang)
        last = self.scores[-1] if self.scores else None
        feedback = None
        if last is not None and last.verdict is not Verdict.GOOD:
            feedback = say(Text(last.reasons[0].value), self.lang, m=0)
        return Cue(
            phase=p,
            text=text,
            key=key,
            count=count,
            target=None,
            rep=self.rep_no,
            reps_target=m,
            set_no=self.set_no,
            sets_target=2,
            warning=warning,
            warning_error=warning_error,
            feedback=feedback,
            last_score=last,
        )

    def _done_text(self) -> str:
        r = self.result
        assert r is not None
        p = "—" if r.power_cmH2O is None else round(r.power_cmH2O)
        e = "—" if r.endurance_s is None else round(r.endurance_s, 1)
        return say(Text.ASSESS_DONE, self.lang, p=p, e=e, r=r.repetitions, f=r.fast)


def make_coach(
    program: Program,
    lang: Lang = Lang.EN,
    *,
    reps_per_set: int | None = None,
    sets: int | None = None,
    keep_level_cmH2O: float | None = None,
) -> Coach | AssessmentCoach:
    """The right coach for ``program``: the PERFECT protocol for an assessment."""
    if program.perfect is not None:
        return AssessmentCoach(program, lang)
    return Coach(
        program, lang, reps_per_set=reps_per_set, sets=sets, keep_level_cmH2O=keep_level_cmH2O
    )
