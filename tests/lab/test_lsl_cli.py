"""``--lsl`` from the command line: a live session seen by an inlet in another process, and
perineo without pylsl (unchanged, or one line saying how to install it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest

SHORT = """
name = "short"
channels = ["squeeze", "abdominal", "tilt"]
sample_rate_hz = 100

[[block]]
kind = "basic"
count = 3
hold_s = 3
rest_s = 4
strength_cmH2O = 30
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PERINEO_HOME"] = str(home)
    return env


@pytest.mark.slow
def test_without_lsl_nothing_of_lsl_is_loaded(tmp_path: Path) -> None:
    code = (
        "import sys; from perineo.cli import main; "
        f"rc = main(['record', '--sim', {str(tmp_path / 's.toml')!r}, '--speed', 'inf', "
        f"'--out', {str(tmp_path / 'r.csv')!r}, '--no-store']); "
        "assert rc == 0, rc; "
        "print(sorted(m for m in sys.modules if 'lsl' in m))"
    )
    (tmp_path / "s.toml").write_text(SHORT)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env=_env(tmp_path / "home"),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"  # no pylsl, no outlet, no inlet
    assert "--lsl" not in out.stderr and "Lab Streaming" not in out.stderr


@pytest.mark.slow
def test_missing_pylsl_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Where pylsl cannot be imported, ``--lsl`` says in one line how to get it: ``record``
    as a whole process (its exit status, all it writes), ``assess`` and ``train`` in this
    one (``capfd`` reads the file descriptors, so liblsl's own output would show too)."""
    fake = tmp_path / "nolsl" / "pylsl"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no liblsl here')\n")
    (tmp_path / "s.toml").write_text(SHORT)
    env = _env(tmp_path / "home")
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "nolsl"), env.get("PYTHONPATH", "")])
    argv = ["record", "--sim", str(tmp_path / "s.toml"), "--out", str(tmp_path / "r.csv")]
    out = subprocess.run(
        [sys.executable, "-m", "perineo", *argv, "--lsl"],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert out.stderr == "perineo: LSL needs: pip install 'perineo[lab]'\n"
    assert out.stdout == ""
    assert not (tmp_path / "r.csv").exists()

    from perineo.cli import main

    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    monkeypatch.setitem(sys.modules, "pylsl", None)  # `import pylsl` raises ImportError
    for args in (
        ["assess", "--patient", "p1", "--sim", "--no-ui", "--lsl"],
        ["train", "--sim", "--lsl"],
    ):
        assert main(args) == 1, args
        got = capfd.readouterr()
        assert got.err == "perineo: LSL needs: pip install 'perineo[lab]'\n", args


def _pull_all(inlet: Any, until: float, stop: Any) -> tuple[list, list[float]]:
    values: list = []
    stamps: list[float] = []
    while time.monotonic() < until:
        v, ts = inlet.pull_chunk(timeout=0.1, max_samples=10_000)
        values += v
        stamps += ts
        if stop(values):
            break
    return values, stamps


@pytest.mark.slow
def test_record_lsl_seen_by_an_inlet_in_another_process(tmp_path: Path) -> None:
    pylsl = pytest.importorskip("pylsl")
    name = f"perineo-cli-{uuid.uuid4().hex[:8]}"
    (tmp_path / "s.toml").write_text(SHORT)
    cmd = [
        sys.executable, "-m", "perineo", "record", "--sim", str(tmp_path / "s.toml"),
        "--speed", "3", "--out", str(tmp_path / "r.csv"), "--no-store", "--lsl", name,
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=_env(tmp_path / "home"), stderr=subprocess.PIPE, text=True)
    try:
        found_m = pylsl.resolve_byprop("name", f"{name}-markers", 1, 30.0)
        found_d = pylsl.resolve_byprop("name", name, 1, 30.0)
        assert found_m and found_d
        marks = pylsl.StreamInlet(found_m[0], max_buflen=600)
        data = pylsl.StreamInlet(found_d[0], max_buflen=600)
        marks.open_stream(5.0)
        data.open_stream(5.0)
        deadline = time.monotonic() + 60
        got_m: list = []
        got_mt: list[float] = []
        got_d: list[float] = []
        while time.monotonic() < deadline and proc.poll() is None:
            v, ts = marks.pull_chunk(timeout=0.05)
            got_m += v
            got_mt += ts
            _, dts = data.pull_chunk(timeout=0.05, max_samples=10_000)
            got_d += dts
        _, dts = data.pull_chunk(timeout=0.5, max_samples=10_000)
        got_d += dts
        v, ts = marks.pull_chunk(timeout=0.5)
        got_m += v
        got_mt += ts
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert "Lab Streaming Layer" in (proc.stderr.read() if proc.stderr else "")
    events = [json.loads(m[0]) for m in got_m]
    names = {e["event"] for e in events}
    assert {"hold_start", "release", "end", "repetition"} <= names
    d = np.asarray(got_d)
    assert len(d) > 1000
    for e, ts in zip(events, got_mt, strict=True):
        if d[0] <= ts <= d[-1]:  # markers of samples this inlet received
            assert float(np.min(np.abs(d - ts))) <= 0.01 + 1e-9, e


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_live_train_sim_lsl_seen_by_an_inlet_in_another_process(tmp_path: Path) -> None:
    """``perineo train --sim --lsl`` in a real terminal; this test process is the inlet."""
    pylsl = pytest.importorskip("pylsl")
    name = f"perineo-train-{uuid.uuid4().hex[:8]}"
    session = f"perineo-lsl-{uuid.uuid4().hex[:8]}"
    command = [
        sys.executable, "-m", "perineo", "train", "--sim", "--speed", "6", "--seed", "7",
        "--sets", "1", "--reps", "2", "--no-record", "--lsl", name,
    ]  # fmt: skip
    env = {
        "PERINEO_HOME": str(tmp_path / "home"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
    }
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
         "env", "-i", *[f"{k}={v}" for k, v in env.items()], *command],
        check=True, timeout=10,
    )  # fmt: skip
    try:
        found = pylsl.resolve_byprop("name", f"{name}-markers", 1, 30.0)
        assert found, "the marker stream did not appear"
        marks = pylsl.StreamInlet(found[0], max_buflen=600)
        marks.open_stream(5.0)
        data_found = pylsl.resolve_byprop("name", name, 1, 30.0)
        assert data_found, "the data stream did not appear"
        data = pylsl.StreamInlet(data_found[0], max_buflen=600)
        data.open_stream(5.0)

        def scored(values: list) -> bool:
            return any(json.loads(v[0])["event"] == "score" for v in values)

        values, _ = _pull_all(marks, time.monotonic() + 120, scored)
        samples, stamps = data.pull_chunk(timeout=1.0, max_samples=100_000)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    events = [json.loads(v[0]) for v in values]
    assert scored(values), [e["event"] for e in events]
    assert any(e["event"] == "cue" and e["phase"] == "squeeze" for e in events)
    assert any(e["event"] == "onset" for e in events)
    score = next(e for e in events if e["event"] == "score")
    assert 0 <= score["score"] <= 100 and score["set"] == 1
    assert len(stamps) > 0 and len(samples[0]) == 3


def test_the_lsl_source_without_pylsl_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``lsl`` kind is listed with or without pylsl; opening it without says how to get it."""
    from perineo.lab.lsl_support import LabError
    from perineo.sources.registry import kinds, open_source

    monkeypatch.setitem(sys.modules, "pylsl", None)  # `import pylsl` raises ImportError
    assert "lsl" in kinds()
    with pytest.raises(LabError) as err:
        open_source("lsl", name="perineo-left")
    assert str(err.value) == "LSL needs: pip install 'perineo[lab]'"
