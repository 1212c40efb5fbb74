"""``perineo scan``: list nearby perineo probes (name, address, signal, battery)."""

from __future__ import annotations

import argparse
import asyncio

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


def _table(probes: list) -> str:  # list[ProbeInfo], imported lazily
    rows = [("NAME", "ADDRESS", "RSSI", "BATTERY")]
    for p in probes:
        rssi = "?" if p.rssi is None else f"{p.rssi} dBm"
        battery = "?" if p.battery_percent is None else f"{p.battery_percent} %"
        rows.append((visible(p.name) or "(no name)", visible(p.address), rssi, battery))
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
    if not probes:
        print(f"no perineo probe found in {args.timeout:g} s (is it switched on and near?)")
        return 1
    print(_table(probes))
    last = remembered_address()
    if last is not None:
        print(f"last used: {visible(last)}")
    return 0
