"""Asking before ending: a small modal, "end" or "keep training" (keep training is the default).

``e`` (end the session) and ``q`` (close perineo) used to act at once, mid-repetition. Now the
same key pressed again, or the button, confirms; Escape, Enter on the focused default or the
other button keeps training. The modal returns True to end.

The assessment (``perineo assess``) asks with the same modal in its own words
(``subject="assess"``: "End the assessment now?", "Keep assessing").
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from perineo.display.texts import Lang, tr


class ConfirmEnd(ModalScreen[bool]):
    """``what``: "end" (the session) or "quit" (perineo); ``key``: the key that asked;
    ``subject``: whose words (none: training's ``confirm.*``; ``assess``: the assessment's
    ``confirm.assess.*``)."""

    AUTO_FOCUS = "#keep"  # the default answer goes on

    def __init__(self, lang: Lang, what: str, key: str, *, subject: str = "") -> None:
        super().__init__()
        self.lang = lang
        self.what = what
        self.texts = texts = f"confirm.{subject}" if subject else "confirm"
        self._bindings.bind(key, "confirm", tr(lang, f"{texts}.{what}.yes"))
        self._bindings.bind("escape", "keep", tr(lang, f"{texts}.keep"))

    def compose(self) -> ComposeResult:
        lang, texts = self.lang, self.texts
        with Vertical(id="confirm"):
            yield Static(tr(lang, f"{texts}.{self.what}.title"), classes="heading")
            yield Static(tr(lang, f"{texts}.body"), id="confirm-body")
            with Horizontal(id="confirm-buttons"):
                yield Button(tr(lang, f"{texts}.keep"), id="keep", variant="primary")
                yield Button(tr(lang, f"{texts}.{self.what}.yes"), id="end", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "end")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)
