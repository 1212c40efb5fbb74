"""The correct-contraction check: lift, push-down or not verifiable, and the findings.

A push-down needs ``abdominal`` or ``tilt`` to be seen (docs/design.md); with ``squeeze`` alone
every contraction is ``not_verifiable`` rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

from perineo.assess.model import Contraction, Movement, Step
from perineo.samples import Channel
from perineo.signal.events import Repetition, TechError

STEP_PHRASE = {
    Step.REST: "rest",
    Step.POWER: "maximal contractions",
    Step.ENDURANCE: "holds",
    Step.RECOVERY: "the rest",
    Step.FAST: "fast contractions",
}


def movement(rep: Repetition) -> Movement:
    """What the pelvic floor did in one repetition."""
    if TechError.PUSH_DOWN in rep.errors:
        return Movement.PUSH_DOWN
    if TechError.PUSH_DOWN in rep.unverifiable:
        return Movement.NOT_VERIFIABLE
    return Movement.LIFT


def _count(n: int, of: int) -> str:
    return f"in {n} of {of}"


def _error_clause(cs: Sequence[Contraction], err: str, verb: str) -> str | None:
    """``pushes down during fast contractions`` or ``braces the abdomen in 2 of 10``."""
    hit = [c for c in cs if err in c.errors]
    if not hit:
        return None
    steps = {c.step for c in hit}
    if len(steps) == 1:
        step = next(iter(steps))
        in_step = [c for c in cs if c.step is step]
        if len(hit) == len(in_step) or (len(hit) >= 2 and len(hit) * 2 > len(in_step)):
            return f"{verb} during {STEP_PHRASE[step]}"
    return f"{verb} {_count(len(hit), len(cs))}"


def summary_sentence(cs: Sequence[Contraction], unverifiable: Sequence[str]) -> str:
    """One sentence a clinician reads: ``correct lift in 9 of 10; pushes down during fast
    contractions``."""
    n = len(cs)
    if n == 0:
        return "no contractions"
    parts: list[str] = []
    if all(c.movement is Movement.NOT_VERIFIABLE for c in cs):
        parts.append(f"lift or push-down not verifiable with this probe ({n} contractions)")
    else:
        lifts = sum(c.movement is Movement.LIFT for c in cs)
        parts.append(f"correct lift {_count(lifts, n)}")
    for err, verb in (
        (TechError.PUSH_DOWN.value, "pushes down"),
        (TechError.ABDOMINAL_BRACING.value, "braces the abdomen"),
        (TechError.BREATH_HOLD.value, "holds her breath"),
        (TechError.INCOMPLETE_RELEASE.value, "does not relax fully"),
    ):
        clause = _error_clause(cs, err, verb)
        if clause:
            parts.append(clause)
    not_checked = [e for e in unverifiable if e != TechError.PUSH_DOWN.value]
    if not_checked:
        parts.append("not checked: " + ", ".join(e.replace("_", " ") for e in not_checked))
    return "; ".join(parts)


def findings(cs: Sequence[Contraction]) -> tuple[str, ...]:
    """One line per contraction with something to note, in time order."""
    out = []
    for c in cs:
        notes = [e.replace("_", " ") for e in c.errors]
        if notes:
            where = f"#{c.index + 1} ({STEP_PHRASE[c.step]}, {c.onset_s:.1f} s)"
            out.append(f"{where}: {', '.join(notes)}")
    return tuple(out)


# What each technique check needs: the channels any one of which shows it, and its name.
CHECKS: tuple[tuple[TechError, tuple[Channel, ...], str], ...] = (
    (TechError.PUSH_DOWN, (Channel.ABDOMINAL, Channel.TILT), "push-down"),
    (TechError.ABDOMINAL_BRACING, (Channel.ABDOMINAL,), "abdominal bracing"),
    (TechError.BREATH_HOLD, (Channel.ABDOMINAL,), "breath hold"),
    (TechError.INCOMPLETE_RELEASE, (Channel.SQUEEZE,), "incomplete relaxation"),
)


def checks(cs: Sequence[Contraction], channels: Sequence[Channel]) -> tuple[str, ...]:
    """One line per technique check: what it found and with which channels, or that these
    channels cannot check it (``no push-down seen (checked with the abdominal channel)``,
    ``abdominal bracing: not checkable without an abdominal channel``)."""
    out = []
    for err, needs, name in CHECKS:
        used = [c.value for c in needs if c in channels]
        if not used:
            alts = " or ".join(f"{'an' if c.value[0] in 'aeiou' else 'a'} {c.value}" for c in needs)
            out.append(f"{name}: not checkable without {alts} channel")
            continue
        hit = sum(err.value in c.errors for c in cs)
        seen = f"no {name} seen" if hit == 0 else f"{name} in {hit} of {len(cs)}"
        out.append(f"{seen} (checked with the {' and '.join(used)} channel{'s' * (len(used) > 1)})")
    return tuple(out)
