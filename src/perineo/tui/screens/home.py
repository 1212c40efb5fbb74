"""Home: choose the program (the plan's advice first), the language, whether to reuse the
stored calibration, answer the weekly check; then a probe from the scan list, or the
simulator. Today's targets and the connection are always shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, OptionList, Select, Static
from textual.widgets.option_list import Option

from perineo.display.texts import Lang, tr
from perineo.display.view import StatusView
from perineo.errors import PerineoError
from perineo.sources.base import Device, Scanner
from perineo.text_safety import visible
from perineo.tui.keys import KeySpec, bind_keys
from perineo.tui.messages import CheckAnswered, LanguageChosen, SourceChosen
from perineo.tui.screens.check import CheckScreen
from perineo.tui.widgets.size import SizeWarning
from perineo.tui.widgets.status import StatusLine

SIM_ID = "sim"


LANGS = ((Lang.EN, "English"), (Lang.NN, "Nynorsk"))


class TickBox(Checkbox):
    """A checkbox that reads ticked ("▐X▌") or not ("▐ ▌") in any terminal: Textual's box
    shows an X either way, only its colour changes."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


@dataclass(frozen=True)
class HomeChoices:
    """What the home screen offers (``perineo.display.home.HomeView`` and the app's options).

    ``targets``: today's targets in words for a program's name.
    """

    programs: tuple[tuple[str, str], ...] = ()  # (name, title)
    program: str = ""  # chosen now (the plan's advice unless chosen otherwise)
    advice: str = ""
    check_due: bool = False
    calibration: str | None = None  # the stored calibration in words: offered for reuse
    targets: Callable[[str], str] = field(default=lambda name: "")


class HomeScreen(Screen[None]):
    """The scan list (when a scanner is given) with the simulator always first."""

    KEYS: tuple[KeySpec, ...] = (
        ("s", "simulator", "key.sim"),
        ("r", "rescan", "key.rescan"),
        ("w", "check", "key.check"),
        ("h", "app.history", "key.history"),
        ("q", "app.quit", "key.quit"),
    )

    status: reactive[StatusView] = reactive(StatusView, init=False)

    def __init__(self, lang: Lang, choices: HomeChoices, scanner: Scanner | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.choices = choices
        self.program = choices.program
        self.scanner = scanner
        self.devices: list[Device] = []
        keys = self.KEYS if scanner is not None else tuple(k for k in self.KEYS if k[1] != "rescan")
        bind_keys(self, lang, keys)

    @property
    def reuse_calibration(self) -> bool:
        boxes = self.query("#home-reuse").results(Checkbox)
        return any(box.value for box in boxes)

    def compose(self) -> ComposeResult:
        lang, c = self.lang, self.choices
        yield SizeWarning(lang)
        yield Static(tr(lang, "app.title"), classes="title")
        yield Static(tr(lang, "home.heading"), classes="heading")
        yield Static(tr(lang, "home.intro"), classes="intro")
        # names and titles come from outside (radio, files): shown as text, never as markup
        with Horizontal(id="home-choices"):
            yield Static(tr(lang, "home.choose_program"), classes="label")
            programs = [(Text(visible(t)), n) for n, t in c.programs]
            yield Select(
                programs, value=c.program, allow_blank=False, compact=True, id="home-program"
            )
            yield Static(tr(lang, "home.choose_lang"), classes="label")
            yield Select(
                [(name, code.value) for code, name in LANGS],
                value=lang.value,
                allow_blank=False,
                compact=True,
                id="home-lang",
            )
        if c.advice:
            yield Static(tr(lang, "home.advice", advice=c.advice), id="home-plan", markup=False)
        yield Static(c.targets(c.program), id="home-targets", markup=False)
        if c.calibration is not None:
            yield TickBox(c.calibration, value=False, compact=True, id="home-reuse")
        if c.check_due:
            yield Static(tr(lang, "home.check_due"), id="home-check")
        yield OptionList(id="sources", markup=False)
        yield Static("", id="scan-state", markup=False)
        yield StatusLine(lang, id="status").data_bind(HomeScreen.status)
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        if self.scanner is not None:
            self.action_rescan()
        else:
            self.query_one("#scan-state", Static).update(tr(self.lang, "home.no_ble"))
        self.query_one("#sources", OptionList).focus()

    def _fill(self) -> None:
        options = [Option(tr(self.lang, "home.sim_entry"), id=SIM_ID)]
        for dev in self.devices:
            rssi = "?" if dev.rssi is None else str(dev.rssi)
            battery = tr(self.lang, "unknown") if dev.battery is None else f"{dev.battery:.0f} %"
            name = visible(dev.name)
            label = tr(self.lang, "home.device", name=name, rssi=rssi, battery=battery)
            options.append(Option(label, id=f"ble:{dev.address}"))
        sources = self.query_one("#sources", OptionList)
        sources.set_options(options)
        sources.highlighted = 0

    @work(exclusive=True, group="scan")
    async def action_rescan(self) -> None:
        if self.scanner is None:
            return
        state = self.query_one("#scan-state", Static)
        state.update(tr(self.lang, "home.scanning"))
        try:
            self.devices = list(await self.scanner())
        except PerineoError as exc:  # no adapter, Bluetooth off, no permission
            state.update(tr(self.lang, "home.scan_failed", problem=visible(exc)))
            return
        self._fill()
        state.update("" if self.devices else tr(self.lang, "home.none_found"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or SIM_ID
        address = None if option_id == SIM_ID else option_id.removeprefix("ble:")
        self.post_message(SourceChosen(address))

    def action_simulator(self) -> None:
        self.post_message(SourceChosen(None))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "home-program" and isinstance(event.value, str):
            self.program = event.value
            self.query_one("#home-targets", Static).update(self.choices.targets(event.value))
        elif event.select.id == "home-lang" and event.value != self.lang.value:
            self.post_message(LanguageChosen(str(event.value)))

    def action_check(self) -> None:
        def answered(leakage: object) -> None:
            if leakage is not None:
                self.post_message(CheckAnswered(str(leakage)))

        self.app.push_screen(CheckScreen(self.lang), answered)
