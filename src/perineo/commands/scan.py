"""``perineo scan``: list nearby perineo probes (name, address, signal, battery);
``--lang nn`` says it in Nynorsk."""

from __future__ import annotations

import argparse
import asyncio

from perineo.commands.checks import add_lang_argument
from perineo.errors import InputError
from perineo.text_safety import visible

DEFAULT_TIMEOUT_S = 5.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds to listen (default 5)"
    )
    p.add_argument(
        "--virtual",
        action="store_true",
        help="scan a virtual probe on a simulated radio (Bumble; needs the test extra)",
    )
    add_lang_argument(p, "the list")


def _table(probes: list, lang: str = "en") -> str:  # list[ProbeInfo], imported lazily
    from perineo.locale import say

    cols = ("name", "address", "rssi", "battery")
    rows = [tuple(say(lang, f"cli.scan.col.{c}") for c in cols)]
    for p in probes:
        rssi = "?" if p.rssi is None else f"{p.rssi} dBm"
        battery = "?" if p.battery_percent is None else f"{p.battery_percent} %"
        name = visible(p.name) or say(lang, "cli.scan.no_name")
        rows.append((name, visible(p.address), rssi, battery))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


async def _scan_virtual(timeout_s: float) -> list:
    from perineo.sources.registry import VIRTUAL_SCAN, load

    try:
        scan_virtual = load(VIRTUAL_SCAN)  # the simulator's, by name
    except ImportError as exc:
        raise InputError(f"--virtual needs Bumble: pip install 'perineo[test]' ({exc})") from exc
    return await scan_virtual(timeout_s)


def run(args: argparse.Namespace) -> int:
    if args.timeout <= 0:
        raise InputError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    from perineo.sources.ble_support import remembered_address, scan_probes

    if args.virtual:
        probes = asyncio.run(_scan_virtual(args.timeout))
    else:
        probes = asyncio.run(scan_probes(args.timeout))
    from perineo.locale import say

    if not probes:
        print(say(args.lang, "cli.scan.none", s=args.timeout))
        return 1
    print(_table(probes, args.lang))
    last = remembered_address()
    if last is not None:
        print(say(args.lang, "cli.scan.last", address=visible(last)))
    return 0
