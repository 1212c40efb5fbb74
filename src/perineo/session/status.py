"""What a live session's status line says: the link, the source's reports, pause, the recording.

The pipeline keeps one :class:`LiveStatus` and tells its listeners every change; the app's
status line draws it as it is (``perineo.display.view.StatusView`` is this class).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Connection(StrEnum):
    NONE = "none"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"
    ENDED = "ended"


@dataclass(frozen=True)
class LiveStatus:
    source_name: str = ""
    connection: Connection = Connection.NONE
    quality: float | None = None  # link/signal quality 0..1
    battery: float | None = None  # percent
    gap_s: float | None = None  # length of the last gap, if recent
    paused: bool = False
    recording_stopped: bool = False  # the recording file could not be written any more
