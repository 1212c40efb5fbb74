"""Every text the app asks for exists in the catalogues (their completeness, in every language
and with the same placeholders, is tests/i18n/test_catalogues.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import perineo
from perineo.display.texts import Lang, keys, tr

_SRC = (Path(perineo.__file__).parent,)  # the app, its views, the commands, the report
_USED = re.compile(r"""\b(?:tr|say)\(\s*[\w.]+,\s*["']([a-z_.]+)["']""")


def test_every_text_the_code_asks_for_exists() -> None:
    files = [p for src in _SRC for p in src.rglob("*.py")]
    used = {m for p in files for m in _USED.findall(p.read_text("utf-8"))}
    assert used, "no tr() calls found"
    assert used <= set(keys()), sorted(used - set(keys()))


def test_unknown_text_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no text 'nope'"):
        tr(Lang.EN, "nope")
