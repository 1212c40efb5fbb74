"""``perineo record --out PATH``: record a source without the UI, until stopped or its end.

Samples go to the recording CSV as they arrive (flushed at least every second, so a crash
loses at most the last second). The live detector runs alongside; the session, its events
and (with ``--program``) its scores go to the training record.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from perineo.commands.checks import check_seed, check_speed, skip_program
from perineo.errors import StoreError
from perineo.lab.hook import add_lsl_argument, lab_outlet
from perineo.text_safety import visible

if TYPE_CHECKING:
    from perineo.lab.hook import LabListener
    from perineo.program.model import Program
    from perineo.signal.detect import Detector
    from perineo.signal.events import Event, Repetition
    from perineo.sources.base import SampleSource
    from perineo.store.recording import RecordingWriter
    from perineo.store.sessions import TrainingRecord


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, help="recording CSV to write")
    p.add_argument("--sim", metavar="SCENARIO", help="record a simulated scenario (name or TOML)")
    p.add_argument("--seed", type=int, default=0, help="simulator seed (default 0)")
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="simulated time per real second (default 1; 'inf' = as fast as possible)",
    )
    p.add_argument("--address", help="probe Bluetooth address (default: the remembered probe)")
    p.add_argument("--program", metavar="NAME", help="score the repetitions against a program")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    p.add_argument(
        "--no-store",
        action="store_true",
        help="only write the recording; keep nothing in the training record",
    )
    add_lsl_argument(p)


@dataclass
class Recorder:
    """Source → recording file, detector → training record. Sinks only; no UI."""

    out: Path
    overwrite: bool
    record: TrainingRecord | None
    program: Program | None
    source_name: str
    writer: RecordingWriter | None = None
    detector: Detector | None = None
    session_id: int | None = None
    reps: list[Repetition] = field(default_factory=list)
    stopped: bool = False
    store_error: StoreError | None = None  # the training record failed; recording went on
    lab: LabListener | None = None  # --lsl (perineo.lab)

    def _store(self, write: Callable[[TrainingRecord], object]) -> object:
        """Write to the training record; if it fails (disk full), keep recording without it.

        A session already open stays open, so the next start recovers it from the recording.
        """
        if self.record is None:
            return None
        try:
            return write(self.record)
        except StoreError as exc:
            self.store_error, self.record = exc, None
            print(f"perineo: {exc}; the recording goes on without it", file=sys.stderr)
            return None

    def block(self, block: object) -> None:
        from perineo.signal.detect import Detector
        from perineo.store.recording import RecordingWriter
        from perineo.store.sessions import SessionKind

        assert hasattr(block, "channels")
        if self.writer is None:
            self.writer = RecordingWriter(self.out, block.channels, overwrite=self.overwrite)
            self.detector = Detector(block.channels)
            session_id = self._store(
                lambda r: r.start_session(
                    kind=SessionKind.RECORD,
                    program=self.program,
                    source=self.source_name,
                    channels=[c.value for c in block.channels],
                    recording=self.out.resolve(),
                )
            )
            self.session_id = None if session_id is None else int(session_id)  # type: ignore[call-overload]
        self.writer.write(block)  # type: ignore[arg-type]
        if self.lab is not None:
            self.lab.samples(block)  # type: ignore[arg-type]
        assert self.detector is not None
        self._events(self.detector.push(block))  # type: ignore[arg-type]

    def gap(self, start_s: float, end_s: float) -> None:
        if self.detector is not None:
            self._events(self.detector.mark_gap(start_s, end_s))

    def _events(self, events: list[Event]) -> None:
        from perineo.signal.events import EventKind

        if not events:
            return
        if self.lab is not None:
            self.lab.events(events)
        sid = self.session_id
        if sid is not None:
            self._store(lambda r: r.add_events(sid, events))
        for e in events:
            if e.kind is EventKind.REPETITION and e.repetition is not None:
                rep = e.repetition
                self.reps.append(rep)
                if sid is not None:
                    self._store(lambda r, rep=rep: r.save_rep(sid, rep, None))

    def close(self) -> None:
        from perineo.store.recovery import trim_cut_row

        if self.detector is not None:
            self._events(self.detector.finish())
        failed: StoreError | None = None
        if self.writer is not None:
            try:
                self.writer.close()
            except StoreError as exc:
                failed = exc
            if self.writer.failed or failed is not None:
                self.stopped = True
                trim_cut_row(self.writer.path)  # a row the full disk cut short
        if self.record is not None and self.session_id is not None:
            self._store(lambda _r: self._finish_session())
        if failed is not None:
            raise failed

    def _finish_session(self) -> None:
        from perineo.program.scoring import score_analysis
        from perineo.store.sessions import SessionStatus

        assert self.record is not None and self.session_id is not None
        summary = None
        if self.program is not None:
            scores, summary = score_analysis(self.reps, self.program)
            for rep, score in zip(self.reps, scores, strict=True):
                self.record.save_rep(self.session_id, rep, score)
        status = SessionStatus.STOPPED if self.stopped else SessionStatus.DONE
        self.record.finish_session(self.session_id, summary, status=status)


async def record(source: SampleSource, rec: Recorder) -> None:
    from perineo.samples import SampleBlock, StatusKind

    task = asyncio.current_task()
    if task is not None:  # SIGTERM stops as cleanly as Ctrl-C (asyncio.run handles SIGINT)
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        async for item in source.stream():
            if isinstance(item, SampleBlock):
                if len(item):
                    rec.block(item)
            elif item.kind is StatusKind.GAP and item.end_s is not None:
                rec.gap(item.t, item.end_s)
            elif item.kind is StatusKind.ENDED:
                break
    except asyncio.CancelledError:
        rec.stopped = True
        raise
    finally:
        await source.close()
        rec.close()


def open_source(args: argparse.Namespace) -> SampleSource:
    if args.sim:
        from perineo.sources.sim import SimSource

        speed = math.inf if math.isinf(args.speed) else args.speed
        return SimSource(args.sim, seed=args.seed, speed=speed)
    from perineo.sources.ble import BleSource

    return BleSource(args.address)


def _inputs(args: argparse.Namespace) -> tuple[Path, ...]:
    """The files the recording is made from (a scenario file): never overwritten."""
    return (Path(args.sim),) if args.sim and Path(args.sim).is_file() else ()


def run(args: argparse.Namespace) -> int:
    from perineo.program.loader import get_program
    from perineo.store.paths import check_output
    from perineo.store.sessions import TrainingRecord

    check_seed(args.seed)
    check_speed(args.speed)
    check_output(args.out, overwrite=args.overwrite, inputs=_inputs(args))
    program = None if args.program is None else get_program(args.program, on_error=skip_program)
    source = open_source(args)
    lab = lab_outlet(args, source.name)
    store = None if args.no_store else TrainingRecord.open_at_start()
    rec = Recorder(args.out, args.overwrite, store, program, source.name, lab=lab)
    try:
        asyncio.run(record(source, rec))
    except (KeyboardInterrupt, asyncio.CancelledError):
        rec.stopped = True  # the task was cancelled: the recorder closed cleanly
    finally:
        if store is not None:
            store.close()
    n = 0 if rec.writer is None else rec.writer.samples_written
    where = "" if rec.session_id is None else f"; session {rec.session_id}"
    how = "stopped" if rec.stopped else "done"
    out = visible(args.out)
    print(f"{how}: {n} samples to {out}, {len(rec.reps)} repetitions{where}", file=sys.stderr)
    return 0 if rec.store_error is None else 1
