"""A recording read for its report: block by block, in bounded memory whatever its length.

The recording is read twice with the reader ``perineo analyze`` uses
(:func:`perineo.recording.open_recording`): the first reading finds the sample rate (the
exact median time step, which putting samples back on the probe's clock needs), the second
feeds the live detector (:class:`perineo.signal.analysis.Feed`, the same 10-s pieces as a
whole recording) and keeps the last ``MAX_SAMPLES`` samples. A value outside the probe's
range is a corrupt sample: its row is left out and counted, as ``analyze`` does.

PERFECT is measured on the samples themselves (:func:`perineo.assess.scheme.perfect` takes them
all at once). A recording that holds at most ``MAX_SAMPLES`` is measured whole, as before.
A longer one is measured from ``REST_LEAD_S`` before its first step after the rest (an
assessment ends the recording: its steps are found from the contractions); if even that
holds more than was kept, the report is refused in one line rather than memory exhausted.

What the reading says about the recording (samples left out, a recording too long or too
large to measure) is said in the report's language (``report.reading.*`` in the catalogues).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace

import numpy as np

from perineo.assess import Step, StepSpan
from perineo.assess.steps import infer_steps, is_assessment
from perineo.errors import RecordingError
from perineo.locale import Lang, say
from perineo.protocol.packet import COUNT_MAX, SCALE
from perineo.recording import checked_rate, open_recording
from perineo.samples import Channel, SampleBlock
from perineo.signal.analysis import Feed
from perineo.signal.events import Repetition

# Samples held for PERFECT's measures: 32 bytes each (time and three channels) and some
# 100 more while they are measured; 2^20 is 5.8 h at 50 Hz, 1.5 h at 200 Hz.
MAX_SAMPLES = 1 << 20
# A longer recording is measured from this long before its first contraction: the resting
# level is the last 15 s of the rest, and its running medians reach 12 s.
REST_LEAD_S = 60.0


@dataclass(frozen=True)
class ReportReading:
    """What the report is made from: the samples measured, the detector's repetitions
    among them and the steps (PERFECT's, or the rest alone where there are none)."""

    path: str
    block: SampleBlock
    reps: tuple[Repetition, ...]
    steps: tuple[StepSpan, ...]
    samples: int  # in the whole recording, corrupt ones left out
    out_of_range: int = 0
    first_out_of_range_line: int | None = None
    left_out: int = 0  # samples before ``block``, read but not measured

    @property
    def measured_from_s(self) -> float | None:
        """The time of the first sample measured (the first of the file, unless left out)."""
        return float(self.block.t[0]) if len(self.block) else None

    def warnings(self, lang: Lang | str = Lang.EN) -> tuple[str, ...]:
        """One line for each way the report is not made of every row of the file."""
        out = []
        if self.out_of_range:
            line = self.first_out_of_range_line
            out.append(out_of_range_warning(self.path, self.out_of_range, line, lang))
        if self.left_out:
            t, lead, n = float(self.block.t[0]), REST_LEAD_S, self.left_out
            key = "report.reading.measured_from"
            out.append(say(lang, key, path=self.path, t=t, lead=lead, n=n))
        return tuple(out)


def out_of_range_warning(
    path: str, count: int, first_line: int | None, lang: Lang | str = Lang.EN
) -> str:
    """The one line that says samples were left out for values the probe cannot send (the
    report's and ``perineo analyze``'s)."""
    where = "" if first_line is None else say(lang, "report.reading.first_on_line", line=first_line)
    key = "report.reading.out_of_range_one" if count == 1 else "report.reading.out_of_range"
    return say(lang, key, path=path, count=count, range=COUNT_MAX * SCALE, where=where)


def read_for_report(
    path: str | os.PathLike[str],
    steps: tuple[StepSpan, ...] | None = None,
    lang: Lang | str = Lang.EN,
) -> ReportReading:
    """Read ``path`` for its report; ``steps`` are the guided assessment's (stored), or
    None to find them from the contractions. A recording with no PERFECT steps comes back
    with its steps and no samples (it has no report; the caller says so). A recording
    too large or too long to measure is refused in one line in ``lang``."""
    with open_recording(path) as reader:
        for _ in reader.blocks():
            pass
    if reader.samples < 2:
        raise RecordingError(reader.path, "has fewer than 2 samples")
    total, t_first, t_last = reader.samples, reader.t_first, reader.t_last
    if not math.isfinite(t_last - t_first):
        span = say(lang, "report.reading.span_too_large", first=t_first, last=t_last)
        raise RecordingError(reader.path, span)
    rate = checked_rate(reader.path, reader.sample_rate_hz())
    keep = _Kept(reader.path, reader.channels, total) if total <= MAX_SAMPLES else None
    ends: list[tuple[float, int]] = []  # each block's last time and the samples up to it
    with open_recording(path) as reader:
        feed = Feed(reader.channels, sample_rate_hz=rate)
        for block in reader.blocks():
            feed.push(block)
            if keep is not None:
                keep.add(block)
            else:
                ends.append((float(block.t[-1]), len(block) + (ends[-1][1] if ends else 0)))
    reps = feed.finish(rate, t_last - t_first).reps
    spans = steps if steps else infer_steps(reps, t_first, t_last)
    reading = ReportReading(
        path=reader.path,
        block=_Kept(reader.path, reader.channels, 0).block(),
        reps=reps,
        steps=spans,
        samples=total,
        out_of_range=reader.out_of_range,
        first_out_of_range_line=reader.first_out_of_range_line,
    )
    if steps is None and not is_assessment(spans):
        return reading
    if keep is not None:
        return replace(reading, block=keep.block())
    return _assessment_part(path, reading, ends, rate, lang)


def _assessment_part(
    path: str | os.PathLike[str],
    reading: ReportReading,
    ends: list[tuple[float, int]],
    rate: float,
    lang: Lang | str,
) -> ReportReading:
    """The samples of a long recording from REST_LEAD_S before its first step after the
    rest (read a third time, into arrays allocated once); a one-line error if they are more
    than MAX_SAMPLES."""
    after_rest = [s.start_s for s in reading.steps if s.step is not Step.REST]
    start = min(after_rest, default=reading.steps[0].start_s) - REST_LEAD_S
    # samples in the blocks that end before ``start`` are surely left out; those in the
    # blocks after the one it falls in are surely kept
    before = [n for end, n in ends if end < start]
    upto = [n for end, n in ends if end >= start]
    at_most = reading.samples - (before[-1] if before else 0)
    at_least = reading.samples - (upto[0] if upto else reading.samples)
    seconds = MAX_SAMPLES / rate
    too_long = RecordingError(
        reading.path, say(lang, "report.reading.too_long", max=MAX_SAMPLES, seconds=seconds)
    )
    if at_least > MAX_SAMPLES:
        raise too_long
    keep = _Kept(reading.path, reading.block.channels, at_most)
    with open_recording(path) as reader:
        for block in reader.blocks():
            if float(block.t[-1]) >= start:
                keep.add(block.slice(int(np.searchsorted(block.t, start)), len(block)))
    if keep.n > MAX_SAMPLES:
        raise too_long
    part = keep.block()
    t0 = float(part.t[0])
    steps = tuple(replace(s, start_s=max(s.start_s, t0)) for s in reading.steps if s.end_s > t0)
    reps = tuple(r for r in reading.reps if r.onset_s >= t0)
    return replace(
        reading, block=part, reps=reps, steps=steps, left_out=reading.samples - len(part)
    )


class _Kept:
    """Samples copied block by block into arrays allocated once for ``size`` of them (no
    second copy to join them)."""

    def __init__(self, path: str, channels: tuple[Channel, ...], size: int) -> None:
        self.path = path
        self.t = np.empty(size)
        self.data = {c: np.empty(size) for c in channels}
        self.n = 0

    def add(self, block: SampleBlock) -> None:
        a, b = self.n, self.n + len(block)
        if b > len(self.t):  # more samples than the first reading found
            raise RecordingError(self.path, "changed while it was being read")
        self.t[a:b] = block.t
        for c, values in self.data.items():
            values[a:b] = block.data[c]
        self.n = b

    def block(self) -> SampleBlock:
        return SampleBlock(self.t[: self.n], {c: v[: self.n] for c, v in self.data.items()})
