"""The app in a real terminal: ``perineo train --sim`` inside tmux, read back from the screen.

Needs ``tmux`` (CI installs it); skipped with a clear reason where it is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session)


def _wait_for(session: str, text: str, timeout_s: float) -> str:
    end = time.monotonic() + timeout_s
    screen = ""
    while time.monotonic() < end:
        screen = _screen(session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear within {timeout_s} s; screen:\n{screen}")


def test_simulated_session_in_tmux(home: Path) -> None:
    session = f"perineo-test-{uuid.uuid4().hex[:8]}"
    command = [
        sys.executable, "-m", "perineo", "train", "--sim", "--speed", "60", "--seed", "7",
        "--sets", "1", "--reps", "2",
    ]  # fmt: skip
    env = {
        "PERINEO_HOME": str(home),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
    }
    env_args = [f"{k}={v}" for k, v in env.items()]
    _tmux(
        "new-session", "-d", "-s", session, "-x", "80", "-y", "24",
        "env", "-i", *env_args, *command,
    )  # fmt: skip
    try:
        calibrating = _wait_for(session, "Calibration", 20)
        assert "Step" in calibrating
        _wait_for(session, "Probe: sim-live#7", 10)
        training = _wait_for(session, "Set 1/1", 40)
        assert "Rep " in training
        _wait_for(session, "End session", 10)  # the footer shows the keys
        _wait_for(session, "Session summary", 40)
        summary = _wait_for(session, "Saved to your training record", 10)
        assert "Set 1:" in summary
        _tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            gone = subprocess.run(["tmux", "has-session", "-t", session], capture_output=True)
            if gone.returncode != 0:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the app did not quit on 'q'")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    recordings = list((home / "recordings").glob("session-*.csv"))
    assert len(recordings) == 1
