"""The recording CSV of docs/design.md: read with line-level errors, write as samples arrive.

A header row, then one row a sample: ``t`` (seconds, increasing, gaps allowed) and any of
``squeeze``, ``abdominal``, ``tilt``. Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from perineo.errors import RecordingError, StoreError
from perineo.samples import CHANNEL_ORDER, Channel, FloatArray, SampleBlock, ordered_channels
from perineo.store.paths import open_private, write_file

MIN_RATE_HZ = 25.0
MAX_RATE_HZ = 200.0
# Time steps are floats: a 200 Hz clock written as seconds (with any offset) reads as
# 200.0000000002 Hz, and a probe's crystal is off by tens of ppm. The limits hold within 1 %.
RATE_TOLERANCE = 0.01
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Recording:
    """A whole recording in memory."""

    path: str
    block: SampleBlock

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.block.channels

    @property
    def t(self) -> FloatArray:
        return self.block.t

    @property
    def sample_rate_hz(self) -> float:
        return sample_rate_hz(self.block.t)


def sample_rate_hz(t: FloatArray) -> float:
    """Median sample rate of a time column (gaps do not bias a median)."""
    if len(t) < 2:
        return float("nan")
    return float(1.0 / np.median(np.diff(t)))


def check_rate(rec: Recording) -> float:
    """Return the recording's rate, or raise if it is outside 25–200 Hz (within 1 %)."""
    rate = rec.sample_rate_hz
    if not rate_in_range(rate):
        raise RecordingError(
            rec.path,
            f"sample rate {rate:.1f} Hz is outside {MIN_RATE_HZ:g}–{MAX_RATE_HZ:g} Hz",
        )
    return rate


def rate_in_range(rate: float) -> bool:
    """Whether ``rate`` (Hz) lies in 25–200 Hz, with the float tolerance of ``RATE_TOLERANCE``."""
    lo = MIN_RATE_HZ * (1.0 - RATE_TOLERANCE)
    hi = MAX_RATE_HZ * (1.0 + RATE_TOLERANCE)
    return lo <= rate <= hi


