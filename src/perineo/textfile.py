"""Reading a text file perineo is given, in bounded memory.

Only a regular file is read: a FIFO would block and a device (``/dev/zero``) never end, so
both, and folders, are refused before any read. The text comes a few MB at a time, cut at
line breaks, each piece with the number of its first line; a line too long to be a
recording's is refused rather than held. ``StepCounts`` keeps a recording's time steps by
value, for their exact median.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from perineo.errors import RecordingError
from perineo.samples import FloatArray

SNIFF_BYTES = 8192  # a NUL byte in these: a binary file
CHUNK_BYTES = 1 << 22  # a piece of the file parsed at once: 4 MiB, about 120 000 rows
MAX_LINE_BYTES = 1 << 26  # a longer line (64 MiB) is no recording's
_MERGE_STEPS = 1 << 20  # time steps gathered before they are counted by value


def open_regular(p: Path) -> BinaryIO:
    """``p`` opened for reading bytes; a missing file, a folder, a FIFO or a device is a
    one-line :class:`RecordingError`, raised before anything is read."""
    try:
        return open(p, "rb", opener=_open_regular)
    except FileNotFoundError:
        raise RecordingError(p, "no such file").keyed("refusal.no_file", path=p) from None
    except IsADirectoryError:
        raise RecordingError(p, "is a folder, not a recording file") from None
    except _NotRegular as exc:
        raise RecordingError(p, f"is {exc.args[0]}, not a recording file") from None
    except OSError as exc:
        raise RecordingError(p, f"cannot read: {exc.strerror or exc}") from None


def file_chunks(fh: BinaryIO, path: str) -> Iterator[tuple[int, list[str]]]:
    """The file's lines a few MB at a time, each piece with the number of its first line.

    Pieces end at a line break, so no line or UTF-8 character is cut; a line longer than
    ``MAX_LINE_BYTES`` is refused rather than held.
    """
    line = 1
    carry = b""
    start = True
    while True:
        try:
            raw = fh.read(CHUNK_BYTES)
        except OSError as exc:
            raise RecordingError(path, f"cannot read: {exc.strerror or exc}") from None
        data = carry + raw
        if start:
            if b"\x00" in data[:SNIFF_BYTES]:
                raise RecordingError(path, "is a binary file, not a CSV recording")
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            start = False
        cut = _last_break(data) if raw else len(data)
        piece, carry = data[:cut], data[cut:]
        if piece:
            try:
                text = piece.decode("utf-8")
            except UnicodeDecodeError as exc:
                where = line + piece[: exc.start].count(b"\n")
                raise RecordingError(path, "is not UTF-8 text (binary data?)", where) from None
            lines = text.splitlines()
            yield line, lines
            line += len(lines)
        if len(carry) > MAX_LINE_BYTES:  # a line that does not end: refused, not held
            raise RecordingError(
                path, f"a line longer than {MAX_LINE_BYTES >> 20} MiB: not a recording", line
            )
        if not raw:
            return


def _last_break(data: bytes) -> int:
    """Where ``data`` can be cut after a line break (0: none). A ``\\r`` at the very end may
    be the first half of ``\\r\\n``: not cut there."""
    nl = data.rfind(b"\n")
    if nl >= 0:
        return nl + 1
    cr = data.rfind(b"\r", 0, len(data) - 1)
    return cr + 1 if cr >= 0 else 0


class _NotRegular(OSError):
    """The path is a FIFO, a device, a socket or a folder."""


def _open_regular(path: str, flags: int) -> int:
    """Open without blocking (a FIFO), and only a regular file."""
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(_kind(mode))
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


class StepCounts:
    """The time steps of a recording as distinct values and their counts: their exact median
    in memory that grows with the distinct steps only (a few for a probe's clock written
    to 0.1 ms, at most one per sample for arbitrary times)."""

    def __init__(self) -> None:
        self._values = np.zeros(0)
        self._counts = np.zeros(0, dtype=np.int64)
        self._pending: list[FloatArray] = []
        self._pending_n = 0

    def add(self, steps: FloatArray) -> None:
        if len(steps):
            self._pending.append(np.asarray(steps, dtype=np.float64))
            self._pending_n += len(steps)
            if self._pending_n > max(_MERGE_STEPS, len(self._values)):
                self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        new, new_counts = np.unique(np.concatenate(self._pending), return_counts=True)
        values = np.concatenate([self._values, new])
        counts = np.concatenate([self._counts, new_counts])
        self._values, where = np.unique(values, return_inverse=True)
        self._counts = np.bincount(where, weights=counts, minlength=len(self._values)).astype(
            np.int64
        )
        self._pending, self._pending_n = [], 0

    @property
    def count(self) -> int:
        self._merge()
        return int(self._counts.sum())

    def median(self) -> float:
        """``np.median`` of every step added."""
        self._merge()
        n = int(self._counts.sum())
        if n == 0:
            return float("nan")
        ends = np.cumsum(self._counts)
        upper = float(self._values[int(np.searchsorted(ends, n // 2, side="right"))])
        if n % 2:
            return upper
        lower = float(self._values[int(np.searchsorted(ends, n // 2 - 1, side="right"))])
        return float(np.mean([lower, upper]))

    def rate_hz(self) -> float:
        return float(1.0 / self.median()) if self.count else float("nan")
