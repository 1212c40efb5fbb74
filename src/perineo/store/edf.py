"""A small EDF+ (continuous, ``EDF+C``) writer: signals plus an annotation channel.

Standard library and numpy only. Follows the EDF/EDF+ specifications (Kemp et al. 1992,
2003): a 256-byte header, 256 bytes per signal, then data records of 16-bit little-endian
samples; annotations as time-stamped annotation lists (TALs) in an ``EDF Annotations``
signal, each record starting with its own time-keeping TAL.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from perineo.errors import StoreError
from perineo.paths import write_file
from perineo.samples import FloatArray

DIG_MIN, DIG_MAX = -32768, 32767
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True)
class EdfSignal:
    label: str  # up to 16 ASCII characters
    unit: str  # up to 8
    data: FloatArray  # uniformly sampled
    sample_rate_hz: float
    transducer: str = ""


@dataclass(frozen=True)
class Annotation:
    onset_s: float  # from the start of the file
    text: str
    duration_s: float | None = None


def _field(value: str, width: int) -> bytes:
    raw = value.encode("ascii", "replace")
    if len(raw) > width:
        raise StoreError(f"EDF header field {value!r} is longer than {width} characters")
    return raw.ljust(width, b" ")


def _num(x: float) -> str:
    """A number in at most 8 characters (EDF header numbers are 8-character ASCII)."""
    for digits in range(6, -1, -1):
        s = f"{x:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:.0f}"
        if len(s) <= 8:
            return s if s != "-0" else "0"
    raise StoreError(f"value {x} does not fit an EDF header field")


def _physical_range(data: FloatArray) -> tuple[float, float]:
    lo = float(np.min(data)) if len(data) else 0.0
    hi = float(np.max(data)) if len(data) else 1.0
    if hi - lo < 1e-6:
        lo, hi = lo - 1.0, hi + 1.0
    pad = 0.01 * (hi - lo)  # header numbers are rounded: keep every sample inside
    lo_s, hi_s = _num(math.floor((lo - pad) * 100) / 100), _num(math.ceil((hi + pad) * 100) / 100)
    return float(lo_s), float(hi_s)


def _tal(onset: float, text: str = "", duration: float | None = None) -> bytes:
    clean = text.replace("\x14", " ").replace("\x15", " ").replace("\x00", " ")
    head = f"{onset:+.4f}".rstrip("0").rstrip(".")
    if duration is not None:
        head += "\x15" + f"{duration:.4f}".rstrip("0").rstrip(".")
    return (head + "\x14").encode() + clean.encode("utf-8") + b"\x14\x00"


def write_edf_plus(
    path: str | os.PathLike[str],
    signals: Sequence[EdfSignal],
    annotations: Sequence[Annotation],
    start: datetime,
    *,
    record_s: float = 1.0,
    recording_label: str = "perineo",
    overwrite: bool = False,
    inputs: tuple[str | os.PathLike[str], ...] = (),
) -> None:
    """Write ``signals`` and ``annotations`` as an EDF+C file at ``path`` (whole, 0600).

    An existing file is replaced only with ``overwrite``, never when it is one of ``inputs``.
    """
    if not signals:
        raise StoreError("EDF export needs at least one signal")
    spr: list[int] = []
    for s in signals:
        n = s.sample_rate_hz * record_s
        if abs(n - round(n)) > 1e-6 or round(n) < 1:
            raise StoreError(f"signal {s.label}: {s.sample_rate_hz} Hz × {record_s} s is not whole")
        spr.append(round(n))
    n_records = max(1, max(math.ceil(len(s.data) / k) for s, k in zip(signals, spr, strict=True)))

    # annotations, each in the record its onset falls in; every record starts with a time TAL
    per_record: list[list[bytes]] = [[_tal(i * record_s)] for i in range(n_records)]
    for a in sorted(annotations, key=lambda a: a.onset_s):
        i = min(n_records - 1, max(0, int(a.onset_s // record_s)))
        per_record[i].append(_tal(a.onset_s, a.text, a.duration_s))
    ann_bytes = max(sum(len(t) for t in tals) for tals in per_record)
    ann_spr = max(8, math.ceil(ann_bytes / 2))

    ranges = [_physical_range(s.data) for s in signals]
    ns = len(signals) + 1
    labels = [s.label for s in signals] + ["EDF Annotations"]
    units = [s.unit for s in signals] + [""]
    transducers = [s.transducer for s in signals] + [""]
    pmins = [_num(lo) for lo, _ in ranges] + ["-1"]
    pmaxs = [_num(hi) for _, hi in ranges] + ["1"]
    counts = [*spr, ann_spr]

    month = _MONTHS[start.month - 1]
    header = b"".join(
        [
            _field("0", 8),
            _field("X X X X", 80),  # EDF+ patient: code, sex, birthdate, name — not recorded
            _field(f"Startdate {start.day:02d}-{month}-{start.year} X X {recording_label}", 80),
            _field(start.strftime("%d.%m.%y"), 8),
            _field(start.strftime("%H.%M.%S"), 8),
            _field(str(256 * (ns + 1)), 8),
            _field("EDF+C", 44),
            _field(str(n_records), 8),
            _field(_num(record_s), 8),
            _field(str(ns), 4),
            *[_field(x, 16) for x in labels],
            *[_field(x, 80) for x in transducers],
            *[_field(x, 8) for x in units],
            *[_field(x, 8) for x in pmins],
            *[_field(x, 8) for x in pmaxs],
            *[_field(str(DIG_MIN), 8) for _ in range(ns)],
            *[_field(str(DIG_MAX), 8) for _ in range(ns)],
            *[_field("", 80) for _ in range(ns)],
            *[_field(str(c), 8) for c in counts],
            *[_field("", 32) for _ in range(ns)],
        ]
    )
    assert len(header) == 256 * (ns + 1)

    digital = []
    for s, k, (lo, hi) in zip(signals, spr, ranges, strict=True):
        x = np.asarray(s.data, dtype=np.float64)
        need = n_records * k
        if len(x) < need:  # pad the last record with the last value
            x = np.concatenate([x, np.full(need - len(x), x[-1] if len(x) else 0.0)])
        d = np.round((x - lo) / (hi - lo) * (DIG_MAX - DIG_MIN) + DIG_MIN)
        digital.append(np.clip(d, DIG_MIN, DIG_MAX).astype("<i2").reshape(n_records, k))
    ann = np.zeros((n_records, ann_spr * 2), dtype=np.uint8)
    for i, tals in enumerate(per_record):
        b = b"".join(tals)
        ann[i, : len(b)] = np.frombuffer(b, dtype=np.uint8)
    body = np.concatenate(
        [d.view(np.uint8).reshape(n_records, -1) for d in digital] + [ann], axis=1
    )
    write_file(path, header + body.tobytes(), overwrite=overwrite, inputs=inputs)
