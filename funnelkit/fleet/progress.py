"""Progress of one portal among many: plain lines named by the portal, never bars.

Bars from several threads would overwrite each other; a line per entity started and
finished, prefixed with the portal's name, reads well both on a terminal and in CI logs.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class PortalProgress:
    """The connectors' Progress protocol, reported as `<portal>: …` lines."""

    def __init__(self, portal: str, say: Callable[[str], None]) -> None:
        self._portal = portal
        self._say = say
        self._started: dict[str, float] = {}
        self._rows: dict[str, int] = {}

    def start(self, entity: str, total: int | None) -> None:
        """An entity begins."""
        self._started[entity] = time.monotonic()
        self._rows[entity] = 0
        about = f" (about {total:,} rows)" if total else ""
        self._say(f"{self._portal}: reading {entity}{about}")

    def advance(self, entity: str, rows: int) -> None:
        """Rows arrived."""
        self._rows[entity] = self._rows.get(entity, 0) + rows

    def finish(self, entity: str) -> None:
        """An entity is complete."""
        elapsed = time.monotonic() - self._started.get(entity, time.monotonic())
        rows = self._rows.get(entity, 0)
        self._say(f"{self._portal}: read {entity}: {rows:,} rows in {elapsed:.1f} s")
