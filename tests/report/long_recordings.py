"""Long recordings written to real files: hours of rest before a simulated assessment, or an
assessment repeated. Written a piece at a time, as ``perineo sim`` writes its recordings, in
the text ``format_rows`` writes (``rows``: the same text, made four times faster)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from perineo.recording import format_rows
from perineo.samples import Channel, SampleBlock
from perineo_sim import load_scenario, simulate

PIECE_S = 3600.0  # seconds of rest formatted at once
CHECKED = 1000  # rows of every piece also formatted by ``format_rows``, to compare


def rows(block: SampleBlock, channels: tuple[Channel, ...]) -> str:
    """``format_rows(block, channels)``, formatted a row at a time by Python's ``%`` (numpy's
    ``np.char`` formats each cell as a Python object too, then joins fixed-width arrays: 12 h
    of rest took half a minute). The first rows are compared with ``format_rows`` itself, so
    the file is the one perineo would write."""
    if len(block) == 0:
        return ""
    row = ",".join(["%.4f", *("%.3f" for _ in channels)])
    cols = [block.t.tolist(), *(block.data[c].tolist() for c in channels)]
    text = "\n".join(map(row.__mod__, zip(*cols, strict=True))) + "\n"
    assert text.startswith(format_rows(block.slice(0, CHECKED), channels))
    return text


def assessment(rate: float = 50.0, seed: int = 1) -> SampleBlock:
    """A simulated PERFECT assessment (the shipped ``perfect`` scenario) at ``rate``."""
    scenario = dataclasses.replace(load_scenario("perfect"), sample_rate_hz=rate)
    return simulate(scenario, seed).block


def rest_then_assessment(path: Path, rest_s: float, block: SampleBlock) -> float:
    """Write ``rest_s`` seconds of quiet breathing at the assessment's own resting levels,
    then ``block`` after it; return the time ``block`` was moved by."""
    dt = float(np.median(np.diff(block.t)))
    lead = round(rest_s / dt)
    rng = np.random.default_rng(0)
    level = {c: float(np.median(v[: int(3.0 / dt)])) for c, v in block.data.items()}
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("t," + ",".join(c.value for c in block.channels) + "\n")
        step = int(PIECE_S / dt)
        for a in range(0, lead, step):
            t = np.arange(a, min(a + step, lead)) * dt
            breath = 0.4 * np.sin(2 * np.pi * t / 4.0)
            data = {
                c: level[c] + breath + 0.05 * rng.standard_normal(len(t)) for c in block.channels
            }
            fh.write(rows(SampleBlock(t, data), block.channels))
        shift = lead * dt - float(block.t[0]) + dt
        fh.write(rows(SampleBlock(block.t + shift, dict(block.data)), block.channels))
    return shift


def repeated(path: Path, block: SampleBlock, times: int) -> None:
    """``block`` written ``times`` times, one after the other."""
    dt = float(np.median(np.diff(block.t)))
    span = float(block.t[-1] - block.t[0]) + dt
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("t," + ",".join(c.value for c in block.channels) + "\n")
        for i in range(times):
            moved = SampleBlock(block.t + i * span, dict(block.data))
            fh.write(rows(moved, block.channels))
