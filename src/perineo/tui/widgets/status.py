"""The status line: probe name, connection, signal quality, battery, pause."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from perineo.display.texts import Lang, tr
from perineo.display.view import Connection, StatusView
from perineo.text_safety import visible


def quality_word(lang: Lang, quality: float | None) -> str:
    if quality is None:
        return tr(lang, "unknown")
    key = "good" if quality >= 0.8 else "fair" if quality >= 0.5 else "poor"
    return tr(lang, f"quality.{key}")


class StatusLine(Static):
    status: reactive[StatusView] = reactive(StatusView)

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)  # the source name comes from outside
        self.lang = lang

    def watch_status(self, status: StatusView) -> None:
        lang = self.lang
        battery = tr(lang, "unknown") if status.battery is None else f"{status.battery:.0f} %"
        parts = [
            tr(lang, "status.source", name=visible(status.source_name) or tr(lang, "unknown")),
            tr(lang, f"conn.{status.connection.value}"),
            tr(lang, "status.quality", quality=quality_word(lang, status.quality)),
            tr(lang, "status.battery", battery=battery),
        ]
        if status.gap_s is not None:
            parts.append(tr(lang, "status.gap", seconds=status.gap_s))
        if status.paused:
            parts.append(tr(lang, "status.paused"))
        if status.recording_stopped:
            parts.append(tr(lang, "status.recording_stopped"))
        self.update(" · ".join(parts))
        trouble = status.connection in (Connection.LOST, Connection.NONE)
        self.set_class(trouble or status.recording_stopped, "-trouble")
        self.set_class(status.paused, "-paused")
