"""Checks of command-line values that argparse's types let through: one-line InputErrors."""

from __future__ import annotations

import argparse
import math
import sys

from perineo.errors import InputError, ProgramError

MAX_ID = 2**63 - 1  # the largest row number SQLite stores
LANGS = ("en", "nn")


def add_lang_argument(p: argparse.ArgumentParser, what: str) -> None:
    """``--lang en|nn`` (default English), as ``report``, ``history``, ``plan``,
    ``programs`` and ``assess`` have it; ``what`` it says in that language."""
    p.add_argument("--lang", choices=LANGS, default="en", help=f"language of {what}")


def check_seed(seed: int | None) -> None:
    """A simulator seed is a whole number 0 or more (numpy refuses negative seeds)."""
    if seed is not None and seed < 0:
        raise InputError(f"--seed: expected a whole number 0 or more, got {seed}").keyed(
            "refusal.seed", seed=seed
        )


def check_speed(speed: float, *, infinite: bool = True) -> None:
    """A simulated speed is a positive number (``inf``: as fast as possible, if allowed)."""
    if not speed > 0 or (math.isinf(speed) and not infinite):
        raise InputError(f"--speed: expected a positive number, got {speed:g}").keyed(
            "refusal.speed", speed=speed
        )


def check_seconds(value: float, option: str) -> None:
    """A duration is a positive, finite number of seconds."""
    if not (value > 0 and math.isfinite(value)):
        raise InputError(f"{option}: expected a positive number of seconds, got {value:g}").keyed(
            "refusal.seconds", option=option, value=value
        )


def record_id(text: str | int, what: str) -> int:
    """A stored row's number (a session, an assessment): 1 to 2**63-1, ASCII digits only."""
    s = str(text)
    if not (s.isascii() and s.isdigit()):
        raise InputError(f"{what} {s!r}: expected a number")
    number = int(s)
    if not 1 <= number <= MAX_ID:
        key = "refusal.no_session" if what == "session" else "refusal.no_assessment"
        raise InputError(f"no {what} {number} in the training record").keyed(key, n=number)
    return number


def skip_program(problem: ProgramError) -> None:
    """Say on one line that a broken user program is left out, and carry on."""
    from perineo.text_safety import visible

    print(f"perineo: {visible(problem)}; that program is left out", file=sys.stderr)
