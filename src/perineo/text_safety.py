"""Strings from outside shown as plain text: nothing reaches the terminal raw.

Device names come from anyone in radio range; file names, program titles and scenario
names from files. Before any of them is printed or shown in the app, control characters
(ESC, BEL, newline, bidi overrides, ...) are made visible as Python escapes (``\\x1b``).
The app also shows them with markup off, so ``[/]`` or ``[@click=app.quit]`` stay text.
"""

from __future__ import annotations


def visible(text: object) -> str:
    """``text`` on one line with every non-printable character written as an escape."""
    s = str(text)
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)
