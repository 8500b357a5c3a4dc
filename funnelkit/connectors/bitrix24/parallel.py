"""Tables read as parallel id ranges: each range maps its own rows, joined in id order after."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.connectors.bitrix24 import mapping, mapping_events, paging
from funnelkit.connectors.bitrix24.jobs import Job
from funnelkit.connectors.bitrix24.paging import Cursor
from funnelkit.connectors.bitrix24.tables import Tables

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
    out: list[Any] = field(default_factory=list)
    positions: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def entity(self) -> str:
        """The table this range belongs to."""
        return self.cursor.spec.entity

    def sink(self, rows: list[dict[str, Any]]) -> None:
        """Map one page; a range's pages arrive in id order from its one chain."""
        lead = _HISTORY.get(self.entity)
        if lead is not None:
            self.out.extend(mapping_events.transitions(rows, lead=lead, last=self.positions))
        else:
            self.out.extend(map(_MAPPERS[self.entity][1], rows))


def plan_parts(cursors: list[Cursor], concurrency: int) -> list[Part]:
    """Every cursor cut into id ranges, in table then id order.

    Ranges aim at an equal share of all the batches, so only a table longer than its share
    (the one the pull would otherwise wait for) is cut: each cut may cost a partial batch.
    """
    units = [_units(c) for c in cursors]
    share = max(paging.MIN_PART_UNITS, math.ceil(sum(units) / max(1, concurrency)))
    return [
        Part(piece)
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
    """Hand every range's rows to the tables in id order, joining history across ranges."""
    for part in parts:
        if part.entity in _HISTORY:
            tables.transitions.extend(mapping_events.rechain(part.out, tables.positions))
        else:
            getattr(tables, _MAPPERS[part.entity][0]).extend(part.out)
        part.out = []


def last_ids(parts: list[Part]) -> dict[str, int]:
    """Where each history table's read ended (the next incremental pull starts there)."""
    out: dict[str, int] = {}
    for part in parts:
        if part.entity in _HISTORY:
            out[part.entity] = max(out.get(part.entity, 0), part.cursor.after)
    return out
