"""A ``perineo serve`` process for the tests: started on a free port, its link read back."""

from __future__ import annotations

import codecs
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ANSI = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)
REPO = Path(__file__).resolve().parents[2]


def artifacts() -> Path:
    """Where screenshots are kept: $PERINEO_TEST_ARTIFACTS, else out/ in the repository."""
    path = Path(os.environ.get("PERINEO_TEST_ARTIFACTS", REPO / "out"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def visible_text(raw: bytes) -> str:
    """The terminal output without its escape sequences (what the screen spells)."""
    return ANSI.sub("", raw.decode("utf-8", "replace"))


class TerminalText:
    """What a terminal stream spells, turned into text as it comes.

    Each look at :attr:`text` decodes only the bytes that came since the last one (a live
    session sends 100–200 kB a second: decoding the whole stream again at every poll made
    a long browser test quadratic). The text is cut at the last escape sequence that may
    not be complete yet; that tail is decoded afresh each time until more comes.
    """

    def __init__(self) -> None:
        self._new = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""  # decoded, from an escape sequence that may be incomplete
        self._done = ""  # visible text before it

    def feed(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self._new += payload

    def _advance(self) -> None:
        if self._new:
            self._pending += self._decoder.decode(bytes(self._new))
            self._new.clear()
        cut = _safe_cut(self._pending)
        if cut > 0:
            self._done += ANSI.sub("", self._pending[:cut])
            self._pending = self._pending[cut:]

    @property
    def text(self) -> str:
        self._advance()
        return self._done + ANSI.sub("", self._pending)

    def mark(self) -> int:
        """A position in :attr:`text`: what comes after it arrived later."""
        self._advance()
        return len(self._done)

    def search(self, pattern: str, since: int = 0) -> re.Match[str] | None:
        """``pattern`` in the text from ``since`` on."""
        return re.compile(pattern).search(self.text, since)


def _safe_cut(text: str) -> int:
    """Where ``text`` can be cut: its last ESC that starts a sequence (one with a next
    character that is not the ``\\`` of an OSC's terminator), or 0."""
    i = len(text)
    while True:
        i = text.rfind("\x1b", 0, i)
        if i <= 0:
            return 0
        if i + 1 < len(text) and text[i + 1] != "\\":
            return i


@dataclass
class Served:
    proc: subprocess.Popen[str]
    port: int
    link: str
    home: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start(home: Path, *args: str, port: int | None = None) -> Served:
    port = port or free_port()
    env = dict(os.environ)
    env["PERINEO_HOME"] = str(home)
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "perineo", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "perineo: open <link>" once it listens
    if not line.startswith("perineo: open "):
        proc.kill()
        raise AssertionError(
            f"serve did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    link = line.split("open ", 1)[1].strip()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the print comes on startup, the socket just after
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    return Served(proc, port, link, home)
