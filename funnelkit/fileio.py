"""Atomic file writes: a crash leaves the old file or the new one, never half of either.

Every file funnelkit writes (snapshots, reports, plans, state, token files) goes through
here: a temporary file beside the target, fsync, then rename. Files are created with mode
0600 because they hold a client's data or credentials.

A target that already exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named
pipe) is written in place: renaming over it would replace the device or pipe with a regular
file, which as root breaks `/dev/null` for the whole machine.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """An open binary file that replaces `path` only when the block ends without error."""
    target = Path(path)
    if _special(target):
        with open(target, "wb") as stream:
            yield stream
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _special(target: Path) -> bool:
    """True when `target` exists (following symlinks) and is not a regular file or a folder."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Replace a file's content in one step (text is written as UTF-8)."""
    with atomic_file(path) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
