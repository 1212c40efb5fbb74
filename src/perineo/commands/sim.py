"""``perineo sim SCENARIO --out rec.csv``: a simulated recording plus its ground truth;
``--lang nn`` says what it prints in Nynorsk (the files are data, the same in any language)."""

from __future__ import annotations

import argparse

from perineo.commands.checks import add_lang_argument, check_seed
from perineo.errors import ConfigError
from perineo.samples import CHANNEL_ORDER
from perineo.text_safety import visible

RATE_RANGE = (25.0, 200.0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "scenario",
        nargs="?",
        help="a shipped scenario name (see --list) or the path of a scenario TOML file",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", metavar="PATH", help="recording CSV to write")
    parser.add_argument(
        "--truth", metavar="PATH", help="truth JSON to write (default: beside --out, .truth.json)"
    )
    parser.add_argument("--rate", type=float, metavar="HZ", help="sample rate, 25–200 Hz")
    parser.add_argument(
        "--channels",
        metavar="LIST",
        help="comma-separated channels containing squeeze, e.g. squeeze,abdominal",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace existing files")
    parser.add_argument("--list", action="store_true", help="list the shipped scenarios")
    add_lang_argument(parser, "what it prints")


def _channels(text: str) -> tuple[str, ...]:
    names = tuple(c.strip() for c in text.split(",") if c.strip())
    valid = {c.value for c in CHANNEL_ORDER}
    if not names or "squeeze" not in names or not set(names) <= valid:
        raise ConfigError(
            f"--channels: expected a comma-separated list of squeeze, abdominal, tilt "
            f"containing squeeze, got {text!r}"
        )
    return names


def run(args: argparse.Namespace) -> int:
    import dataclasses
    from pathlib import Path

    from perineo.paths import check_output, write_file
    from perineo.recording import write_recording
    from perineo.samples import ordered_channels
    from perineo.sources.registry import simulator

    sim = simulator()  # perineo_sim, by name: perineo never imports it
    if args.list:
        for name in sim.scenario_names():
            print(f"{name:20s} {sim.load_scenario(name).description}")
        return 0
    if not args.scenario:
        raise ConfigError("sim: expected a SCENARIO name or TOML path (see --list)").keyed(
            "refusal.sim_scenario"
        )
    if not args.out:
        raise ConfigError("sim: expected --out PATH for the recording CSV").keyed("refusal.sim_out")
    check_seed(args.seed)
    scenario = sim.load_scenario(args.scenario)
    if args.rate is not None:
        if not RATE_RANGE[0] <= args.rate <= RATE_RANGE[1]:
            raise ConfigError(f"--rate: expected 25–200 Hz, got {args.rate:g}")
        scenario = dataclasses.replace(scenario, sample_rate_hz=float(args.rate))
    if args.channels is not None:
        chans = ordered_channels(_channels(args.channels))
        scenario = dataclasses.replace(scenario, channels=chans)
    out = Path(args.out)
    truth_path = Path(args.truth) if args.truth else sim.truth_path_for(out)
    if out.absolute() == truth_path.absolute():
        raise ConfigError(f"--truth {truth_path}: is the recording --out; choose another file")
    inputs = (Path(args.scenario),) if Path(args.scenario).is_file() else ()
    for path in (out, truth_path):
        check_output(path, overwrite=args.overwrite, inputs=inputs)
    result = sim.simulate(scenario, args.seed)
    write_recording(out, result.block, overwrite=args.overwrite, inputs=inputs)
    write_file(truth_path, result.truth.dumps(), overwrite=args.overwrite, inputs=inputs)
    from perineo.locale import say

    b = result.block
    said = say(
        args.lang, "cli.sim.wrote", path=visible(out), n=len(b), s=float(b.t[-1] - b.t[0]),
        channels=",".join(c.value for c in b.channels), hz=scenario.sample_rate_hz,
        truth=visible(truth_path), reps=len(result.truth.reps),
    )  # fmt: skip
    print(said)
    return 0
