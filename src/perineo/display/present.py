"""Turn the program's values (cues, scores) into what the widgets show.

The one place a cue, a calibration step or a repetition's reasons become words.
"""

from __future__ import annotations

from perineo.display.view import CalibrationView, CueView, RepView, Verdict
from perineo.locale import Lang, say
from perineo.program.calibration import CalibrationSettings, CalPhase, CalStep
from perineo.program.coach import Cue, Phase
from perineo.program.model import Program
from perineo.program.scoring import RepScore

# Fraction of the maximal squeeze (above rest) the trace shows as "let go fully".
REST_BAND_FRACTION = 0.08
_SQUEEZE_PHASES = (Phase.RISING, Phase.HOLD, Phase.QUICK)
_REST_PHASES = (Phase.REST, Phase.SET_PAUSE, Phase.RELEASING, Phase.LET_GO, Phase.DONE)


BAND_STEP_CMH2O = 0.5  # the band moves with the resting level in steps this size


def _step(x: float) -> float:
    return round(x / BAND_STEP_CMH2O) * BAND_STEP_CMH2O


def target_band(
    phase: Phase, program: Program, rest: float | None, mvc: float | None
) -> tuple[float, float] | None:
    """The band (absolute cmH2O) the trace should sit in during ``phase``.

    Squeezing: from the level a hold should keep (the program's fraction of the calibrated
    maximum) up to that maximum; resting: close to the resting level.
    """
    if rest is None or mvc is None or mvc <= 0:
        return None
    rest = _step(rest)
    if phase in _SQUEEZE_PHASES or phase is Phase.SQUEEZE:
        keep = program.rep.keep_level_fraction or 0.5
        return (rest + keep * mvc, rest + mvc)
    if phase in _REST_PHASES:
        return (rest - REST_BAND_FRACTION * mvc, rest + REST_BAND_FRACTION * mvc)
    return None


def cue_view(
    cue: Cue,
    program: Program,
    rest: float | None,
    mvc: float | None,
    lang: Lang,
    *,
    paused: bool = False,
) -> CueView:
    countdown = cue.count if cue.phase in (Phase.HOLD, Phase.REST, Phase.SET_PAUSE) else None
    quick_target = program.rep.coach_quick_lifts
    quick_done = 0
    if cue.phase is Phase.QUICK and cue.count is not None:
        quick_done = cue.count
    elif cue.phase in (Phase.LET_GO, Phase.RELEASING) and quick_target:
        quick_done = quick_target
    return CueView(
        text=say(lang, cue.prompt),
        countdown=None if paused else countdown,
        set_no=cue.set_no,
        sets=cue.sets_target,
        rep_no=cue.rep,
        reps=cue.reps_target,
        quick_done=quick_done,
        quick_target=quick_target,
        band=target_band(cue.phase, program, rest, mvc),
        warning=None if cue.warning is None else say(lang, cue.warning),
    )


def rep_view(score: RepScore, number: int, lang: Lang, quick_target: int) -> RepView:
    """The ``number``-th scored repetition of its set (1-based, as the coach counts)."""
    reasons = tuple(say(lang, r, m=quick_target) for r in score.reasons)
    return RepView(
        index=number,
        score=score.score,
        verdict=Verdict(score.verdict.value),
        reasons=reasons,
        hold_s=score.hold_s,
        quick_lifts=score.quick_lifts,
    )


def calibration_view(
    step: CalStep, settings: CalibrationSettings, elapsed_s: float, lang: Lang
) -> CalibrationView:
    """Calibration as steps: settle, resting level, then one step per maximal squeeze."""
    steps = 2 + step.attempts_target
    if step.phase is CalPhase.SETTLE:
        number, within = 1, min(1.0, elapsed_s / settings.settle_min_s)
    elif step.phase is CalPhase.REST_LEVEL:
        left = settings.rest_window_s if step.count is None else step.count
        number, within = 2, 1.0 - left / settings.rest_window_s
    elif step.phase is CalPhase.DONE:
        number, within = steps, 1.0
    else:
        number = min(steps, 2 + max(1, step.attempt))
        within = 0.0
    # in 2 % steps: the bar need not be redrawn for every block of samples
    progress = round(50 * max(0.0, min(1.0, (number - 1 + within) / steps))) / 50
    # the rest between squeezes says its seconds in its words ("Rest 9…"): shown once
    countdown = step.count if step.phase is CalPhase.REST_LEVEL else None
    return CalibrationView(
        step=number,
        steps=steps,
        text=say(lang, step.prompt),
        progress=progress,
        rest_cmH2O=step.level_cmH2O,
        mvc_cmH2O=step.best_cmH2O,
        countdown=countdown,
        warning=None if step.warning is None else say(lang, step.warning),
        done=step.done,
    )
