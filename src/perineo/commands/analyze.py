"""``perineo analyze PATH``: the live detector run over a recording, as JSON or a table;
``--lang nn`` says the table, its warnings and refusals in Nynorsk (the JSON's keys and
values are the same in any language)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from perineo.commands.checks import add_lang_argument, check_seconds
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
    add_lang_argument(p, "the table and what it says (the JSON is the same in any language)")


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
        raise RecordingError(reader.path, "has fewer than 2 samples").keyed(
            "refusal.few_samples", path=reader.path
        )
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
    if reader.out_of_range:
        from perineo.report.reading import out_of_range_warning

        warning = out_of_range_warning(
            reader.path, reader.out_of_range, reader.first_out_of_range_line, args.lang
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
        sys.stdout.write(format_table(out, args.lang))
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


def _verdict(rep: dict[str, Any], lang: str = "en") -> str:
    """``  [set 1 rep 2 fix 87] Hold a little longer; …`` for a scored repetition,
    ``  [calibration squeeze 1]`` for one of the calibration's, else nothing."""
    from perineo.locale import say
    from perineo.program.scoring import Reason

    if rep.get("calibration"):
        return "  " + say(lang, "analyze.calibration_squeeze", n=rep["number"])
    if rep.get("counted") is False:
        return "  " + say(lang, "analyze.not_counted")
    if "verdict" not in rep:
        return ""
    reasons = "; ".join(say(lang, Reason(r)) for r in rep["reasons"])
    where = (
        say(lang, "analyze.set_rep", set=rep["set"], rep=rep["rep_in_set"])
        if rep.get("rep_in_set") is not None  # a session with no sets (a recording) has none
        else ""
    )
    verdict = say(lang, f"analyze.verdict.{rep['verdict']}")
    return f"  [{where}{verdict} {rep['score']}]" + (f" {reasons}" if reasons else "")


# the table's columns after "#", and their widths
_COLUMNS = (
    ("onset", 8), ("seen", 8), ("hold", 6), ("lifts", 5), ("peak", 10), ("release", 8), ("end", 8)
)  # fmt: skip


def format_table(out: dict[str, Any], lang: str = "en") -> str:
    """A readable table of the analysis (one row a repetition), in ``lang``."""
    from perineo.locale import say

    calibration = sum(bool(r.get("calibration")) for r in out["reps"])
    uncounted = sum(r.get("counted") is False for r in out["reps"])
    found = say(lang, "analyze.found", n=len(out["reps"]) - calibration - uncounted)
    if calibration:
        found += say(lang, "analyze.found_calibration", n=calibration)
    if uncounted:
        found += say(lang, "analyze.found_paused", n=uncounted)
    lines = [
        say(
            lang,
            "analyze.head",
            source=visible(out.get("source", "")),
            found=found,
            channels=", ".join(out["channels"]),
            hz=out["sample_rate_hz"],
            s=out["duration_s"],
        )
    ]
    if out["unverifiable_errors"]:
        errors = ", ".join(_error(e, lang) for e in out["unverifiable_errors"])
        lines.append(say(lang, "analyze.unverifiable", errors=errors))
    cols = [f"{say(lang, f'analyze.col.{c}'):>{w}}" for c, w in _COLUMNS]
    head = f"{'#':>3} {' '.join(cols)}  {say(lang, 'analyze.col.errors')}"
    lines += [head, "-" * len(head)]
    ok = say(lang, "analyze.ok")
    for r in out["reps"]:
        latency = None if r["latency_s"] is None else round(1000 * r["latency_s"])
        lines.append(
            f"{_fmt(r['number']):>3} {_fmt(r['onset_s']):>8} {_fmt(latency):>8} "
            f"{_fmt(r['hold_s'], 1):>6} {len(r['quick_lifts_s']):>5} "
            f"{_fmt(r['peak_cmH2O'], 1):>10} {_fmt(r['release_s']):>8} {_fmt(r['end_s']):>8}  "
            f"{', '.join(_error(e, lang) for e in r['errors']) or ok}" + _verdict(r, lang)
        )
    numbering = out.get("numbering")
    if numbering == "session":
        lines.append(say(lang, "analyze.numbering.session", id=out["session_id"]))
    elif numbering == "pauses":
        lines.append(say(lang, "analyze.numbering.pauses"))
    summary = out.get("summary")
    if isinstance(summary, dict) and "perfect" in summary:
        from perineo.assess.steps import NO_ASSESSMENT

        p = summary["perfect"]
        none = say(lang, "analyze.perfect_none", why=say(lang, NO_ASSESSMENT))
        lines.append(say(lang, "analyze.perfect", perfect=p["perfect"]) if p else none)
    if out["artifacts"]:
        lines.append(say(lang, "analyze.artifacts", n=len(out["artifacts"])))
    if out["gaps"]:
        lines.append(say(lang, "analyze.gaps", n=len(out["gaps"])))
    return "\n".join(lines) + "\n"


def _error(name: str, lang: str) -> str:
    """A technique error's name in the table (its JSON name in English)."""
    from perineo.locale import say

    return say(lang, f"analyze.error.{name}")
