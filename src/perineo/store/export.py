"""Export a stored session: the recording CSV, one JSON document, or EDF+ with annotations.

EDF needs a constant sample rate: the recording is interpolated onto a uniform grid at its
(rounded) median rate, and every gap becomes one ``gap`` annotation. Times are the
recording's clock, whose zero is the session's start (``started_at``): EDF's start time is
that moment plus the first sample's time.

Repetitions are numbered as the screen numbered them (docs/design.md, "Numbering"): a
training repetition by its set and its number within the set, both from 1; the maximal
squeezes of the calibration as calibration attempts, never as repetitions.

What a kind of session adds of its own (an assessment: its steps and contractions, from
``perineo.assess.export``) comes as :class:`Extra`: more JSON, more annotations, labelled and
timed as the repetitions are (:func:`span`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
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
from perineo.store.sessions import RepRecord, TrainingRecord

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


@dataclass(frozen=True)
class Extra:
    """What a session of another kind adds to its export: top-level JSON keys and EDF+
    annotations (times on the recording's clock; :func:`export_session` moves them to the
    file's start)."""

    json: dict[str, object]
    spans: tuple[tuple[float, float | None, str], ...]  # (onset, end or None, text)


def span(onset_s: float, end_s: float | None, text: str, t0: float) -> Annotation:
    """An annotation from ``onset_s`` to ``end_s`` (recording clock), seconds from ``t0``;
    never before the file's start, never a negative duration."""
    lasted = None if end_s is None else max(0.0, end_s - onset_s)
    return Annotation(max(0.0, onset_s - t0), text, lasted)


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    EDF = "edf"


@dataclass(frozen=True)
class RepNumber:
    """How a stored repetition is numbered: a training repetition or a calibration attempt."""

    calibration: bool
    number: int  # from 1: the n-th training repetition, or the n-th calibration attempt
    set_no: int | None = None  # training repetitions: the set, from 1
    rep_in_set: int | None = None  # ... and the repetition within it, from 1

    def label(self) -> str:
        if self.calibration:
            return f"calibration squeeze {self.number}"
        if self.set_no is None:
            return f"rep {self.number} (not scored)"
        return f"set {self.set_no} rep {self.rep_in_set}"

    def to_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "set": self.set_no,
            "rep_in_set": self.rep_in_set,
            "calibration": self.calibration,
        }


def rep_numbers(reps: list[RepRecord], repetition_onsets: dict[int, float]) -> dict[int, RepNumber]:
    """Number a session's repetitions (detector index → number) as the screen did.

    ``repetition_onsets`` are the onsets of every repetition the detector found (the
    session's ``repetition`` events). Those before the first stored repetition that were
    never scored are the calibration's squeezes; the stored ones are numbered by their set
    and their place in it, and any left unscored (found again after a crash) after them.
    """
    stored = sorted(reps, key=lambda r: r.rep.index)
    first = min((r.rep.onset_s for r in stored), default=None)
    out: dict[int, RepNumber] = {}
    kept = {r.rep.index for r in stored}
    cal = 0
    for idx, onset in sorted(repetition_onsets.items(), key=lambda kv: kv[1]):
        if idx not in kept and (first is None or onset < first):
            cal += 1
            out[idx] = RepNumber(True, cal)
    in_set: dict[int, int] = {}
    for n, r in enumerate(stored, start=1):
        if r.score is None:
            out[r.rep.index] = RepNumber(False, n)
            continue
        in_set[r.score.set_no] = in_set.get(r.score.set_no, 0) + 1
        out[r.rep.index] = RepNumber(False, n, r.score.set_no, in_set[r.score.set_no])
    return out


def session_numbers(rec: TrainingRecord, session_id: int) -> dict[int, RepNumber]:
    found = repetition_onsets(rec.events(session_id))
    return rep_numbers(rec.reps(session_id), found)


def repetition_onsets(events: list[Event]) -> dict[int, float]:
    """The onset of every repetition the session's detector found (calibration's too)."""
    onsets = _onsets(events)
    return {e.rep: onsets.get(e.rep, e.t) for e in events if e.kind is EventKind.REPETITION}


