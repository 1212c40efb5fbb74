"""Key bindings with descriptions in the user's language (the footer shows them)."""

from __future__ import annotations

from textual.dom import DOMNode

from perineo.display.texts import Lang, tr

# (key, action, text key of the footer label)
KeySpec = tuple[str, str, str]


def bind_keys(node: DOMNode, lang: Lang, specs: tuple[KeySpec, ...]) -> None:
    """Add ``specs`` to ``node``'s bindings, labelled in ``lang``.

    Class-level ``BINDINGS`` cannot know the language chosen at start-up, so each screen
    binds its keys when it is built.
    """
    for key, action, text in specs:
        node._bindings.bind(key, action, tr(lang, text))
