"""The catalogues: every key in every language with the same placeholders; the ``.po`` reader."""

from __future__ import annotations

import gettext
import io
import string
import subprocess

import pytest

from perineo.locale import NAMESPACES, Lang, catalogue, msgid, po_path, say
from perineo.locale.po import CatalogueError, parse_po
from perineo.program.plan import Leakage, Why
from perineo.program.scoring import Reason
from perineo.program.texts import Message, Prompt
from perineo.signal.events import TechError


def _fields(text: str) -> set[str]:
    return {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_language_has_every_key() -> None:
    keys = {lang: set(catalogue(lang)) for lang in Lang}
    assert keys[Lang.EN], "the English catalogue is empty"
    for lang in Lang:
        assert keys[lang] == keys[Lang.EN], (lang, keys[lang] ^ keys[Lang.EN])


@pytest.mark.parametrize("key", sorted(catalogue(Lang.EN)))
def test_same_placeholders_in_every_language(key: str) -> None:
    en = catalogue(Lang.EN)[key]
    for lang in Lang:
        text = catalogue(lang)[key]
        assert text.strip(), (lang, key)
        assert _fields(text) == _fields(en), (lang, key, text)


@pytest.mark.parametrize("enum", list(NAMESPACES), ids=lambda e: e.__name__)
def test_every_domain_key_has_words_in_every_language(enum: type) -> None:
    for member in enum:
        for lang in Lang:
            assert msgid(member) in catalogue(lang), (lang, msgid(member))


def test_a_message_is_said_with_its_numbers_and_its_enum_values() -> None:
    assert say(Lang.EN, Message.of(Prompt.HOLD, n=7)) == "Hold 7…"
    assert say(Lang.NN, Message.of(Prompt.HOLD, n=7)) == "Hald 7 …"
    # a whole number of cmH2O reads without ".0"
    assert say(Lang.EN, Message.of(Prompt.CALIBRATED, n=42.0)).endswith("squeeze 42 cmH2O")
    # an enum value is itself said in the language
    back = Message.of(Why.LEAKAGE_BACK, leakage=Leakage.SEVERAL_DAILY)
    assert "(several times a day)" in say(Lang.EN, back)
    assert "(fleire gonger dagleg)" in say(Lang.NN, back)
    # the same key means different things in different parts: a reason, a live warning
    assert msgid(Reason.PUSH_DOWN) == "reason.push_down"
    assert msgid(TechError.PUSH_DOWN) == "error.push_down"


def test_unknown_keys_are_clear_errors() -> None:
    with pytest.raises(KeyError, match="no text 'nope'"):
        say(Lang.EN, "nope")
    with pytest.raises(KeyError, match="Lang is not a message key"):
        msgid(Lang.EN)


def test_the_two_quit_keys_say_different_things() -> None:
    # ending a session and closing the app sit side by side in the footer
    for lang in Lang:
        assert say(lang, "key.end") != say(lang, "key.quit")
    assert say(Lang.NN, "key.end") == "Avslutt økta"
    assert say(Lang.NN, "key.quit") == "Lukk perineo"


def test_po_reader_reads_what_gettext_writes() -> None:
    text = r"""
# translator comment
msgid ""
msgstr ""
"Language: nn\n"

#. extracted comment
#: src/x.py:1
msgid "a.b"
msgstr "first "
"second \"quoted\"\\"

#, fuzzy
msgid "c"
msgstr "not yet"

msgid "d"
msgstr ""
"""
    assert parse_po(text) == {"a.b": 'first second "quoted"\\'}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n', r"'a' twice"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n', "'msgid_plural' is not supported"),
        ('msgctxt "c"\nmsgid "a"\nmsgstr "x"\n', "'msgctxt' is not supported"),
        ('msgstr "x"\n', "msgstr without a msgid"),
        ('msgid "a"\n', "'a' has no msgstr"),
        ('msgid "a\\q"\nmsgstr "x"\n', r"unknown escape \\q"),
        ("msgid a\nmsgstr x\n", "expected a quoted string"),
    ],
)
def test_po_reader_refuses_what_it_does_not_understand(text: str, problem: str) -> None:
    with pytest.raises(CatalogueError, match=rf"^x\.po:\d+: .*{problem}"):
        parse_po(text, "x.po")


@pytest.mark.parametrize("lang", list(Lang))
def test_gettext_reads_the_catalogues_as_perineo_does(lang: Lang) -> None:
    """Where GNU gettext is installed: ``msgfmt --check`` accepts each catalogue, and the
    standard library's gettext, reading what msgfmt compiled, gives the same words."""
    try:
        done = subprocess.run(
            ["msgfmt", "--check", "-o", "-", str(po_path(lang))], capture_output=True, check=False
        )
    except FileNotFoundError:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    assert done.returncode == 0, done.stderr.decode()
    compiled = gettext.GNUTranslations(io.BytesIO(done.stdout))
    ours = catalogue(lang)
    assert {k: compiled.gettext(k) for k in ours} == ours
