"""Tables read as parallel id ranges: each range maps its own rows, joined in id order after.

Each range streams its rows to a spool of its own (store/spool.py) as pages arrive; joining
copies the ranges' row groups into the table's spool in id order, one row group in memory.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.connectors.bitrix24 import mapping, mapping_events, paging
from funnelkit.connectors.bitrix24.jobs import Job
from funnelkit.connectors.bitrix24.paging import Cursor
from funnelkit.connectors.bitrix24.positions import Positions
from funnelkit.connectors.bitrix24.tables import Tables
from funnelkit.store.columns import Interner
from funnelkit.store.lazyload import ArrowRows
from funnelkit.store.spool import TableSpool

# entity -> (Tables field, row mapper); stage history is chained per deal instead (below).
_MAPPERS: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "users": ("users", mapping.user),
    "deals": ("deals", mapping.deal),
    "leads": ("deals", mapping.lead),
    "activities": ("activities", mapping_events.activity),
    "tasks": ("activities", mapping_events.task),
    "contacts": ("contacts", mapping.contact),
    "companies": ("companies", mapping.company),
}
_HISTORY = {"deal_history": False, "lead_history": True}  # entity -> rows are of leads


@dataclass
class Part:
    """One id range's mapped rows; history keeps its own per-deal positions until joined."""

    cursor: Cursor
    mapper: Callable[[dict[str, Any]], Any] | None = None  # smart-process items (spa.py)
    users: list[Any] = field(default_factory=list)  # users belong to the structure, no spool
    positions: Positions = field(default_factory=Positions)
    spool: TableSpool | None = None

    @property
    def entity(self) -> str:
        """The table this range belongs to."""
        return self.cursor.spec.entity

    @property
    def table(self) -> str:
        """The snapshot table its rows go to (the `items` spool for smart-process items)."""
        if self.mapper is not None:
            return "items"
        return "transitions" if self.entity in _HISTORY else _MAPPERS[self.entity][0]

    def sink(self, rows: list[dict[str, Any]]) -> None:
        """Map one page; a range's pages arrive in id order from its one chain."""
        if self.entity == "users":
            self.users.extend(map(mapping.user, rows))
            return
        if self.spool is None:
            self.spool = TableSpool("deals" if self.mapper is not None else self.table)
        if self.mapper is not None:
            self.spool.add(map(self.mapper, rows))
            return
        lead = _HISTORY.get(self.entity)
        if lead is not None:
            self.spool.add(mapping_events.transitions(rows, lead=lead, last=self.positions))
        else:
            self.spool.add(map(_MAPPERS[self.entity][1], rows))


def plan_parts(
    cursors: list[Cursor],
    concurrency: int,
    mappers: dict[str, Callable[[dict[str, Any]], Any]] | None = None,
) -> list[Part]:
    """Every cursor cut into id ranges, in table then id order.

    Ranges aim at an equal share of all the batches, so only a table longer than its share
    (the one the pull would otherwise wait for) is cut: each cut may cost a partial batch.
    """
    units = [_units(c) for c in cursors]
    share = max(paging.MIN_PART_UNITS, math.ceil(sum(units) / max(1, concurrency)))
    mappers = mappers or {}
    return [
        Part(piece, mappers.get(cursor.spec.entity))
        for cursor, size in zip(cursors, units, strict=True)
        for piece in paging.split(cursor, min(concurrency, math.ceil(size / share)))
    ]


def _units(cursor: Cursor) -> int:
    """Batches' worth of ids left in a cursor (0 when done or unknown)."""
    if cursor.done or cursor.max_id is None:
        return 0
    return math.ceil(max(0, cursor.max_id - cursor.after) / paging.PART_IDS)


def jobs_of(parts: list[Part]) -> list[Job]:
    """One keyset chain per range; a table's ranges share one progress bar."""
    return [Job(part.cursor, part.sink, label=part.entity) for part in parts]


def collect(tables: Tables, parts: list[Part]) -> None:
    """Hand every range's rows to the tables in id order, joining history across ranges.

    History is rechained row by row only where an earlier range or an earlier pull may have
    seen a deal; a range that needs nothing of the others is taken over as it is.
    """
    seeded = len(tables.positions) > 0
    ranges = Counter(part.entity for part in parts)
    for part in parts:
        if part.entity == "users":
            tables.users.extend(part.users)
            part.users = []
            continue
        if part.spool is None:
            continue
        chain = part.entity in _HISTORY and (seeded or ranges[part.entity] > 1)
        target: TableSpool = getattr(tables, part.table)
        if not chain and target.empty:
            setattr(tables, part.table, part.spool)
        else:
            for group in part.spool.row_groups():
                if chain:
                    rows = ArrowRows("transitions", group, Interner(), "stage history").all()
                    target.add(mapping_events.rechain(rows, tables.positions))
                else:
                    target.add_arrow(group)
        part.spool = None


def last_ids(parts: list[Part]) -> dict[str, int]:
    """Where each history table's read ended (the next incremental pull starts there)."""
    out: dict[str, int] = {}
    for part in parts:
        if part.entity in _HISTORY:
            out[part.entity] = max(out.get(part.entity, 0), part.cursor.after)
    return out