def _onsets(events: list[Event]) -> dict[int, float]:
    """Each repetition's onset: its stored repetition's, else its last ``onset`` event's."""
    out = {e.rep: e.t for e in events if e.kind is EventKind.ONSET}
    out |= {
        e.rep: e.repetition.onset_s
        for e in events
        if e.kind is EventKind.REPETITION and e.repetition is not None
    }
    return out


def session_json(rec: TrainingRecord, session_id: int) -> dict[str, object]:
    """Everything stored about a session, as one JSON-able document."""
    info = rec.session(session_id)
    cal = None if info.calibration_id is None else rec.calibration(info.calibration_id)
    numbers = session_numbers(rec, session_id)
    reps = []
    for r in rec.reps(session_id):
        doc = r.rep.to_json()
        if r.score is not None:
            doc |= r.score.to_json()
        doc |= numbers[r.rep.index].to_json()
        reps.append(doc)
    events = []
    for e in rec.events(session_id):
        doc = _event_json(e)
        number = numbers.get(e.rep)
        if number is not None and e.kind is EventKind.REPETITION:
            doc["label"] = number.label()
        events.append(doc)
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
    """The session's events (and each repetition's verdict) as EDF+ annotations.

    Onsets are seconds from ``t0`` (the file's first sample); a repetition is labelled by
    its set and number in the set, a calibration squeeze as such; durations are never
    negative.
    """
    scores = {r.rep.index: r.score for r in rec.reps(session_id)}
    numbers = session_numbers(rec, session_id)
    events = rec.events(session_id)
    onsets = _onsets(events)
    # where a squeeze stored without its repetition (a calibration squeeze) ended: its last
    # ``rest`` event, the end of its fall
    ends = {e.rep: e.t for e in events if e.kind is EventKind.REST}
    out = []
    for e in events:
        text = e.kind.value
        if e.kind is EventKind.ERROR and e.error is not None:
            text = f"error {e.error.value}"
        elif e.kind is EventKind.GAP:
            continue  # one annotation per gap: added from the samples (export_session)
        elif e.kind is EventKind.REPETITION:
            number = numbers.get(e.rep)
            # none: a squeeze the session saw and did not count (made while paused, or
            # under way when it ended)
            text = "squeeze not counted" if number is None else number.label()
            rep = e.repetition
            if rep is not None:
                s = scores.get(e.rep)
                if s is not None:
                    reasons = " ".join(r.value for r in s.reasons)
                    text += f" {s.verdict.value} {s.score}" + (f" {reasons}" if reasons else "")
                out.append(span(rep.onset_s, rep.end_s, text, t0))
                continue
            # a calibration squeeze: from its onset to the end of its fall (the event itself
            # is stamped with the onset, as the detector stamps every repetition)
            out.append(span(onsets.get(e.rep, e.t), ends.get(e.rep), text, t0))
            continue
        out.append(Annotation(max(0.0, e.t - t0), text))
    return out


def gap_annotations(
    rec: TrainingRecord, session_id: int, sample_gaps: list[tuple[float, float]], t0: float
) -> list[Annotation]:
    """One ``gap`` annotation per hole: the holes in the samples, and those the source
    reported that do not show in them, merged where they overlap."""
    spans = list(sample_gaps)
    for e in rec.events(session_id):
        if e.kind is EventKind.GAP:
            spans.append((e.t, e.t if e.value is None else max(e.t, e.value)))
    merged: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + 1e-6:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return [Annotation(max(0.0, a - t0), "gap", max(0.0, b - a)) for a, b in merged]


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
    extra: Extra | None = None,
) -> str | None:
    """Export to ``out``; with ``out=None`` CSV and JSON are returned as text instead.

    The file is written whole (a temporary name, renamed); an existing one is replaced only
    with ``overwrite``, and never the session's own recording. ``extra``: what the session's
    kind adds (an assessment's steps and contractions).
    """
    inputs = _inputs(rec, session_id)
    if out is not None:
        check_output(out, overwrite=overwrite, inputs=inputs)
    if fmt is ExportFormat.JSON:
        doc = session_json(rec, session_id) | ({} if extra is None else extra.json)
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
    notes += gap_annotations(rec, session_id, gaps, t0)
    if extra is not None:
        notes += [span(a, b, text, t0) for a, b, text in extra.spans]
    info = rec.session(session_id)
    write_edf_plus(
        out,
        signals,
        notes,
        (info.started_at + timedelta(seconds=t0)).astimezone(),
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
