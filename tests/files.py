"""Small helpers about files for the tests."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest


def file_mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


def rss_kb(argv: list[str]) -> int:
    """The largest resident size of ``argv`` (kB), measured by ``/usr/bin/time``: a child
    forked from pytest would count pytest's own pages in its high-water mark."""
    timer = shutil.which("time", path="/usr/bin:/bin")
    if timer is None:
        pytest.skip("no /usr/bin/time to measure the resident size")
    done = subprocess.run(
        [timer, "-f", "maxrss=%M", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    err = done.stderr.decode()
    assert done.returncode == 0, err
    return int(err.rsplit("maxrss=", 1)[1].split()[0])
