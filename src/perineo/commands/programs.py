"""``perineo programs``: the training programs (built in and the user's own) with their targets."""

from __future__ import annotations

import argparse
import sys

from perineo import strict_json
from perineo.text_safety import visible


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.add_argument("--lang", choices=("en", "nn"), default="en", help="language of the titles")


def run(args: argparse.Namespace) -> int:
    from perineo.program.loader import load_programs, user_programs_dir

    programs = load_programs()
    if args.format == "json":
        strict_json.dump(
            [p.to_json() for p in programs.values()], sys.stdout, indent=1, ensure_ascii=False
        )
        sys.stdout.write("\n")
        return 0
    width = max(len(visible(name)) for name in programs)
    for p in programs.values():
        title = visible(p.title_nn if args.lang == "nn" else p.title)
        origin = "" if p.source.startswith("built-in") else f"  [{visible(p.source)}]"
        sys.stdout.write(f"{visible(p.name):<{width}}  {title}{origin}\n")
        sys.stdout.write(f"{'':<{width}}  {p.describe_targets()}\n")
    sys.stdout.write(f"\nYour own programs (TOML) go in {visible(user_programs_dir())}\n")
    return 0
