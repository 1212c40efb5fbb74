"""The recording CSV of docs/design.md: read with line-level errors, write as samples arrive.

A header row, then one row a sample: ``t`` (seconds, increasing, gaps allowed) and any of
``squeeze``, ``abdominal``, ``tilt``. Lines starting with ``#`` are comments.

Reading is block by block (:func:`open_recording`), so a recording of any length is read in
bounded memory; a value outside what the probe can send (±327.67, int16 in 0.01 units) is a
corrupt sample: its row is left out and counted, not fed to the detector.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np

from perineo.errors import RecordingError, StoreError
from perineo.paths import open_private, write_file
from perineo.protocol.packet import COUNT_MAX, SCALE
from perineo.samples import CHANNEL_ORDER, Channel, FloatArray, SampleBlock, ordered_channels
from perineo.textfile import StepCounts, file_chunks, open_regular

MIN_RATE_HZ = 25.0
MAX_RATE_HZ = 200.0
# Time steps are floats: a 200 Hz clock written as seconds (with any offset) reads as
# 200.0000000002 Hz, and a probe's crystal is off by tens of ppm. The limits hold within 1 %.
RATE_TOLERANCE = 0.01
# the probe sends int16 counts of 0.01 (-32768 marks a missing sample): beyond this no value
# is physically measured; the margin absorbs 327.67 written with 3 decimals
PROBE_LIMIT = COUNT_MAX * SCALE + 1e-6
_TEXT_CHUNK_LINES = 100_000
# the parsed samples a two-pass reader keeps for its second pass (``read_keeping``): about
# 3 h at 100 Hz with three channels; a longer recording is read from the file again
KEEP_BYTES = 32 << 20
_FORMAT_ROWS = 100_000  # rows formatted at once


@dataclass(frozen=True)
class Recording:
    """A whole recording in memory; ``out_of_range`` samples were left out (the first on
    line ``first_out_of_range_line``)."""

    path: str
    block: SampleBlock
    out_of_range: int = 0
    first_out_of_range_line: int | None = None

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
    return checked_rate(rec.path, rec.sample_rate_hz)


def checked_rate(path: str, rate: float) -> float:
    """``rate`` of the recording at ``path``, or a one-line error if it is out of range."""
    if not rate_in_range(rate):
        raise RecordingError(
            path, f"sample rate {rate:.1f} Hz is outside {MIN_RATE_HZ:g}–{MAX_RATE_HZ:g} Hz"
        )
    return rate


def rate_in_range(rate: float) -> bool:
    """Whether ``rate`` (Hz) lies in 25–200 Hz, with the float tolerance of ``RATE_TOLERANCE``."""
    lo = MIN_RATE_HZ * (1.0 - RATE_TOLERANCE)
    hi = MAX_RATE_HZ * (1.0 + RATE_TOLERANCE)
    return lo <= rate <= hi


def read_recording(path: str | os.PathLike[str]) -> Recording:
    """Read and validate a whole recording CSV; raise :class:`RecordingError` naming the line.

    Memory is the samples' arrays (8 bytes a value), read block by block; for a recording
    of any length use :func:`open_recording` and its blocks instead.
    """
    with open_recording(path) as reader:
        return reader.whole()


def read_keeping(
    path: str | os.PathLike[str], keep_bytes: int | None = None
) -> tuple[RecordingReader, list[SampleBlock] | None]:
    """Read a recording once through, keeping its blocks while their arrays fit in
    ``keep_bytes`` (default ``KEEP_BYTES``): a second pass over them costs no second parse.

    The reader returned describes the whole file (``samples``, ``t_first``, ``t_last``,
    :meth:`~RecordingReader.sample_rate_hz`, ``out_of_range``); the blocks are ``None`` for
    a recording too large to keep, which a second pass reads again (:func:`open_recording`).
    """
    limit = KEEP_BYTES if keep_bytes is None else keep_bytes
    kept: list[SampleBlock] | None = []
    size = 0
    with open_recording(path) as reader:
        for block in reader.blocks():
            if kept is None:
                continue
            size += block.t.nbytes + sum(v.nbytes for v in block.data.values())
            if size > limit:
                kept = None
            else:
                kept.append(block)
    return reader, kept


def parse_recording(text: str, path: str = "<text>") -> Recording:
    """A recording from its text (as :func:`read_recording` reads a file)."""
    lines = text.splitlines()
    chunks = (
        (i + 1, lines[i : i + _TEXT_CHUNK_LINES]) for i in range(0, len(lines), _TEXT_CHUNK_LINES)
    )
    return RecordingReader(path, chunks).whole()


def open_recording(path: str | os.PathLike[str]) -> RecordingReader:
    """Open a recording to read block by block (a context manager); the header is checked
    here, and FIFOs, devices and folders are refused before anything is read."""
    p = Path(path)
    fh = open_regular(p)
    try:
        return RecordingReader(str(p), file_chunks(fh, str(p)), fh)
    except BaseException:
        fh.close()
        raise


class RecordingReader:
    """A recording read block by block, in bounded memory whatever its length.

    ``channels`` is known once it is opened; :meth:`blocks` yields the samples (each block
    validated as it is read: a bad line raises :class:`RecordingError` naming it). A sample
    with a value outside the probe's range is left out and counted (``out_of_range``).
    After the last block, ``samples``, ``t_first``, ``t_last`` and :meth:`sample_rate_hz`
    describe what was read.
    """

    def __init__(
        self,
        path: str,
        chunks: Iterator[tuple[int, list[str]]],
        fh: BinaryIO | None = None,
    ) -> None:
        self.path = path
        self._chunks = chunks
        self._fh = fh
        self._rest: tuple[int, list[str]] | None = None
        self._header_line, self._names = self._header()
        self.channels, self._cols = _columns(self._names, path, self._header_line)
        self.samples = 0
        self.out_of_range = 0
        self.first_out_of_range_line: int | None = None
        self.t_first = float("nan")
        self.t_last = float("nan")
        self._last_t = -np.inf  # of any row, kept or not: time must increase over all
        self._steps = StepCounts()
        self._read = False

    def __enter__(self) -> RecordingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def _header(self) -> tuple[int, list[str]]:
        for first, lines in self._chunks:
            for i, line in enumerate(lines):
                s = line.strip()
                if s and not s.startswith("#"):
                    self._rest = (first + i + 1, lines[i + 1 :])
                    return first + i, [c.strip() for c in s.split(",")]
        raise RecordingError(
            self.path, "is empty: expected a header row 't,squeeze,...' and samples"
        )

    def blocks(self) -> Iterator[SampleBlock]:
        """The samples, a block per piece of the file read (at most a few MB each)."""
        if self._read:
            raise RuntimeError("a recording's blocks can be read once")
        self._read = True
        pending = [self._rest] if self._rest is not None else []
        for first, lines in itertools.chain(pending, self._chunks):
            block = self._parse(first, lines)
            if block is not None and len(block):
                yield block
        self.close()
        if self.samples == 0 and self.out_of_range == 0:
            raise RecordingError(self.path, "has a header but no samples")

    def whole(self) -> Recording:
        """Every sample in one block."""
        blocks = list(self.blocks())
        if not blocks:  # every sample was out of range
            empty = np.zeros(0)
            block = SampleBlock(empty, {c: empty for c in self.channels})
        else:
            block = SampleBlock.concat(blocks) if len(blocks) > 1 else blocks[0]
        return Recording(self.path, block, self.out_of_range, self.first_out_of_range_line)

    def sample_rate_hz(self) -> float:
        """Median sample rate of the samples read (as :func:`sample_rate_hz` of them all)."""
        return self._steps.rate_hz()

    def _parse(self, first: int, lines: list[str]) -> SampleBlock | None:
        ncols = len(self._names)
        arr = _load(lines, ncols)
        if arr is None:
            _locate_bad_line(lines, first, ncols, self.path)
            # every line is sound: numpy does not skip a line of spaces or an indented
            # comment, which are no data rows here either
            arr = _load([ln for ln in lines if _is_data(ln)], ncols)
        if arr is None:  # pragma: no cover
            raise RecordingError(self.path, "cannot be parsed as CSV")
        if arr.size == 0:
            return None
        arr = arr[:, self._cols]
        if not np.isfinite(arr).all():
            row = int(np.flatnonzero(~np.isfinite(arr).all(axis=1))[0])
            col = int(np.flatnonzero(~np.isfinite(arr[row]))[0])
            name = "t" if col == 0 else self.channels[col - 1].value
            line = _data_line_numbers(lines, first)[row]
            raise RecordingError(self.path, f"{name} is not a finite number", line)
        t = arr[:, 0]
        prev = np.concatenate(([self._last_t], t[:-1]))
        if (t <= prev).any():
            row = int(np.flatnonzero(t <= prev)[0])
            line = _data_line_numbers(lines, first)[row]
            raise RecordingError(
                self.path,
                f"time goes backwards or repeats (t={t[row]:g} after {prev[row]:g})",
                line,
            )
        self._last_t = float(t[-1])
        arr = self._in_range(arr, lines, first)
        if len(arr) == 0:
            return None
        t = np.ascontiguousarray(arr[:, 0])
        if self.samples == 0:
            self.t_first = float(t[0])
        else:
            self._steps.add(t[:1] - self.t_last)
        self._steps.add(np.diff(t))
        self.samples += len(t)
        self.t_last = float(t[-1])
        data = {c: np.ascontiguousarray(arr[:, i + 1]) for i, c in enumerate(self.channels)}
        return SampleBlock(t, data)

    def _in_range(self, arr: FloatArray, lines: list[str], first: int) -> FloatArray:
        """``arr`` without the rows holding a value the probe cannot send (counted)."""
        bad = (np.abs(arr[:, 1:]) > PROBE_LIMIT).any(axis=1)
        if not bad.any():
            return arr
        if self.first_out_of_range_line is None:
            row = int(np.flatnonzero(bad)[0])
            self.first_out_of_range_line = _data_line_numbers(lines, first)[row]
        self.out_of_range += int(bad.sum())
        return arr[~bad]


def _columns(names: list[str], path: str, line: int) -> tuple[tuple[Channel, ...], list[int]]:
    """The channels a header names and the columns to read (t first); linear in its width."""
    if "t" not in names:
        shown = ",".join(names[:20]) + (",…" if len(names) > 20 else "")
        raise RecordingError(path, f"header has no 't' column (found: {shown})", line)
    if Channel.SQUEEZE.value not in names:
        raise RecordingError(path, "header has no 'squeeze' column", line)
    seen: set[str] = set()
    dupes: set[str] = set()
    for n in names:
        (dupes if n in seen else seen).add(n)
    if dupes:
        raise RecordingError(path, f"header repeats column {min(dupes)!r}", line)
    known = {c.value for c in CHANNEL_ORDER}
    chans = ordered_channels(n for n in names if n in known)
    index = {n: i for i, n in enumerate(names)}
    return chans, [index["t"]] + [index[c.value] for c in chans]


def _load(lines: list[str], ncols: int) -> FloatArray | None:
    """The rows of ``lines`` as a float matrix of ``ncols`` columns (None: not that)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data": a comment chunk
            arr = np.loadtxt(lines, delimiter=",", comments="#", ndmin=2, dtype=np.float64)
    except ValueError:
        return None
    return None if arr.size and arr.shape[1] != ncols else arr


