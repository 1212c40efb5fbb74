"""``perineo train``: the biofeedback app: connect, calibrate, train, review.

With ``--sim`` a simulated probe and person stand in (the person follows the coach's cues,
so the whole session runs without a key press); ``--device`` connects to a probe; with
neither, the home screen lets the user choose.
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from typing import TYPE_CHECKING

from perineo.commands.checks import check_seed, skip_program
from perineo.commands.lab_option import add_lsl_argument, lab_outlet
from perineo.errors import InputError

if TYPE_CHECKING:
    from perineo.store.sessions import TrainingRecord

DEFAULT_SCENARIO = "follow"  # the simulated person who follows the coach
LANGS = ("en", "nn")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sim",
        nargs="?",
        const=DEFAULT_SCENARIO,
        default=None,
        metavar="SCENARIO",
        help=f"use the simulator (scenario name or file; default {DEFAULT_SCENARIO!r})",
    )
    p.add_argument(
        "--sim-ble",
        action="store_true",
        help="serve the simulator through a virtual probe over a real BLE stack (Bumble; "
        "needs the test extra; real time)",
    )
    p.add_argument("--device", metavar="ADDRESS", help="connect to this probe")
    p.add_argument(
        "--program",
        default=None,
        help="training program (default: the one `perineo plan` advises; learn for a new user)",
    )
    p.add_argument("--lang", choices=LANGS, default=None, help="language (default from $LANG)")
    p.add_argument(
        "--speed", type=float, default=1.0, help="simulated time runs this many times faster"
    )
    p.add_argument("--seed", type=int, default=None, help="simulator seed (default: random)")
    p.add_argument("--sets", type=int, default=None, help="sets this session (default: program)")
    p.add_argument("--reps", type=int, default=None, help="repetitions a set (default: program)")
    p.add_argument(
        "--no-record", action="store_true", help="do not keep the session's samples on disk"
    )
    add_lsl_argument(p)


def default_lang() -> str:
    """``nn`` when the environment asks for Norwegian, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "nn" if value[:2] in ("nn", "nb", "no") else "en"
    return "en"


def run(args: argparse.Namespace) -> int:
    if args.sim is not None and args.device is not None:
        raise InputError("choose either --sim or --device, not both").keyed("refusal.sim_or_device")
    if args.sim_ble and args.device is not None:
        raise InputError("choose either --sim-ble or --device, not both")
    if args.sim_ble and args.speed != 1.0:
        raise InputError("--sim-ble runs in real time: leave out --speed")
    if args.sim_ble:
        _need_bumble()
    if not args.speed > 0:
        raise InputError(f"--speed must be a positive number, got {args.speed:g}")
    check_seed(args.seed)
    for name in ("sets", "reps"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise InputError(f"--{name} must be at least 1, got {value}")
    # Textual and the sources are imported here so that `perineo --help` stays fast.
    from perineo.commands import open_record

    record = open_record(args.lang or default_lang())
    try:
        _train(args, record)
    finally:
        record.close()
    return 0


def _train(args: argparse.Namespace, record: TrainingRecord) -> None:
    from perineo.display.home import advised_name, todays_program
    from perineo.paths import data_dir
    from perineo.program.loader import get_program
    from perineo.session.choices import FOLLOW, SourceChoices
    from perineo.tui.app import create_app

    name = args.program or advised_name(record, date.today())
    program = todays_program(get_program(name, on_error=skip_program), record)
    choices = SourceChoices(
        program, args.sim or FOLLOW, speed=args.speed, seed=args.seed, ble_link=args.sim_ble
    )
    source = None
    if args.sim is not None or args.sim_ble:
        source = choices.open(None)
    elif args.device is not None:
        source = choices.open(args.device)
    lab = lab_outlet(args, "perineo" if source is None else source.name)
    app = create_app(
        source,
        program=program,
        lang=args.lang or default_lang(),
        source_factory=choices.open,
        scanner=choices.scanner(),
        reps_per_set=args.reps,
        sets=args.sets,
        record_dir=None if args.no_record else data_dir() / "recordings",
        record=record,
        program_chosen=args.program is not None,
    )
    app.lab = lab
    app.run()


def _need_bumble() -> None:
    import importlib.util

    if importlib.util.find_spec("bumble") is None:
        raise InputError("--sim-ble needs Bumble: pip install -e '.[test]' (or use --sim)")
