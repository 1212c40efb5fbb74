"""The correct-contraction check: lift, push-down or not verifiable, and the findings.

A push-down needs ``abdominal`` or ``tilt`` to be seen (docs/design.md); with ``squeeze`` alone
every contraction is ``not_verifiable`` rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

from perineo.assess.model import Contraction, Movement
from perineo.assess.texts import Act, Check, Finding, Needs, Note, Noted, Used, note
from perineo.program.texts import Message
from perineo.samples import Channel
from perineo.signal.events import Repetition, TechError


def movement(rep: Repetition) -> Movement:
    """What the pelvic floor did in one repetition."""
    if TechError.PUSH_DOWN in rep.errors:
        return Movement.PUSH_DOWN
    if TechError.PUSH_DOWN in rep.unverifiable:
        return Movement.NOT_VERIFIABLE
    return Movement.LIFT


def _error_clause(cs: Sequence[Contraction], err: TechError) -> Note | None:
    """``pushes down during fast contractions`` or ``braces the abdomen in 2 of 10``."""
    hit = [c for c in cs if err.value in c.errors]
    if not hit:
        return None
    act = Act(err.value)
    steps = {c.step for c in hit}
    if len(steps) == 1:
        step = next(iter(steps))
        in_step = [c for c in cs if c.step is step]
        if len(hit) == len(in_step) or (len(hit) >= 2 and len(hit) * 2 > len(in_step)):
            return note(Finding.DURING, act=act, step=step)
    return note(Finding.IN_N, act=act, n=len(hit), of=len(cs))


def summary_sentence(cs: Sequence[Contraction], unverifiable: Sequence[str]) -> tuple[Note, ...]:
    """The clauses of one sentence a clinician reads (said joined by ``; ``): ``correct
    lift in 9 of 10; pushes down during fast contractions``."""
    n = len(cs)
    if n == 0:
        return (note(Finding.NO_CONTRACTIONS),)
    parts: list[Note] = []
    if all(c.movement is Movement.NOT_VERIFIABLE for c in cs):
        parts.append(note(Finding.NOT_VERIFIABLE, n=n))
    else:
        lifts = sum(c.movement is Movement.LIFT for c in cs)
        parts.append(note(Finding.LIFT_IN, n=lifts, of=n))
    for err in TechError:
        clause = _error_clause(cs, err)
        if clause:
            parts.append(clause)
    not_checked = [e for e in unverifiable if e != TechError.PUSH_DOWN.value]
    if not_checked:
        items = tuple(Message.of(Noted(e)) for e in not_checked)
        parts.append(note(Finding.NOT_CHECKED, items))
    return tuple(parts)


def findings(cs: Sequence[Contraction]) -> tuple[Note, ...]:
    """One line per contraction with something to note, in time order."""
    out = []
    for c in cs:
        if c.errors:
            items = tuple(Message.of(Noted(e)) for e in c.errors)
            out.append(note(Finding.AT, items, n=c.index + 1, step=c.step, t=c.onset_s))
    return tuple(out)


# What each technique check needs: the channels any one of which shows it.
CHECKS: tuple[tuple[TechError, tuple[Channel, ...], Needs], ...] = (
    (TechError.PUSH_DOWN, (Channel.ABDOMINAL, Channel.TILT), Needs.ABDOMINAL_TILT),
    (TechError.ABDOMINAL_BRACING, (Channel.ABDOMINAL,), Needs.ABDOMINAL),
    (TechError.BREATH_HOLD, (Channel.ABDOMINAL,), Needs.ABDOMINAL),
    (TechError.INCOMPLETE_RELEASE, (Channel.SQUEEZE,), Needs.SQUEEZE),
)


def checks(cs: Sequence[Contraction], channels: Sequence[Channel]) -> tuple[Note, ...]:
    """One line per technique check: what it found and with which channels, or that these
    channels cannot check it (``no push-down seen (checked with the abdominal channel)``,
    ``abdominal bracing: not checkable without an abdominal channel``)."""
    out = []
    for err, needs, without in CHECKS:
        check = Check(err.value)
        used = [c.value for c in needs if c in channels]
        if not used:
            out.append(note(Finding.NOT_CHECKABLE, check=check, needs=without))
            continue
        hit = sum(err.value in c.errors for c in cs)
        by = Used("_".join(used))
        if hit == 0:
            out.append(note(Finding.NONE_SEEN, check=check, used=by))
        else:
            out.append(note(Finding.SEEN_IN, check=check, n=hit, of=len(cs), used=by))
    return tuple(out)