def _is_data(line: str) -> bool:
    """Not blank, not a comment (``#``, after any spaces)."""
    s = line.strip()
    return bool(s) and not s.startswith("#")


def _data_line_numbers(lines: list[str], first: int) -> list[int]:
    """The line number of each data row among ``lines`` (the first is line ``first``)."""
    return [first + i for i, line in enumerate(lines) if _is_data(line)]


def _locate_bad_line(lines: list[str], first: int, ncols: int, path: str) -> None:
    """Slow path for a broken piece: find the first bad line and raise for it."""
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        cells = [c.strip() for c in s.split(",")]
        if len(cells) != ncols:
            raise RecordingError(path, f"expected {ncols} cells, found {len(cells)}", first + i)
        for cell in cells:
            if cell == "":
                raise RecordingError(path, "empty cell", first + i)
            try:
                float(cell)
            except ValueError:
                raise RecordingError(path, f"non-numeric cell {cell[:20]!r}", first + i) from None


def format_rows(block: SampleBlock, channels: tuple[Channel, ...]) -> str:
    """CSV rows (no header) for a block, vectorised, a piece at a time (a day's recording
    as one piece held several GB of intermediate strings)."""
    if len(block) == 0:
        return ""
    step = _FORMAT_ROWS
    return "".join(_rows(block.slice(i, i + step), channels) for i in range(0, len(block), step))


def _rows(block: SampleBlock, channels: tuple[Channel, ...]) -> str:
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
