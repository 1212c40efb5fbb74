"""The weekly symptom check the plan needs: how often leakage happened this week."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from perineo.display.texts import Lang, tr
from perineo.program.plan import Leakage


class CheckScreen(ModalScreen[Leakage | None]):
    """One question, five answers (least first); Escape leaves it for later."""

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang
        self._bindings.bind("escape", "later", tr(lang, "key.back"))

    def compose(self) -> ComposeResult:
        with Vertical(id="check"):
            yield Static(tr(self.lang, "check.title"), classes="heading")
            options = [Option(tr(self.lang, f"leakage.{lv.value}"), id=lv.value) for lv in Leakage]
            yield OptionList(*options, id="check-answers")

    def on_mount(self) -> None:
        self.query_one("#check-answers", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(Leakage(event.option.id or Leakage.NONE.value))

    def action_later(self) -> None:
        self.dismiss(None)
