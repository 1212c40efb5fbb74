"""What the browser costs: ``perineo serve`` during a live session, seen by headless Chromium.

``perineo serve train --sim`` runs at real speed (``--speed 1``) with a stored calibration
(reused with ``u``, so the Train screen with its live trace is measured). Debian's Chromium,
driven by Playwright, opens the link. After a warm-up, for ``--seconds``:

* frames a second: screen updates the browser received over the WebSocket (messages closer
  than 5 ms together count as one update);
* the server's CPU: user + system time of ``perineo serve`` and the app process it runs for
  the browser (from /proc), over wall time; one core = 100 %; and how much of it is the web
  server's own (relaying frames) and how much the app's;
* bytes a second over the WebSocket.

Targets: ≥ 15 frames a second at ≤ 50 % of one core for the server.

Usage: python benchmarks/serve.py [--seconds 20] [--size 1100x760]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.lab.serving import TerminalText, start  # noqa: E402

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WARMUP_S = 3.0
TICK = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the shell textual-serve starts and the app under it)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True)
    children: dict[int, list[int]] = {}
    for line in out.stdout.splitlines():
        p, pp = (int(x) for x in line.split())
        children.setdefault(pp, []).append(p)
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def _cpu_s(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def _store_calibration(home: Path) -> None:
    os.environ["PERINEO_HOME"] = str(home)
    from perineo.program.calibration import Calibration
    from perineo.store.sessions import TrainingRecord

    record = TrainingRecord.open()
    record.save_calibration(
        Calibration(
            rest_cmH2O=30.0, mvc_cmH2O=45.0, attempts_cmH2O=(45.0,), valid=(True,), settle_s=20.0,
            drift_cmH2O_per_min=0.1, settled=True, created_at="2026-01-01T08:00:00+00:00",
        )
    )  # fmt: skip
    record.close()


def measure(seconds: float, size: tuple[int, int]) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="perineo-bench-")) / "home"
    _store_calibration(home)
    served = start(home, "train", "--sim", "--seed", "5", "--no-record")
    stamps: list[tuple[float, int]] = []
    screen = TerminalText()

    def frame(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            stamps.append((time.perf_counter(), len(payload)))
            screen.feed(payload)

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.on("websocket", lambda ws: ws.on("framereceived", frame))
            page.goto(served.link)
            page.wait_for_selector(".xterm-screen", timeout=30_000)
            deadline = time.monotonic() + 60
            while not screen.search("Calibration") and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            page.click(".xterm-screen")
            page.keyboard.press("u")  # reuse the stored calibration: train at once
            while not screen.search("Rep ") and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            page.wait_for_timeout(WARMUP_S * 1000)
            pids = _tree(served.proc.pid)
            cpu0, t0, n0 = _cpu_s(pids), time.perf_counter(), len(stamps)
            server0 = _cpu_s([served.proc.pid])
            page.wait_for_timeout(seconds * 1000)
            cpu1, t1 = _cpu_s(pids), time.perf_counter()
            server1 = _cpu_s([served.proc.pid])
            window = stamps[n0:]
            page.screenshot(path=str(home.parent / "serve-bench.png"))
            browser.close()
    finally:
        served.stop()
    updates = 0
    last = -1.0
    for t, _ in window:
        if t - last > 0.005:
            updates += 1
        last = t
    wall = t1 - t0
    return {
        "seconds": round(wall, 1),
        "frames_per_s": round(updates / wall, 1),
        "messages_per_s": round(len(window) / wall, 1),
        "cpu_percent_of_one_core": round(100 * (cpu1 - cpu0) / wall, 1),
        "kbytes_per_s": round(sum(n for _, n in window) / wall / 1024, 1),
        "processes": len(pids),
        "server_percent": round(100 * (server1 - server0) / wall, 1),  # perineo serve alone
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--size", default="1100x760", help="browser viewport WxH in pixels")
    args = ap.parse_args()
    w, h = (int(x) for x in args.size.lower().split("x"))
    f = measure(args.seconds, (w, h))
    ok_fps = f["frames_per_s"] >= 15
    ok_cpu = f["cpu_percent_of_one_core"] <= 50
    print(
        f"perineo serve, headless Chromium {w}x{h} px, simulated live session at real speed, "
        f"{f['seconds']} s after {WARMUP_S:g} s warm-up"
    )
    print(
        f"  frames         {f['frames_per_s']:6.1f} /s  ({f['messages_per_s']} messages/s)"
        f"   target >= 15   {'ok' if ok_fps else 'MISSED'}"
    )
    print(
        f"  server CPU     {f['cpu_percent_of_one_core']:6.1f} %   of one core"
        f" ({f['processes']} processes)   target <= 50   {'ok' if ok_cpu else 'MISSED'}"
    )
    print(
        f"    of which the web server {f['server_percent']:.1f} %, "
        f"the app and its shell {f['cpu_percent_of_one_core'] - f['server_percent']:.1f} %"
    )
    print(f"  WebSocket      {f['kbytes_per_s']:6.1f} kB/s")


if __name__ == "__main__":
    main()
