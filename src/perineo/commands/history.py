"""``perineo history``: days trained, sets, scores and the trend, from the training record
(in English or Nynorsk, ``--lang``)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from perineo import strict_json
from perineo.text_safety import visible

if TYPE_CHECKING:
    from perineo.store.history import WeekTotals


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.add_argument("--sessions", action="store_true", help="list sessions rather than days")
    p.add_argument(
        "--days",
        type=int,
        default=28,
        metavar="N",
        help="show the last N days that have training (default 28)",
    )
    p.add_argument("--lang", choices=("en", "nn"), default="en", help="language of the tables")


def run(args: argparse.Namespace) -> int:
    from perineo.commands import open_record
    from perineo.commands.checks import skip_program
    from perineo.locale import Lang, say
    from perineo.program.loader import load_programs
    from perineo.store.history import day_totals, week_totals
    from perineo.store.sessions import SessionStatus

    with open_record(args.lang) as rec:
        sessions = rec.sessions()
    days = day_totals(sessions)[-args.days :] if args.days > 0 else []
    weeks = week_totals(sessions, load_programs(on_error=skip_program))
    if args.format == "json":
        doc = {
            "sessions": [s.to_json() for s in sessions] if args.sessions else None,
            "days": [d.to_json() for d in days],
            "weeks": [w.to_json() for w in weeks],
            "trend": _trend(weeks),
        }
        strict_json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    lang = Lang(args.lang)

    def col(name: str) -> str:
        return say(lang, f"history.col.{name}")

    if args.sessions:
        # wide enough for every status ("interrupted") and the column's own name
        status_w = max(len(col("status")), *(len(st.value) for st in SessionStatus))
        out.write(
            f"{'#':>4}  {col('started'):<16}  {col('kind'):<6} {col('program'):<12} "
            f"{col('status'):<{status_w}} {col('reps'):>4} {col('good'):>4} {col('score'):>5}\n"
        )
        for s in sessions:
            m = s.summary or {}
            out.write(
                f"{s.id:>4}  {s.started_at.astimezone():%Y-%m-%d %H:%M}  {s.kind.value:<6} "
                f"{visible(s.program):<12} {s.status.value:<{status_w}} {m.get('reps', '—')!s:>4} "
                f"{m.get('good', '—')!s:>4} {m.get('mean_score', '—')!s:>5}\n"
            )
        return 0
    if not days:
        out.write(say(lang, "history.none") + "\n")
        return 0
    out.write(
        f"{col('day'):<10}  {col('sessions'):>8}  {col('sets'):>5}  {col('reps'):>4}  "
        f"{col('good'):>5}  {col('score'):>5}  {col('dose'):<4}  {col('programs')}\n"
    )
    yes, no = say(lang, "history.yes"), say(lang, "history.no")
    for d in days:
        score = "—" if d.mean_score is None else f"{d.mean_score:.0f}"
        out.write(
            f"{d.day.isoformat():<10}  {d.sessions:>8}  {d.sets_done:>2}/{d.sets_target:<2}  "
            f"{d.reps:>4}  {d.good_share:>5.0%}  {score:>5}  {yes if d.dose_met else no:<4}"
            f"  {visible(', '.join(d.programs))}\n"
        )
    trend = _trend(weeks)
    if trend is not None:
        change = f"{trend['good_share_change']:+.0%}"
        recent, before = trend["days_recent"], trend["days_before"]
        out.write(f"\n{say(lang, 'history.trend', change=change, recent=recent, before=before)}\n")
    return 0


def _trend(weeks: list[WeekTotals]) -> dict[str, object] | None:
    if len(weeks) < 2:
        return None
    recent, before = weeks[-4:], weeks[-8:-4]
    if not before:
        return None

    def share(ws: list[WeekTotals]) -> float:
        reps = sum(w.reps for w in ws)
        return sum(w.good_share * w.reps for w in ws) / reps if reps else 0.0

    return {
        "good_share_change": round(share(recent) - share(before), 3),
        "days_recent": sum(w.days_trained for w in recent),
        "days_before": sum(w.days_trained for w in before),
    }
