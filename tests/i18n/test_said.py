"""Every message the coach and the calibration emit can be said in every language.

Scripted sessions drive the real Coach and Calibrator; each prompt, warning and feedback
they give is said by the catalogues (a value a text needs and the message lacks would fail
here), and between them they ask for every Prompt there is.
"""

from __future__ import annotations

from collections.abc import Callable

from perineo.locale import Lang, say
from perineo.program.calibration import Calibrator, CalStep
from perineo.program.coach import Coach, Cue
from perineo.program.loader import get_program
from perineo.program.script import make_rep, rep_events
from perineo.program.texts import Message, Prompt
from perineo.signal.events import Event, EventKind, TechError


def coached(program: str, errors: tuple[TechError, ...]) -> list[Message]:
    """The messages of two sets of two repetitions, the second of each with ``errors``."""
    coach = Coach(get_program(program), reps_per_set=2, sets=2)
    events: list[Event] = []
    onset = 1.0
    for i in range(4):
        hold = 2.0 if program == "learn" else 9.5 if i == 1 else 7.0
        rep = make_rep(index=i, onset=onset, hold=hold, errors=errors if i % 2 else ())
        events += rep_events(rep)
        onset = rep.end_s + (1.0 if i == 0 else 4.5 if i % 2 == 0 else 70.0)
    events.append(Event(EventKind.GAP, 5.0, 5.2))
    return drive(coach.update, events, until=onset + 5.0)


def drive(
    update: Callable[..., Cue | CalStep],
    events: list[Event],
    until: float,
    level: float | None = None,
) -> list[Message]:
    """Feed ``events`` as announced, every 0.1 s; every message given on the way."""
    pending = sorted(events, key=lambda e: e.detected_s)
    said: list[Message] = []
    t = 0.0
    while t <= until:
        now = [e for e in pending if e.detected_s <= t]
        pending = pending[len(now) :]
        step = update(t, now) if level is None else update(t, now, level)
        feedback = step.feedback if isinstance(step, Cue) else None
        said += [m for m in (step.prompt, step.warning, feedback) if m is not None]
        t += 0.1
    return said


def calibrated() -> list[Message]:
    cal = Calibrator(channels=("squeeze",))
    events: list[Event] = []
    onset = 35.0  # after settling (20 s) and the resting level (10 s)
    for i, peak in enumerate((30.0, 42.0, 38.0, 41.0)):
        errors = (TechError.PUSH_DOWN,) if i == 1 else ()
        rep = make_rep(index=i, onset=onset, hold=3.0, quick=0, peak=peak, errors=errors)
        events += rep_events(rep)
        onset = rep.end_s + 12.0
    return drive(cal.update, events, until=onset, level=20.0)


def test_every_message_is_said_in_every_language() -> None:
    messages = [
        *coached("learn", (TechError.ABDOMINAL_BRACING,)),
        *coached("basic", (TechError.BREATH_HOLD,)),
        *coached("intensive", (TechError.PUSH_DOWN, TechError.INCOMPLETE_RELEASE)),
        *calibrated(),
    ]
    for message in set(messages):
        for lang in Lang:
            words = say(lang, message)
            assert words.strip() and "{" not in words, (lang, message, words)
    keys = {m.key for m in messages}
    assert set(Prompt) <= keys, set(Prompt) - keys
    assert set(TechError) <= keys, set(TechError) - keys
    assert any(not isinstance(k, Prompt | TechError) for k in keys)  # a Reason as feedback
