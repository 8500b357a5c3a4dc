"""Where a Bitrix24 pull puts rows as they arrive, shared by the serial and parallel readers.

Its own module so that `parallel.py` can fill it without importing `pull.py`, which
drives `parallel.py`. Row tables are spools (store/spool.py): pages go to Parquet row groups
as they arrive, so the pull's memory does not grow with the portal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.connectors.bitrix24.positions import Positions
from funnelkit.store.spool import TableSpool


def _spool(table: str) -> Callable[[], TableSpool]:
    return lambda: TableSpool(table)


@dataclass
class Tables:
    """Rows as they arrive, mapped; `positions` chains stage history per deal."""

    deals: TableSpool = field(default_factory=_spool("deals"))
    # Smart-process items: rows of the deals table, kept apart until the snapshot is built
    # (their ids are no numbers: an incremental pull merges them on their own, spa_changes.py).
    items: TableSpool = field(default_factory=_spool("deals"))
    transitions: TableSpool = field(default_factory=_spool("transitions"))
    activities: TableSpool = field(default_factory=_spool("activities"))
    contacts: TableSpool = field(default_factory=_spool("contacts"))
    companies: TableSpool = field(default_factory=_spool("companies"))
    users: list[Any] = field(default_factory=list)
    positions: Positions = field(default_factory=Positions)
