"""Atomic writes replace regular files, and write devices and pipes in place."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from funnelkit.fileio import write_atomic

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")


def test_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old content that is longer", encoding="utf-8")
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def _written_through(pipe: Path, target: Path, data: str | bytes) -> bytes:
    """What a reader of `pipe` receives while `data` is written to `target`."""
    # a non-blocking reader is open first, so the writer's open() neither blocks nor fails
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(target, data)
        try:
            return os.read(reader, 1 << 16)
        except BlockingIOError:
            return b""
    finally:
        os.close(reader)


@needs_fifo
def test_named_pipe_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    assert _written_through(fifo, fifo, "through the pipe") == b"through the pipe"
    # still a pipe: a rename over it would have left a regular file here
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@needs_fifo
def test_symlink_to_pipe_keeps_the_link_and_the_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    assert _written_through(fifo, link, b"bytes") == b"bytes"
    assert link.is_symlink()
    assert stat.S_ISFIFO(fifo.stat().st_mode)
