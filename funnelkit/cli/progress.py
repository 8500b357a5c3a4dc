"""Progress for pulls: rich bars on a terminal, plain lines in CI logs, nothing when quiet."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from funnelkit.connectors.base import NullProgress
from funnelkit.connectors.base import Progress as ProgressProtocol


class BarProgress:
    """One bar per entity with rows, rows/s and ETA."""

    def __init__(self, console: Console) -> None:
        self._bars = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._started: dict[str, float] = {}
        self._done: dict[str, int] = {}

    def start(self, entity: str, total: int | None) -> None:
        if not self._tasks:
            self._bars.start()
        self._tasks[entity] = self._bars.add_task(entity, total=total, rate="")
        self._started[entity] = time.monotonic()
        self._done[entity] = 0

    def advance(self, entity: str, rows: int) -> None:
        self._done[entity] = self._done.get(entity, 0) + rows
        elapsed = max(time.monotonic() - self._started.get(entity, time.monotonic()), 1e-6)
        rate = f"{self._done[entity] / elapsed:,.0f} rows/s"
        self._bars.update(self._tasks[entity], advance=rows, rate=rate)

    def finish(self, entity: str) -> None:
        task = self._tasks[entity]
        self._bars.update(task, total=self._done.get(entity, 0), completed=self._done[entity])
        if all(t.finished for t in self._bars.tasks):
            self._bars.stop()


class LineProgress:
    """Plain lines for logs: one when an entity starts and one when it ends."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._started: dict[str, float] = {}
        self._done: dict[str, int] = {}

    def start(self, entity: str, total: int | None) -> None:
        self._started[entity] = time.monotonic()
        self._done[entity] = 0
        about = f" (about {total:,} rows)" if total else ""
        self._console.print(f"reading {entity}{about}", markup=False)

    def advance(self, entity: str, rows: int) -> None:
        self._done[entity] = self._done.get(entity, 0) + rows

    def finish(self, entity: str) -> None:
        elapsed = time.monotonic() - self._started.get(entity, time.monotonic())
        rows = self._done.get(entity, 0)
        self._console.print(f"read {entity}: {rows:,} rows in {elapsed:.1f} s", markup=False)


def make_progress(console: Console, quiet: bool) -> ProgressProtocol:
    """The right progress display for where output goes."""
    if quiet:
        return NullProgress()
    if console.is_terminal:
        return BarProgress(console)
    return LineProgress(console)
