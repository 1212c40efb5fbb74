"""``perineo record --out PATH``: record a source without the UI, until stopped or its end.

Runs on the live pipeline (:mod:`perineo.session.pipeline`): samples go to the recording CSV
as they arrive (flushed at least every second, so a crash loses at most the last second).
The live detector runs alongside; the session, its events and (with ``--program``) its
scores go to the training record. ``--lang nn`` says what it prints in Nynorsk.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from perineo.commands.checks import add_lang_argument, check_seed, check_speed, skip_program
from perineo.commands.lab_option import add_lsl_argument, lab_outlet
from perineo.errors import PerineoError
from perineo.session.listener import Quiet
from perineo.text_safety import visible

if TYPE_CHECKING:
    from perineo.lab.bridge import LabListener
    from perineo.program.model import Program
    from perineo.samples import Channel, SampleBlock
    from perineo.session.journal import SessionJournal
    from perineo.session.listener import PipelineEnd, Trouble
    from perineo.session.pipeline import Pipeline
    from perineo.signal.events import Event, Repetition
    from perineo.sources.base import SampleSource
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
    add_lang_argument(p, "what it prints")


@dataclass
class Recorder:
    """``perineo record``'s listener on the live pipeline: the session in the training record.

    The pipeline writes the recording and runs the detector; a failed recording write stops
    it cleanly (the recording is the point here) and :func:`record` raises that error. The
    training record's session is opened at the first block, keeps every event and
    repetition, and (with ``program``) the scores when the recording ends.
    """

    out: Path
    overwrite: bool
    record: TrainingRecord | None
    program: Program | None
    source_name: str
    journal: SessionJournal | None = None
    reps: list[Repetition] = field(default_factory=list)
    stopped: bool = False
    store_error: PerineoError | None = None  # the training record failed; recording went on
    samples_written: int = 0
    lab: LabListener | None = None  # --lsl (perineo.lab)
    lang: str = "en"  # what it prints, in this language

    def __post_init__(self) -> None:
        if self.record is not None:
            from perineo.session.journal import SessionJournal
            from perineo.store.sessions import SessionKind

            self.journal = SessionJournal(
                self.record,
                self.program,
                self.source_name,
                self.out.resolve(),
                kind=SessionKind.RECORD,
            )

    @property
    def session_id(self) -> int | None:
        return None if self.journal is None else self.journal.session_id

    def pipeline(self, source: SampleSource) -> Pipeline:
        from perineo.session.pipeline import OnDiskFull, Pipeline

        pipe = Pipeline(
            source,
            recording=self.out,
            overwrite=self.overwrite,
            on_disk_full=OnDiskFull.STOP,
            journal=self.journal,
        )
        pipe.add(_RecorderListener(self))
        if self.lab is not None:  # --lsl
            from perineo.lab.bridge import LabBridge

            pipe.add(LabBridge(self.lab))
        return pipe

    def repetitions(self, events: Sequence[Event]) -> None:
        from perineo.signal.events import EventKind

        for e in events:
            if e.kind is EventKind.REPETITION and e.repetition is not None:
                self.reps.append(e.repetition)
                if self.journal is not None:
                    self.journal.scored(e.repetition, None)

    def finish(self, end: PipelineEnd) -> None:
        from perineo.program.scoring import score_analysis
        from perineo.store.sessions import SessionStatus

        self.samples_written = end.written
        self.stopped = self.stopped or end.cancelled or end.recording_failed
        if self.journal is None or self.journal.session_id is None:
            return
        summary = None
        if self.program is not None:
            scores, summary = score_analysis(self.reps, self.program)
            for rep, score in zip(self.reps, scores, strict=True):
                self.journal.scored(rep, score)
        status = SessionStatus.STOPPED if self.stopped else SessionStatus.DONE
        self.journal.finish(summary, status)


class _RecorderListener(Quiet):
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec

    def started(self, channels: tuple[Channel, ...], t0_s: float) -> None:
        if self.rec.journal is not None:
            self.rec.journal.start()

    def samples(self, block: SampleBlock, events: Sequence[Event]) -> None:
        self.rec.repetitions(events)

    def events(self, events: Sequence[Event]) -> None:
        self.rec.repetitions(events)

    def trouble(self, trouble: Trouble) -> None:
        from perineo.session.listener import TroubleKind

        if trouble.kind is TroubleKind.JOURNAL and self.rec.store_error is None:
            self.rec.store_error = trouble.error
            from perineo.commands import refusal
            from perineo.locale import say

            said = refusal(trouble.error, self.rec.lang)
            print(
                f"perineo: {say(self.rec.lang, 'cli.record.goes_on', error=said)}", file=sys.stderr
            )

    def finished(self, end: PipelineEnd) -> None:
        self.rec.finish(end)


async def record(source: SampleSource, rec: Recorder) -> None:
    """Run ``rec`` over ``source`` until its end or cancellation; raise a failed write."""
    task = asyncio.current_task()
    if task is not None:  # SIGTERM stops as cleanly as Ctrl-C (asyncio.run handles SIGINT)
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    end = await rec.pipeline(source).run()
    if end.failure is not None:
        raise end.failure


def open_source(args: argparse.Namespace) -> SampleSource:
    from perineo.sources.registry import open_source as open_kind

    if args.sim:
        speed = math.inf if math.isinf(args.speed) else args.speed
        return open_kind("sim", scenario=args.sim, seed=args.seed, speed=speed)
    return open_kind("ble", address=args.address)


def _inputs(args: argparse.Namespace) -> tuple[Path, ...]:
    """The files the recording is made from (a scenario file): never overwritten."""
    return (Path(args.sim),) if args.sim and Path(args.sim).is_file() else ()


def run(args: argparse.Namespace) -> int:
    from perineo.commands import open_record
    from perineo.paths import check_output
    from perineo.program.loader import get_program

    check_seed(args.seed)
    check_speed(args.speed)
    check_output(args.out, overwrite=args.overwrite, inputs=_inputs(args))
    program = None if args.program is None else get_program(args.program, on_error=skip_program)
    source = open_source(args)
    lab = lab_outlet(args, source.name)
    store = None if args.no_store else open_record(args.lang)
    rec = Recorder(args.out, args.overwrite, store, program, source.name, lab=lab, lang=args.lang)
    try:
        asyncio.run(record(source, rec))
    except (KeyboardInterrupt, asyncio.CancelledError):
        rec.stopped = True  # the task was cancelled: the recorder closed cleanly
    finally:
        if store is not None:
            store.close()
    from perineo.locale import say

    lang, n, out = args.lang, rec.samples_written, visible(args.out)
    said = say(lang, "cli.record.stopped" if rec.stopped else "cli.record.done")
    said += say(lang, "cli.record.wrote", n=n, path=out, reps=len(rec.reps))
    if rec.session_id is not None:
        said += say(lang, "cli.record.session", id=rec.session_id)
    print(said, file=sys.stderr)
    return 0 if rec.store_error is None else 1
