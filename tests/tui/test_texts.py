"""Every text the app uses exists in English and Nynorsk, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import perineo.display
import perineo.tui
from perineo.tui.texts import Lang, keys, tr

# the app and the views it is given (the summary and history texts are built there)
_SRC = (Path(perineo.tui.__file__).parent, Path(perineo.display.__file__).parent)
_USED = re.compile(r"""tr\(\s*[\w.]+,\s*"([a-z_.]+)\"""")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", keys())
def test_both_languages_have_the_same_placeholders(key: str) -> None:
    from perineo.tui.texts import _TEXTS

    en, nn = _TEXTS[key]
    assert en.strip() and nn.strip()
    assert _fields(en) == _fields(nn)


def test_every_text_the_code_asks_for_exists() -> None:
    files = [p for src in _SRC for p in src.rglob("*.py")]
    used = {m for p in files for m in _USED.findall(p.read_text("utf-8"))}
    assert used, "no tr() calls found"
    assert used <= set(keys()), sorted(used - set(keys()))


def test_unknown_text_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no text 'nope'"):
        tr(Lang.EN, "nope")
