"""Where perineo keeps a user's data: private by default.

The platform's user data folder (platformdirs), or ``$PERINEO_HOME`` when set (tests, or
several people on one machine). Folders are created 0700 and files 0600.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Literal, TextIO

from platformdirs import user_config_path, user_data_path

from perineo.errors import InputError, StoreError

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
    """Create ``path`` (and missing parents) 0700 whatever the umask; fail with a clear message.

    A folder that already exists keeps its mode: perineo never changes the mode of a folder
    it did not create. One that others can write to is refused.
    """
    missing: list[Path] = []
    here = path
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    try:
        for folder in reversed(missing):
            try:
                folder.mkdir(mode=DIR_MODE)
            except FileExistsError:  # made meanwhile by another process: not ours
                continue
            os.chmod(folder, DIR_MODE)  # ours: mkdir's mode is narrowed by the umask only
        mode = path.stat().st_mode
    except OSError as exc:
        raise StoreError(f"cannot use data folder {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISDIR(mode):
        raise StoreError(f"cannot use data folder {path}: Not a directory")
    if mode & (stat.S_IWGRP | stat.S_IWOTH) and path not in missing:
        raise StoreError(
            f"data folder {path} can be written by other users (mode {stat.S_IMODE(mode):04o}); "
            f"make it private (chmod 700) or set PERINEO_HOME to a private folder"
        )
    return path


def open_private(path: Path, mode: Literal["w", "a"] = "w", *, exclusive: bool = False) -> TextIO:
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


def write_file(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    overwrite: bool = False,
    inputs: tuple[str | os.PathLike[str], ...] = (),
) -> Path:
    """Write ``data`` to ``path`` whole, 0600: a temporary name in the same folder, renamed.

    A failure (disk full) leaves the old file, or nothing; never a cut one. An existing file
    is replaced only with ``overwrite``, and never when it is one of ``inputs`` (the file
    the output was made from). Bad paths are :class:`InputError`, write failures
    :class:`StoreError`; both name the file on one line.
    """
    out = Path(path)
    check_output(out, overwrite=overwrite, inputs=inputs)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    except OSError as exc:
        raise _output_error(out, exc) from None
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), FILE_MODE)
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
            if overwrite:
                os.replace(tmp, out)
            else:
                _link_new(tmp, out)
        except FileExistsError:
            raise InputError(f"{out}: already exists (not overwritten; use --overwrite)").keyed(
                "refusal.exists", path=out
            ) from None
        except OSError as exc:
            raise _output_error(out, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return out


def check_output(
    out: Path, *, overwrite: bool = False, inputs: tuple[str | os.PathLike[str], ...] = ()
) -> None:
    """Refuse an output path that cannot or must not be written, before any work is done."""
    if out.is_dir():
        raise InputError(f"{out}: is a folder; expected a file name")
    if not out.parent.is_dir():
        raise InputError(f"{out}: no such folder {out.parent}")
    if not out.exists():
        return
    for source in inputs:
        with contextlib.suppress(OSError):
            if os.path.samefile(out, source):
                raise InputError(f"{out}: is the input; choose another output file").keyed(
                    "refusal.is_input", path=out
                )
    if not overwrite:
        raise InputError(f"{out}: already exists (not overwritten; use --overwrite)").keyed(
            "refusal.exists", path=out
        )


def _link_new(tmp: str, out: Path) -> None:
    """Give ``tmp`` the name ``out`` only if nothing has that name (a hard link, else rename)."""
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if out.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(out)) from None
        os.replace(tmp, out)


def _output_error(out: Path, exc: OSError) -> InputError | StoreError:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return InputError(f"{out}: no such folder {out.parent}")
    if exc.errno == errno.EISDIR:
        return InputError(f"{out}: is a folder; expected a file name")
    return StoreError(f"{out}: cannot write: {exc.strerror or exc}")
