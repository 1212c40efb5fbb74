"""A small XDF 1.0 writer for the tests: what LabRecorder would write from an inlet's data.

Chunks: FileHeader (1), StreamHeader (2), Samples (3), ClockOffset (4), StreamFooter (6),
each ``[length bytes][length][tag][content]``; numbers little-endian (the XDF spec).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


@dataclass(frozen=True)
class XdfStream:
    header_xml: str  # the stream's <info> as an LSL inlet gives it (info.as_xml())
    timestamps: Sequence[float]
    values: Sequence[Sequence[float]] | Sequence[Sequence[str]]
    numeric: bool = True  # float32 samples; else string samples


def _varlen(n: int) -> bytes:
    if n < 256:
        return struct.pack("<BB", 1, n)
    if n < 2**32:
        return struct.pack("<BI", 4, n)
    return struct.pack("<BQ", 8, n)


def _chunk(f: BinaryIO, tag: int, content: bytes) -> None:
    f.write(_varlen(len(content) + 2))
    f.write(struct.pack("<H", tag))
    f.write(content)


def _samples(stream_id: int, s: XdfStream) -> bytes:
    out = [struct.pack("<I", stream_id), _varlen(len(s.timestamps))]
    for ts, row in zip(s.timestamps, s.values, strict=True):
        out.append(struct.pack("<Bd", 8, ts))
        if s.numeric:
            out.append(struct.pack(f"<{len(row)}f", *row))
        else:
            for v in row:
                raw = str(v).encode()
                out.append(_varlen(len(raw)) + raw)
    return b"".join(out)


def write_xdf(path: Path, streams: Sequence[XdfStream]) -> None:
    with path.open("wb") as f:
        f.write(b"XDF:")
        _chunk(f, 1, b'<?xml version="1.0"?><info><version>1.0</version></info>')
        for i, s in enumerate(streams, start=1):
            _chunk(f, 2, struct.pack("<I", i) + s.header_xml.encode())
        for i, s in enumerate(streams, start=1):
            if s.timestamps:
                _chunk(f, 3, _samples(i, s))
                # same machine: the clock offset is zero
                _chunk(f, 4, struct.pack("<Idd", i, s.timestamps[-1], 0.0))
        for i, s in enumerate(streams, start=1):
            first = s.timestamps[0] if s.timestamps else 0.0
            last = s.timestamps[-1] if s.timestamps else 0.0
            footer = (
                f'<?xml version="1.0"?><info><first_timestamp>{first!r}</first_timestamp>'
                f"<last_timestamp>{last!r}</last_timestamp>"
                f"<sample_count>{len(s.timestamps)}</sample_count></info>"
            )
            _chunk(f, 6, struct.pack("<I", i) + footer.encode())
