"""Home: choose a probe from the scan list, or the simulator; the connection is always shown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from perineo.display.view import StatusView
from perineo.errors import PerineoError
from perineo.text_safety import visible
from perineo.tui.keys import KeySpec, bind_keys
from perineo.tui.messages import SourceChosen
from perineo.tui.texts import Lang, tr
from perineo.tui.widgets.size import SizeWarning
from perineo.tui.widgets.status import StatusLine

SIM_ID = "sim"


@dataclass(frozen=True)
class Device:
    """A probe found by a scan."""

    name: str
    address: str
    rssi: int | None = None
    battery: float | None = None


Scanner = Callable[[], Awaitable[Sequence[Device]]]


class HomeScreen(Screen[None]):
    """The scan list (when a scanner is given) with the simulator always first."""

    KEYS: tuple[KeySpec, ...] = (
        ("s", "simulator", "key.sim"),
        ("r", "rescan", "key.rescan"),
        ("h", "app.history", "key.history"),
        ("q", "app.quit", "key.quit"),
    )

    status: reactive[StatusView] = reactive(StatusView, init=False)

    def __init__(self, lang: Lang, program_title: str, scanner: Scanner | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.program_title = program_title
        self.scanner = scanner
        self.devices: list[Device] = []
        keys = self.KEYS if scanner is not None else tuple(k for k in self.KEYS if k[1] != "rescan")
        bind_keys(self, lang, keys)

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield SizeWarning(self.lang)
        yield Static(tr(lang, "app.title"), classes="title")
        yield Static(tr(lang, "home.heading"), classes="heading")
        yield Static(tr(lang, "home.intro"), classes="intro")
        # names and titles come from outside (radio, files): shown as text, never as markup
        program = visible(self.program_title)
        yield Static(tr(lang, "home.program", program=program), id="home-program", markup=False)
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
