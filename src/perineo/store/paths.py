"""Where perineo keeps a user's data: private by default.

The platform's user data folder (platformdirs), or ``$PERINEO_HOME`` when set (tests, or
several people on one machine). Folders are created 0700 and files 0600.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from platformdirs import user_config_path, user_data_path

from perineo.errors import StoreError

ENV_HOME = "PERINEO_HOME"
DIR_MODE = 0o700
FILE_MODE = 0o600


def data_dir(create: bool = True) -> Path:
    """The folder holding the training record (database, recordings)."""
    home = os.environ.get(ENV_HOME)
    path = Path(home).expanduser() if home else user_data_path("perineo", appauthor=False)
    if create:
        ensure_private_dir(path)
    return path


def config_dir(create: bool = False) -> Path:
    """The folder for user programs and settings (``$PERINEO_HOME/config`` when set)."""
    home = os.environ.get(ENV_HOME)
    path = (
        Path(home).expanduser() / "config" if home else user_config_path("perineo", appauthor=False)
    )
    if create:
        ensure_private_dir(path)
    return path


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable only by the user; fail with a clear message."""
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)
    except OSError as exc:
        raise StoreError(f"cannot use data folder {path}: {exc.strerror or exc}") from exc
    return path


def open_private(path: Path, mode: str = "w", *, exclusive: bool = False) -> TextIO:
    """Open ``path`` for writing text, created 0600 (never widening an existing file)."""
    flags = os.O_WRONLY | os.O_CREAT
    flags |= os.O_EXCL if exclusive else 0
    flags |= os.O_APPEND if "a" in mode else os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode, encoding="utf-8", newline="")
    except BaseException:
        os.close(fd)
        raise
