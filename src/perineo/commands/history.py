"""``perineo history``: days trained, sets, scores and the trend, from the training record."""

from __future__ import annotations

import argparse
import sys

from perineo import strict_json
from perineo.text_safety import visible


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


def run(args: argparse.Namespace) -> int:
    from perineo.commands.checks import skip_program
    from perineo.program.loader import load_programs
    from perineo.store.history import day_totals, week_totals
    from perineo.store.sessions import TrainingRecord

    with TrainingRecord.open_at_start() as rec:
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
    if args.sessions:
        out.write(
            f"{'#':>4}  {'started':<16}  {'kind':<6} {'program':<12} {'status':<8} "
            f"{'reps':>4} {'good':>4} {'score':>5}\n"
        )
        for s in sessions:
            m = s.summary or {}
            out.write(
                f"{s.id:>4}  {s.started_at.astimezone():%Y-%m-%d %H:%M}  {s.kind.value:<6} "
                f"{visible(s.program):<12} {s.status.value:<8} {m.get('reps', '—')!s:>4} "
                f"{m.get('good', '—')!s:>4} {m.get('mean_score', '—')!s:>5}\n"
            )
        return 0
    if not days:
        out.write("No training recorded yet. Start with: perineo train --program learn\n")
        return 0
    out.write(
        f"{'day':<10}  {'sessions':>8}  {'sets':>5}  {'reps':>4}  {'good':>5}  "
        f"{'score':>5}  dose  programs\n"
    )
    for d in days:
        score = "—" if d.mean_score is None else f"{d.mean_score:.0f}"
        out.write(
            f"{d.day.isoformat():<10}  {d.sessions:>8}  {d.sets_done:>2}/{d.sets_target:<2}  "
            f"{d.reps:>4}  {d.good_share:>5.0%}  {score:>5}  {'yes ' if d.dose_met else 'no  '}"
            f"  {visible(', '.join(d.programs))}\n"
        )
    trend = _trend(weeks)
    if trend is not None:
        out.write(
            f"\nlast 4 weeks vs the 4 before: good share {trend['good_share_change']:+.0%}, "
            f"days trained {trend['days_recent']} vs {trend['days_before']}\n"
        )
    return 0


def _trend(weeks: list) -> dict[str, object] | None:  # type: ignore[type-arg]
    if len(weeks) < 2:
        return None
    recent, before = weeks[-4:], weeks[-8:-4]
    if not before:
        return None

    def share(ws: list) -> float:  # type: ignore[type-arg]
        reps = sum(w.reps for w in ws)
        return sum(w.good_share * w.reps for w in ws) / reps if reps else 0.0

    return {
        "good_share_change": round(share(recent) - share(before), 3),
        "days_recent": sum(w.days_trained for w in recent),
        "days_before": sum(w.days_trained for w in before),
    }
