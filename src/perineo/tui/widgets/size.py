"""Says when the window is too small for the screens (below 80×24 parts would be cut off)."""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Static

from perineo.display.texts import Lang, tr

MIN_SIZE = Size(80, 24)  # what every screen is laid out for


class SizeWarning(Static):
    """Docked on top of a screen, shown only while the terminal is smaller than ``MIN_SIZE``.

    The app tells every one of them the new size when the terminal is resized.
    """

    def __init__(self, lang: Lang) -> None:
        super().__init__("", markup=False, classes="size-warning")
        self.lang = lang

    def on_mount(self) -> None:
        self.check(self.app.size)

    def check(self, size: Size) -> None:
        small = size.width < MIN_SIZE.width or size.height < MIN_SIZE.height
        if small:
            self.update(
                tr(
                    self.lang,
                    "app.too_small",
                    width=size.width,
                    height=size.height,
                    min_width=MIN_SIZE.width,
                    min_height=MIN_SIZE.height,
                )
            )
        self.display = small
