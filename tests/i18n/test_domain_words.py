"""The domain emits keys, never words: no prose literal in the domain packages.

A string literal that reads like a sentence ("Hold a little longer") in program/, signal/,
session/ or assess/ is a text a user could see that bypassed the catalogues. Docstrings, the
messages of raised errors (one-line English errors, see docs/design.md) and the files listed
below are not user-visible coaching text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import perineo

SRC = Path(perineo.__file__).parent
DOMAIN = ("program", "signal", "session", "assess")
# Files whose prose is not coaching text: the parts of error messages the program loader
# builds, the assessment records' SQL, and the cited study's band names and reference (data
# in the report's JSON as the study gives them; shown in words from the catalogues).
NOT_COACHING = {"program/loader.py", "assess/records.py", "assess/bands.py"}
PROSE = re.compile(r"[A-Za-z]{2,}[,:]? [A-Za-z]{2,}")


def prose(source: str) -> Iterator[tuple[int, str]]:
    """(line, literal) for each sentence-like string outside docstrings and raised errors."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Raise):
            skip.update(id(sub) for sub in ast.walk(node))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and PROSE.search(node.value)
        ):
            yield node.lineno, node.value


def domain_files() -> list[Path]:
    files = [p for pkg in DOMAIN if (SRC / pkg).is_dir() for p in sorted((SRC / pkg).rglob("*.py"))]
    return [p for p in files if p.relative_to(SRC).as_posix() not in NOT_COACHING]


def test_the_scan_finds_what_it_looks_for() -> None:
    code = '''
"""Docstring words are fine."""
def f():
    """So are these."""
    cue = Cue(text="Hold a little longer")
    raise ValueError("an error message is fine")
    return say(Text.HOLD, n=3), "hold_short", "cmH2O"
'''
    assert [text for _, text in prose(code)] == ["Hold a little longer"]


@pytest.mark.parametrize("path", domain_files(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_no_words_in_the_domain(path: Path) -> None:
    found = list(prose(path.read_text("utf-8")))
    assert not found, f"words in {path.relative_to(SRC)}: {found} (emit a key: perineo.locale)"
