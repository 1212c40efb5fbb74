"""``perineo analyze PATH``: the live detector run over a recording, as JSON or a table."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from perineo.commands.checks import check_seconds
from perineo.errors import RecordingError
from perineo.text_safety import visible

if TYPE_CHECKING:
    from perineo.samples import SampleBlock
    from perineo.signal.events import Repetition


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="recording CSV (t, squeeze[, abdominal][, tilt])")
    p.add_argument("--format", choices=("json", "table"), default="table", help="output format")
    p.add_argument(
        "--block-s",
        type=float,
        default=10.0,
        help=(
            "seconds of samples fed to the live detector at a time (default 10; the events "
            "are the same for any block size, 0.1 feeds it like a live probe)"
        ),
    )
    from perineo.commands.analyze_option import add_program_option

    add_program_option(p)  # --program NAME: score, verdict, reasons per rep, and a summary


def run(args: argparse.Namespace) -> int:
    from perineo import strict_json
    from perineo.recording import checked_rate, read_keeping
    from perineo.samples import SampleBlock

    check_seconds(args.block_s, "--block-s")
    # block by block, in two passes: any length in bounded memory. The first finds the
    # sample rate (the median step of the whole file), which putting samples back on the
    # probe's clock needs exactly (signal/clock.py); the second feeds the detector, from
    # the blocks the first kept (one parse) or, for a recording too long to keep, the file.
    reader, kept = read_keeping(args.path)
    if reader.samples < 2:
        raise RecordingError(reader.path, "has fewer than 2 samples")
    rate = checked_rate(reader.path, reader.sample_rate_hz())
    perfect = getattr(args, "program", None) is not None and args.program.perfect is not None
    # PERFECT's steps need the whole recording at once (an assessment lasts minutes)
    whole = SampleBlock.concat(kept) if perfect and kept is not None else None
    from perineo.signal.analysis import Feed  # (scipy: only once the input is known good)

    feed = Feed(reader.channels, block_s=args.block_s, sample_rate_hz=rate)
    for block in kept if kept is not None else _read_again(args.path):
        feed.push(block)
    analysis = feed.finish(rate, reader.t_last - reader.t_first)
    out = analysis.to_json()
    out["source"] = reader.path
    out["out_of_range_samples"] = reader.out_of_range
    if reader.out_of_range:  # analyze is in English (its table too)
        from perineo.report.reading import out_of_range_warning

        warning = out_of_range_warning(
            reader.path, reader.out_of_range, reader.first_out_of_range_line
        )
        print(f"perineo: {visible(warning)}", file=sys.stderr)
    extend = getattr(args, "_extend_analysis", None)
    if extend is not None:
        extend(args, analysis, out)
    if perfect:
        from perineo.recording import read_recording

        if whole is None:
            whole = read_recording(args.path).block
        summary = out["summary"]
        assert isinstance(summary, dict)
        summary["perfect"] = _perfect(whole, analysis.reps)
    if args.format == "json":
        strict_json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(out))
    return 0


def _read_again(path: str) -> Iterator[SampleBlock]:
    """The recording's blocks read from the file once more."""
    from perineo.recording import open_recording

    with open_recording(path) as reader:
        yield from reader.blocks()


def _perfect(block: SampleBlock, reps: Sequence[Repetition]) -> dict[str, object] | None:
    """The PERFECT numbers of an assessment program (the one definition of perineo.assess,
    as ``perineo report`` gives them); None for a recording without PERFECT's steps."""
    from perineo.assess.scheme import perfect
    from perineo.assess.steps import is_assessment
    from perineo.locale import Lang, words

    result = perfect(block, reps)
    return result.to_json(words(Lang.EN)) if is_assessment(result.steps) else None


def _fmt(x: object, nd: int = 2) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def _verdict(rep: dict[str, Any]) -> str:
    """``  [set 1 rep 2 fix 87] Hold a little longer; …`` for a scored repetition,
    ``  [calibration squeeze 1]`` for one of the calibration's, else nothing."""
    if rep.get("calibration"):
        return f"  [calibration squeeze {rep['number']}]"
    if rep.get("counted") is False:
        return "  [not counted: made while paused]"
    if "verdict" not in rep:
        return ""
    from perineo.locale import Lang, say
    from perineo.program.scoring import Reason

    reasons = "; ".join(say(Lang.EN, Reason(r)) for r in rep["reasons"])
    where = f"set {rep['set']} rep {rep['rep_in_set']} " if "rep_in_set" in rep else ""
    return f"  [{where}{rep['verdict']} {rep['score']}]" + (f" {reasons}" if reasons else "")


def format_table(out: dict[str, Any]) -> str:
    """A readable table of the analysis (one row a repetition)."""
    calibration = sum(bool(r.get("calibration")) for r in out["reps"])
    uncounted = sum(r.get("counted") is False for r in out["reps"])
    found = f"{len(out['reps']) - calibration - uncounted} repetitions"
    if calibration:
        found += f" and {calibration} calibration squeezes"
    if uncounted:
        found += f" ({uncounted} more made while paused, not counted)"
    lines = [
        f"{visible(out.get('source', ''))}: {found}, "
        f"channels {', '.join(out['channels'])}, {out['sample_rate_hz']:.1f} Hz, "
        f"{out['duration_s']:.1f} s",
    ]
    if out["unverifiable_errors"]:
        lines.append("not verifiable with these channels: " + ", ".join(out["unverifiable_errors"]))
    head = (
        f"{'#':>3} {'onset s':>8} {'seen +ms':>8} {'hold s':>6} {'lifts':>5} "
        f"{'peak cmH2O':>10} {'release':>8} {'end':>8}  errors"
    )
    lines += [head, "-" * len(head)]
    for r in out["reps"]:
        latency = None if r["latency_s"] is None else round(1000 * r["latency_s"])
        lines.append(
            f"{_fmt(r['number']):>3} {_fmt(r['onset_s']):>8} {_fmt(latency):>8} "
            f"{_fmt(r['hold_s'], 1):>6} {len(r['quick_lifts_s']):>5} "
            f"{_fmt(r['peak_cmH2O'], 1):>10} {_fmt(r['release_s']):>8} {_fmt(r['end_s']):>8}  "
            f"{', '.join(r['errors']) or 'ok'}" + _verdict(r)
        )
    numbering = out.get("numbering")
    if numbering == "session":
        session = out["session_id"]
        lines.append(f"sets and repetitions as the screen showed them (session {session})")
    elif numbering == "pauses":
        lines.append("sets found from the pauses (this recording is no session of the record)")
    summary = out.get("summary")
    if isinstance(summary, dict) and "perfect" in summary:
        from perineo.assess.steps import NO_ASSESSMENT
        from perineo.locale import Lang, say

        p = summary["perfect"]
        none = f"PERFECT: none ({say(Lang.EN, NO_ASSESSMENT)}: not a PERFECT assessment)"
        lines.append(f"PERFECT: {p['perfect']}" if p else none)
    if out["artifacts"]:
        lines.append(f"ignored spikes (coughs, movement): {len(out['artifacts'])}")
    if out["gaps"]:
        lines.append(f"gaps in the recording: {len(out['gaps'])}")
    return "\n".join(lines) + "\n"
