"""How much the app costs while a live session runs: redraw rate, CPU and memory.

The app runs in a real pseudo-terminal (80×24 by default), on the cue-following simulated
person at real speed (``--speed 1``; the probe's blocks arrive every 40 ms, as BLE
notifications do). After a warm-up, the child process measures for ``--seconds``:
trace frames drawn per second (plots computed, and first-row paints by the compositor),
CPU time over wall time (user + system, one core = 100 %), and resident memory (peak).
The session skips calibration (a stored one is reused) so the Train screen is measured.
Targets: >= 20 frames/s, <= 30 % of one core, <= 200 MB.

Usage: python benchmarks/tui.py [--seconds 20] [--size 80x24] [--speed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import resource
import select
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

WARMUP_S = 3.0


def child(seconds: float, speed: float, out: Path) -> None:
    """Run the app; after the warm-up, measure for ``seconds`` and write the figures."""
    os.environ["PERINEO_HOME"] = tempfile.mkdtemp(prefix="perineo-bench-")
    from perineo.program.calibration import Calibration
    from perineo.program.loader import get_program
    from perineo.store.sessions import TrainingRecord
    from perineo.tui.app import create_app
    from perineo.tui.widgets.trace import PressureTrace
    from perineo_sim.follow import CueFollowingSim

    program = get_program("intensive")
    record = TrainingRecord.open()
    # a stored calibration, reused at once: the measurement covers the Train screen
    record.save_calibration(
        Calibration(
            rest_cmH2O=30.0, mvc_cmH2O=45.0, attempts_cmH2O=(45.0,), valid=(True,), settle_s=20.0,
            drift_cmH2O_per_min=0.1, settled=True, created_at="2026-01-01T08:00:00+00:00",
        )
    )  # fmt: skip
    source = CueFollowingSim.create(program, seed=5, speed=speed)
    app = create_app(source, program=program, record=record)
    marks: dict[str, float] = {}

    def counters() -> tuple[int, int, float, float]:
        trace = app.screen.query_one(PressureTrace)
        ru = resource.getrusage(resource.RUSAGE_SELF)
        return trace.frames, trace.paints, ru.ru_utime + ru.ru_stime, time.perf_counter()

    def start() -> None:
        marks["frames"], marks["paints"], marks["cpu"], marks["wall"] = counters()
        app.set_timer(seconds, stop)

    def stop() -> None:
        frames, paints, cpu, wall = counters()
        dt = wall - marks["wall"]
        samples = app.session.samples if app.session else 0
        figures = {
            "seconds": round(dt, 2),
            "frames_per_s": round((frames - marks["frames"]) / dt, 1),
            "paints_per_s": round((paints - marks["paints"]) / dt, 1),
            "cpu_percent_of_one_core": round(100 * (cpu - marks["cpu"]) / dt, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "samples_recorded": samples,
        }
        out.write_text(json.dumps(figures))
        app.exit()

    app.call_later(lambda: app.set_timer(0.5, app.action_reuse_calibration))
    app.call_later(lambda: app.set_timer(WARMUP_S, start))
    app.run()
    record.close()


def parent(seconds: float, size: tuple[int, int], speed: float) -> dict[str, float]:
    out = Path(tempfile.mkdtemp(prefix="perineo-bench-")) / "figures.json"
    pid, fd = os.forkpty()
    if pid == 0:  # the child: a terminal of the asked size, then the app
        os.environ["TERM"] = "xterm-256color"
        os.environ.pop("NO_COLOR", None)
        cmd = [sys.executable, __file__, "--child", "--seconds", str(seconds)]
        os.execv(sys.executable, [*cmd, "--speed", str(speed), "--out", str(out)])
    cols, rows = size
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    written = 0
    deadline = time.monotonic() + seconds + WARMUP_S + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            written += len(chunk)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    figures = json.loads(out.read_text())
    figures["terminal_bytes_per_s"] = round(written / (seconds + WARMUP_S), 0)
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--size", default="80x24", help="terminal COLSxROWS (default 80x24)")
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.seconds, args.speed, args.out)
        return
    cols, rows = (int(x) for x in args.size.lower().split("x"))
    f = parent(args.seconds, (cols, rows), args.speed)
    ok_fps = f["paints_per_s"] >= 20
    ok_cpu = f["cpu_percent_of_one_core"] <= 30
    ok_rss = f["peak_rss_mb"] <= 200
    print(
        f"terminal {cols}x{rows}, simulated live session at speed {args.speed:g}, "
        f"{f['seconds']} s measured after {WARMUP_S:g} s warm-up"
    )
    print(
        f"  trace frames   {f['paints_per_s']:6.1f} /s   (plots computed {f['frames_per_s']}/s)"
        f"   target >= 20   {'ok' if ok_fps else 'MISSED'}"
    )
    print(
        f"  CPU            {f['cpu_percent_of_one_core']:6.1f} %    of one core"
        f"          target <= 30   {'ok' if ok_cpu else 'MISSED'}"
    )
    print(
        f"  peak RSS       {f['peak_rss_mb']:6.1f} MB"
        f"                        target <= 200  {'ok' if ok_rss else 'MISSED'}"
    )
    print(f"  terminal output {f['terminal_bytes_per_s']:.0f} bytes/s; "
          f"samples recorded {f['samples_recorded']}")  # fmt: skip


if __name__ == "__main__":
    main()
