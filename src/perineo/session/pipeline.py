"""The one live pipeline: source → recording → detector → training journal → listeners.

``perineo train``, ``perineo assess`` and ``perineo record`` all run on it; what is their own
(calibration and coach, the assessment guide, the recorder's report) is a listener or a thin
driver over it. Handled here once, for all three:

* every block is written to the recording *before* anything else sees it, so the record
  never depends on the screen keeping up; then pushed through the detector, its events
  written to the training journal, and told to the listeners;
* a gap the source reports updates the status and, by :class:`Gaps`, is marked in the
  detector (``Detector.mark_gap``, its events going the same way) or left to the detector to
  find in the samples' times; connection, battery and quality reports update the status;
* a failed recording write (disk full): the writer is closed, a row cut short is trimmed
  (what was written stays readable) and the listeners are told once. Then, by
  :class:`OnDiskFull`, the live session goes on without the recording (train, assess: the
  coaching or the assessment is what she is there for) or stops cleanly and keeps the
  error for the caller (record: the recording is the point);
* a failed journal write: the journal stops, the listeners are told once, the session goes on;
* pause (the coaching pauses; recording and detection go on) and stop (after the current
  item) are asked of the pipeline; the end — the source ended, a stop, a cancelled task —
  closes the recording first, then flushes the detector and tells the listeners.

Nothing here imports Textual or a source's back end.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from perineo.errors import PerineoError, StoreError
from perineo.recording import RecordingWriter
from perineo.samples import SampleBlock, SourceStatus, StatusKind
from perineo.session.journal import SessionJournal
from perineo.session.listener import Fanout, Listener, PipelineEnd, Trouble, TroubleKind
from perineo.session.status import Connection, LiveStatus
from perineo.signal.detect import Detector
from perineo.signal.events import Event
from perineo.sources.base import SampleSource, SourceItem
from perineo.store.recovery import trim_cut_row


class OnDiskFull(StrEnum):
    """What a failed recording write does to the live session (the recording stops either way)."""

    KEEP_GOING = "keep_going"  # coaching, assessing: she is in the middle of it
    STOP = "stop"  # recording without a screen: without the file there is nothing to do


class Gaps(StrEnum):
    """What a gap the source reports does to the detector (the status shows it either way)."""

    MARK = "mark"  # break the detector's grid where the source says (train, record)
    # the detector finds the gaps in the samples' times, as `perineo analyze` and `report`
    # do on the recording: an assessment's live numbers are the report's (assess)
    FROM_TIMES = "from_times"


class Pipeline:
    """One live session on one source, until the source ends, ``stop()`` or cancellation.

    ``process`` handles one item synchronously (tests call it for a deterministic state);
    ``run`` feeds it from the source.
    """

    def __init__(
        self,
        source: SampleSource,
        *,
        recording: Path | None = None,
        overwrite: bool = False,
        on_disk_full: OnDiskFull = OnDiskFull.KEEP_GOING,
        gaps: Gaps = Gaps.MARK,
        journal: SessionJournal | None = None,
        listeners: Iterable[Listener] = (),
    ) -> None:
        self.source = source
        self.recording = recording
        self.overwrite = overwrite
        self.on_disk_full = on_disk_full
        self.gaps = gaps
        self.journal = journal
        self.fanout = Fanout(listeners)
        self.detector: Detector | None = None
        self.status = LiveStatus(source_name=source.name, connection=Connection.CONNECTING)
        self.samples = 0
        self.written = 0
        self.now_s: float | None = None  # time of the last sample
        self.failure: PerineoError | None = None
        self.recording_failed = False
        self.cancelled = False
        self._writer: RecordingWriter | None = None
        self._stop = False
        self._ended = False
        self._started = False
        self._finishing = False
        self._end: PipelineEnd | None = None
        if journal is not None:
            journal.on_failure = self._journal_failed

    def add(self, listener: Listener) -> None:
        self.fanout.add(listener)

    @property
    def baseline_cmH2O(self) -> float | None:
        return None if self.detector is None else self.detector.baseline_cmH2O

    @property
    def paused(self) -> bool:
        return self.status.paused

    @property
    def stopping(self) -> bool:
        """No more items will be processed: a stop, the source's end, or the end itself."""
        return self._stop or self._ended or self._finishing

    # -- driving ----------------------------------------------------------------------------

    async def run(self) -> PipelineEnd:
        self.fanout.status(self.status)
        try:
            async for item in self.source.stream():
                self.process(item)
                if self.stopping:
                    break
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        finally:
            with contextlib.suppress(Exception):
                await self.source.close()
            end = self.finish()
        return end

    def process(self, item: SourceItem) -> None:
        if self._finishing:
            return
        if isinstance(item, SampleBlock):
            if len(item):
                self._block(item)
        else:
            self._source_status(item)

    def stop(self) -> None:
        """End after the current item (the session is kept as far as it got)."""
        self._stop = True

    def set_paused(self, paused: bool) -> None:
        """Pause or resume the coaching; the recording and the detector go on."""
        if paused != self.status.paused:
            self._set_status(paused=paused)

    # -- samples ----------------------------------------------------------------------------

    def _block(self, block: SampleBlock) -> None:
        if self.detector is None:
            self._start(block)
            if not self._started:
                return  # the recording could not even be created, and it was the point
        if not self._write(block):
            return  # stopping: a block not in the recording is not detected either
        assert self.detector is not None
        self.samples += len(block)
        self.now_s = float(block.t[-1])
        events = self.detector.push(block)
        self._journal(events)
        self.fanout.samples(block, events)

    def _start(self, block: SampleBlock) -> None:
        channels = block.channels
        self.detector = Detector(channels)
        if self.recording is not None:
            try:
                self._writer = RecordingWriter(self.recording, channels, overwrite=self.overwrite)
            except PerineoError as exc:
                self._recording_failed(exc)
                if self._stop:
                    return  # nothing was started: nothing to keep
        self._started = True
        if self.journal is not None:
            self.journal.channels = tuple(c.value for c in channels)
        self._set_status(connection=Connection.CONNECTED)
        self.fanout.started(channels, float(block.t[0]))

    def _write(self, block: SampleBlock) -> bool:
        """Keep the samples; False when a failed write stops the session."""
        writer = self._writer
        if writer is None:
            return True
        try:
            writer.write(block)
        except StoreError as exc:
            self._recording_failed(exc)
            return self.on_disk_full is OnDiskFull.KEEP_GOING
        self.written += len(block)
        return True

    def _recording_failed(self, exc: PerineoError) -> None:
        """Stop writing, keep what was written readable, tell everyone once."""
        writer, self._writer = self._writer, None
        if writer is not None:
            with contextlib.suppress(PerineoError, OSError):
                writer.close()
            trim_cut_row(writer.path)  # a row the full disk cut short
        if self.recording_failed:
            return
        self.recording_failed = True
        self._set_status(recording_stopped=True)
        self.fanout.trouble(Trouble(TroubleKind.RECORDING, exc))
        if self.on_disk_full is OnDiskFull.STOP:
            self.failure = exc
            self._stop = True

    def _journal(self, events: Sequence[Event]) -> None:
        if self.journal is not None and events:
            self.journal.events(events)

    def _journal_failed(self, exc: StoreError) -> None:
        self.fanout.trouble(Trouble(TroubleKind.JOURNAL, exc))

    # -- status -----------------------------------------------------------------------------

    def _source_status(self, status: SourceStatus) -> None:
        kind = status.kind
        if kind is StatusKind.CONNECTED:
            self._set_status(connection=Connection.CONNECTED)
        elif kind is StatusKind.DISCONNECTED:
            self._set_status(connection=Connection.LOST)
        elif kind is StatusKind.ENDED:
            self._ended = True
            self._set_status(connection=Connection.ENDED)
        elif kind is StatusKind.BATTERY:
            self._set_status(battery=status.value)
        elif kind is StatusKind.QUALITY and status.value is not None:
            # a probe fault carries no link quality: keep the last one shown
            self._set_status(quality=status.value)
        elif kind is StatusKind.GAP and status.end_s is not None:
            if self.detector is not None and self.gaps is Gaps.MARK:
                events = self.detector.mark_gap(status.t, status.end_s)
                self._journal(events)
                if events:
                    self.fanout.events(events)
            self._set_status(gap_s=status.end_s - status.t)

    def _set_status(self, **changes: Any) -> None:  # LiveStatus fields by name
        self.status = replace(self.status, **changes)
        self.fanout.status(self.status)

    # -- the end ----------------------------------------------------------------------------

    def finish(self) -> PipelineEnd:
        """Close the recording, flush the detector, tell the listeners (once)."""
        if self._end is not None:
            return self._end
        self._finishing = True
        writer, self._writer = self._writer, None
        if writer is not None:  # first: the samples are safe whatever follows
            try:
                writer.close()
            except StoreError as exc:  # the last flush found the disk full
                self._writer = writer
                self._recording_failed(exc)
        if self.detector is not None and self._started:
            tail = self.detector.finish()
            self._journal(tail)
            if tail:
                self.fanout.events(tail)
        end = PipelineEnd(
            samples=self.samples,
            written=self.written,
            started=self._started,
            cancelled=self.cancelled,
            recording_failed=self.recording_failed,
            failure=self.failure,
        )
        self._end = end
        self.fanout.finished(end)
        return end
