"""The HTML report renders in headless Chromium: the numbers are in the rendered DOM and the
screenshot is a full-size, non-blank image. Skipped where Chromium is not installed (CI
installs it: .ci/run)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from perineo.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SIZE = (1200, 1700)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, timeout=60, check=False)


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return size[0], size[1], zlib.decompress(idat)


@pytest.mark.xdist_group("two-assessments")
def test_report_renders_with_its_numbers(two_assessments: Path, capsys):
    page = two_assessments / "report.html"
    assert main(["report", "assessment:2", "--out", str(page)]) == 0
    assert main(["report", "assessment:2", "--format", "json"]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    dom = chromium(two_assessments / "p1", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-500:]
    text = dom.stdout.decode("utf-8")
    assert f'id="perfect">{doc["perfect"]}<' in text
    assert "P-0042" in text and doc["summary"] in text

    shot = two_assessments / "shot.png"
    w, h = SIZE
    run = chromium(
        two_assessments / "p2", f"--screenshot={shot}", f"--window-size={w},{h}", page.as_uri()
    )
    assert run.returncode == 0 and shot.exists(), run.stderr[-500:]
    width, height, raw = png_pixels(shot.read_bytes())
    assert (width, height) == SIZE
    # a blank page filters to (almost) all zero bytes; text, tables and the trace do not
    busy = sum(b not in (0, 255) for b in raw[:: max(1, len(raw) // 200_000)])
    assert busy / min(len(raw), 200_000) > 0.01