def read_recording(path: str | os.PathLike[str]) -> Recording:
    """Read and validate a recording CSV; raise :class:`RecordingError` naming the line."""
    p = Path(path)
    try:
        # a FIFO would block and a device (/dev/zero) never end: refused before any read
        with open(p, "rb", opener=_open_regular) as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise RecordingError(p, "no such file") from None
    except IsADirectoryError:
        raise RecordingError(p, "is a folder, not a recording file") from None
    except _NotRegular as exc:
        raise RecordingError(p, f"is {exc.args[0]}, not a recording file") from None
    except OSError as exc:
        raise RecordingError(p, f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw[:_SNIFF_BYTES]:
        raise RecordingError(p, "is a binary file, not a CSV recording")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RecordingError(p, "is not UTF-8 text (binary data?)", line) from None
    return parse_recording(text, str(p))


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


def _header(lines: list[str], path: str) -> tuple[int, list[str]]:
    for i, line in enumerate(lines):
        s = line.strip()
        if s and not s.startswith("#"):
            return i, [c.strip() for c in s.split(",")]
    raise RecordingError(path, "is empty: expected a header row 't,squeeze,...' and samples")


def parse_recording(text: str, path: str = "<text>") -> Recording:
    lines = text.splitlines()
    hi, names = _header(lines, path)
    hline = hi + 1
    if "t" not in names:
        raise RecordingError(path, f"header has no 't' column (found: {','.join(names)})", hline)
    if Channel.SQUEEZE.value not in names:
        raise RecordingError(path, "header has no 'squeeze' column", hline)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise RecordingError(path, f"header repeats column {dupes[0]!r}", hline)
    known = {c.value for c in CHANNEL_ORDER}
    chans = ordered_channels(n for n in names if n in known)
    cols = [names.index("t")] + [names.index(c.value) for c in chans]
    body = "\n".join(lines[hi + 1 :])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data": reported below
            arr = np.loadtxt(
                io.StringIO(body), delimiter=",", comments="#", ndmin=2, dtype=np.float64
            )
    except ValueError:
        arr = None
    if arr is None or (arr.size and arr.shape[1] != len(names)):
        _locate_bad_line(lines, hi, len(names), path)
        raise RecordingError(path, "cannot be parsed as CSV")  # pragma: no cover - defensive
    if arr.size == 0:
        raise RecordingError(path, "has a header but no samples")
    arr = arr[:, cols]
    data_lines = _data_line_numbers(lines, hi) if not np.isfinite(arr).all() else None
    if data_lines is not None:
        row = int(np.flatnonzero(~np.isfinite(arr).all(axis=1))[0])
        col = int(np.flatnonzero(~np.isfinite(arr[row]))[0])
        name = "t" if col == 0 else chans[col - 1].value
        raise RecordingError(path, f"{name} is not a finite number", data_lines[row])
    t = np.ascontiguousarray(arr[:, 0])
    dt = np.diff(t)
    if (dt <= 0).any():
        row = int(np.flatnonzero(dt <= 0)[0]) + 1
        line = _data_line_numbers(lines, hi)[row]
        raise RecordingError(
            path, f"time goes backwards or repeats (t={t[row]:g} after {t[row - 1]:g})", line
        )
    data = {c: np.ascontiguousarray(arr[:, i + 1]) for i, c in enumerate(chans)}
    return Recording(path, SampleBlock(t, data))


def _data_line_numbers(lines: list[str], hi: int) -> list[int]:
    return [
        i + 1
        for i in range(hi + 1, len(lines))
        if lines[i].strip() and not lines[i].lstrip().startswith("#")
    ]


def _locate_bad_line(lines: list[str], hi: int, ncols: int, path: str) -> None:
    """Slow path for a broken file: find the first bad line and raise for it."""
    for i in range(hi + 1, len(lines)):
        s = lines[i].strip()
        if not s or s.startswith("#"):
            continue
        cells = [c.strip() for c in s.split(",")]
        if len(cells) != ncols:
            raise RecordingError(path, f"expected {ncols} cells, found {len(cells)}", i + 1)
        for cell in cells:
            if cell == "":
                raise RecordingError(path, "empty cell", i + 1)
            try:
                float(cell)
            except ValueError:
                raise RecordingError(path, f"non-numeric cell {cell[:20]!r}", i + 1) from None


def format_rows(block: SampleBlock, channels: tuple[Channel, ...]) -> str:
    """CSV rows (no header) for a block, vectorised."""
    if len(block) == 0:
        return ""
    cols = [np.char.mod("%.4f", block.t)]
    cols += [np.char.mod("%.3f", block.data[c]) for c in channels]
    rows = cols[0]
    for c in cols[1:]:
        rows = np.char.add(np.char.add(rows, ","), c)
    return "\n".join(rows.tolist()) + "\n"


class RecordingWriter:
    """Appends samples to a recording CSV as they arrive, flushed at least every second.

    The file is created 0600 and never overwrites an existing file unless ``overwrite``.
    A failed write (disk full) raises :class:`StoreError` and sets ``failed``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        channels: tuple[Channel, ...],
        *,
        overwrite: bool = False,
        flush_interval_s: float = 1.0,
    ) -> None:
        self.path = Path(path)
        self.channels = ordered_channels(channels)
        self.flush_interval_s = flush_interval_s
        self.samples_written = 0
        self.failed = False  # a write or flush failed (disk full): the file may end in a cut row
        self._last_flush = time.monotonic()
        try:
            self._fh: TextIO | None = open_private(self.path, "w", exclusive=not overwrite)
        except FileExistsError:
            raise RecordingError(self.path, "already exists (not overwritten)") from None
        except OSError as exc:
            raise RecordingError(self.path, f"cannot write: {exc.strerror or exc}") from None
        self._write("t," + ",".join(c.value for c in self.channels) + "\n")
        self.flush()

    def _write(self, text: str) -> None:
        if self._fh is None:
            raise StoreError(f"{self.path}: recording already closed")
        try:
            self._fh.write(text)
        except OSError as exc:
            self.failed = True
            raise StoreError(f"{self.path}: cannot write: {exc.strerror or exc}") from None

    def write(self, block: SampleBlock) -> None:
        self._write(format_rows(block, self.channels))
        self.samples_written += len(block)
        if time.monotonic() - self._last_flush >= self.flush_interval_s:
            self.flush()

    def flush(self) -> None:
        if self._fh is None:
            return
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            self.failed = True
            raise StoreError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        self._last_flush = time.monotonic()

    def close(self) -> None:
        """Flush and close; the file is closed even when the last flush fails (disk full)."""
        fh = self._fh
        if fh is None:
            return
        try:
            self.flush()
        finally:
            self._fh = None
            with contextlib.suppress(OSError):  # the flush above raised for the same write
                fh.close()

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_recording(
    path: str | os.PathLike[str],
    block: SampleBlock,
    *,
    overwrite: bool = False,
    inputs: tuple[str | os.PathLike[str], ...] = (),
) -> None:
    """Write a whole block as a recording CSV: whole (a temporary name, renamed), 0600.

    An existing file is replaced only with ``overwrite``, never when it is one of ``inputs``.
    """
    channels = ordered_channels(block.channels)
    header = "t," + ",".join(c.value for c in channels) + "\n"
    write_file(path, header + format_rows(block, channels), overwrite=overwrite, inputs=inputs)
