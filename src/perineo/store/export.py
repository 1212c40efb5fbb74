"""Export a stored session: the recording CSV, one JSON document, or EDF+ with annotations.

EDF needs a constant sample rate: the recording is interpolated onto a uniform grid at its
(rounded) median rate, and every gap in the samples becomes a ``gap`` annotation.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import numpy as np

from perineo import strict_json
from perineo.errors import InputError, StoreError
from perineo.paths import check_output, write_file
from perineo.recording import Recording, format_rows, read_recording, sample_rate_hz
from perineo.samples import Channel, SampleBlock
from perineo.signal.events import Event, EventKind
from perineo.store.edf import Annotation, EdfSignal, write_edf_plus
from perineo.store.sessions import TrainingRecord

SCHEMA = "perineo.session/1"
UNITS: dict[Channel, str] = {
    Channel.SQUEEZE: "cmH2O",
    Channel.ABDOMINAL: "cmH2O",
    Channel.TILT: "deg",
}
TRANSDUCERS: dict[Channel, str] = {
    Channel.SQUEEZE: "probe balloon at the levator",
    Channel.ABDOMINAL: "probe tip pressure (abdominal)",
    Channel.TILT: "probe pitch, + = up and in",
}
GAP_FACTOR = 2.5  # a step this many sample periods long is a gap
# EDF+C is continuous: gaps are filled by interpolation. Up to this much in all; a recording
# whose clock jumps further (10^12 s) is refused instead of filling memory with the jump.
MAX_GAP_FILL_S = 6 * 3600.0


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    EDF = "edf"


def session_json(rec: TrainingRecord, session_id: int) -> dict[str, object]:
    """Everything stored about a session, as one JSON-able document."""
    info = rec.session(session_id)
    cal = None if info.calibration_id is None else rec.calibration(info.calibration_id)
    reps = []
    for r in rec.reps(session_id):
        doc = r.rep.to_json()
        if r.score is not None:
            doc |= r.score.to_json()
        reps.append(doc)
    events = [_event_json(e) for e in rec.events(session_id)]
    symptoms = [
        {"day": s.day.isoformat(), "leakage": s.leakage.value, "note": s.note}
        for s in rec.symptoms()
        if s.day == info.day
    ]
    return {
        "schema": SCHEMA,
        "session": info.to_json(),
        "program": rec.program_data(session_id),
        "calibration": None if cal is None else cal.to_json(),
        "reps": reps,
        "events": events,
        "summary": info.summary,
        "symptoms": symptoms,
    }


def _event_json(e: Event) -> dict[str, object]:
    return {
        "kind": e.kind.value,
        "t": round(e.t, 4),
        "detected_s": round(e.detected_s, 4),
        "rep": e.rep,
        "error": None if e.error is None else e.error.value,
        "value": e.value,
    }


def session_recording(rec: TrainingRecord, session_id: int) -> Recording:
    info = rec.session(session_id)
    if info.recording is None:
        raise StoreError(f"session {session_id} has no recording file")
    if not info.recording.exists():
        raise StoreError(f"session {session_id}: its recording {info.recording} is missing")
    return read_recording(info.recording)


def event_annotations(rec: TrainingRecord, session_id: int, t0: float) -> list[Annotation]:
    """The session's events (and each repetition's verdict) as EDF+ annotations."""
    scores = {r.rep.index: r.score for r in rec.reps(session_id)}
    out = []
    for e in rec.events(session_id):
        text = e.kind.value
        duration = None
        if e.kind is EventKind.ERROR and e.error is not None:
            text = f"error {e.error.value}"
        elif e.kind is EventKind.GAP and e.value is not None:
            duration = max(0.0, e.value - e.t)
        elif e.kind is EventKind.REPETITION:
            text = f"repetition {e.rep}"
            rep = e.repetition
            if rep is not None:
                if rep.end_s is not None:
                    duration = rep.end_s - rep.onset_s
                onset = rep.onset_s
                s = scores.get(e.rep)
                if s is not None:
                    reasons = " ".join(r.value for r in s.reasons)
                    text += f" {s.verdict.value} {s.score}" + (f" {reasons}" if reasons else "")
                out.append(Annotation(onset - t0, text, duration))
                continue
        out.append(Annotation(e.t - t0, text, duration))
    return out


def uniform(block: SampleBlock) -> tuple[SampleBlock, float, list[tuple[float, float]]]:
    """``block`` on a uniform grid at its rounded median rate, and the gaps it had."""
    rate = float(round(sample_rate_hz(block.t)))
    if not np.isfinite(rate) or rate <= 0:
        raise InputError("recording has too few samples to export as EDF")
    t = block.t
    steps = np.diff(t)
    gaps = [(float(t[i]), float(t[i + 1])) for i in np.flatnonzero(steps > GAP_FACTOR / rate)]
    filled = sum(b - a for a, b in gaps)
    if filled > MAX_GAP_FILL_S:
        raise InputError(
            f"the recording's gaps add up to {filled:.0f} s; EDF is continuous and perineo "
            f"fills at most {MAX_GAP_FILL_S / 3600:g} h of gaps: export it as csv or json"
        )
    n = int(np.floor((t[-1] - t[0]) * rate + 1e-9)) + 1
    grid = t[0] + np.arange(n) / rate
    data = {c: np.interp(grid, t, v) for c, v in block.data.items()}
    return SampleBlock(grid, data), rate, gaps


def export_session(
    rec: TrainingRecord,
    session_id: int,
    fmt: ExportFormat,
    out: Path | None,
    *,
    overwrite: bool = False,
) -> str | None:
    """Export to ``out``; with ``out=None`` CSV and JSON are returned as text instead.

    The file is written whole (a temporary name, renamed); an existing one is replaced only
    with ``overwrite``, and never the session's own recording.
    """
    inputs = _inputs(rec, session_id)
    if out is not None:
        check_output(out, overwrite=overwrite, inputs=inputs)
    if fmt is ExportFormat.JSON:
        doc = session_json(rec, session_id)
        text = strict_json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        return _emit(text, out, overwrite, inputs)
    recording = session_recording(rec, session_id)
    if fmt is ExportFormat.CSV:
        block = recording.block
        header = "t," + ",".join(c.value for c in block.channels) + "\n"
        return _emit(header + format_rows(block, block.channels), out, overwrite, inputs)
    if out is None:
        raise InputError("EDF is binary: give a file with --out")
    block, rate, gaps = uniform(recording.block)
    t0 = float(block.t[0])
    signals = [
        EdfSignal(c.value, UNITS[c], block.data[c], rate, TRANSDUCERS[c]) for c in block.channels
    ]
    notes = event_annotations(rec, session_id, t0)
    notes += [Annotation(a - t0, "gap (interpolated)", b - a) for a, b in gaps]
    info = rec.session(session_id)
    write_edf_plus(
        out,
        signals,
        notes,
        info.started_at.astimezone(),
        overwrite=overwrite,
        recording_label=f"perineo-session-{session_id}",
        inputs=inputs,
    )
    return None


def _inputs(rec: TrainingRecord, session_id: int) -> tuple[Path, ...]:
    recording = rec.session(session_id).recording
    return () if recording is None else (recording,)


def _emit(text: str, out: Path | None, overwrite: bool, inputs: tuple[Path, ...]) -> str | None:
    if out is None:
        return text
    write_file(out, text, overwrite=overwrite, inputs=inputs)
    return None
