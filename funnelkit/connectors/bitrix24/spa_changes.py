"""Smart-process items in `pull --since-snapshot`: changed ones, deleted ones, the merge.

Items of the processes the old snapshot knew are read only when changed since it, by
`>=updatedTime` as deals are (bitrix24.md §7.3; spa.py adds the filter). Deleted ones are
found as deleted deals are (incremental.py): one counted read per process of the ids up
to the old highest rides in the first batch, and only a process whose count fell is swept
id by id. Ids are never reused (§3), so an equal count means nothing was deleted.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from funnelkit.connectors.base import NullProgress
from funnelkit.connectors.bitrix24.client import BatchResult, Bitrix24Client, command
from funnelkit.connectors.bitrix24.jobs import Job, run_jobs
from funnelkit.connectors.bitrix24.paging import Cursor, ListSpec
from funnelkit.model import EntityKind, spa_item_id
from funnelkit.store.arrow import rows_to_arrow, table_schema
from funnelkit.store.merge import IdNumbers
from funnelkit.store.packed import table_to_arrow
from funnelkit.store.spool import TableSpool

_pc: Any = pc  # the stubs type pyarrow.compute's kernels by overloads chained calls rarely match
_ITEM_ID = re.compile(r"^T([0-9a-f]+)_(\d+)$")  # spa_item_id: T{hex(type)}_{number}
# §12 / §6.1: a smart process deleted since the old pull answers NOT_FOUND.
_GONE_TYPE = {"NOT_FOUND"}


def _parts(item_id: str) -> tuple[int, int]:
    match = _ITEM_ID.match(item_id)
    return (int(match[1], 16), int(match[2])) if match else (0, 0)


class OldItems:
    """The old snapshot's smart-process items: their ids, and their numbers per process."""

    def __init__(self, deals: Sequence[Any]) -> None:
        arrow = _deals_arrow(deals)
        items = arrow.filter(_is_item(arrow)) if arrow.num_rows else arrow
        self.ids: set[str] = {str(i) for i in items.column("id").to_pylist()}
        numbers: dict[int, list[int]] = {}
        for item_id in self.ids:
            kind, number = _parts(item_id)
            numbers.setdefault(kind, []).append(number)
        self.by_type = {
            kind: IdNumbers(np.array(sorted(n), dtype=np.int64), len(n))
            for kind, n in numbers.items()
        }

    def count_commands(self) -> dict[str, str]:
        """One counted read per process of its ids up to the old highest (§3: `start=0`)."""
        return {
            f"n_items_{kind}": command(
                "crm.item.list",
                {"entityTypeId": kind, "filter": {"<=id": ids.max()}, "select": ["id"], "start": 0},
            )
            for kind, ids in sorted(self.by_type.items())
        }

    def deleted(self, client: Bitrix24Client, first: BatchResult, max_wait: float) -> set[str]:
        """Items of the old snapshot that are gone from the portal."""
        gone: set[str] = set()
        for kind, ids in sorted(self.by_type.items()):
            name = f"n_items_{kind}"
            if name in first.errors:
                if first.errors[name][0].upper() not in _GONE_TYPE:
                    client.raise_for(first, name, "crm.item.list")
                alive = array("q")  # the whole process is gone, its items with it
            elif first.total.get(name, -1) == len(ids):
                continue
            else:
                alive = _sweep(client, kind, ids.max(), max_wait)
            gone.update(spa_item_id(kind, n) for n in ids.missing_from(alive))
        return gone


def _sweep(client: Bitrix24Client, kind: int, top: int, max_wait: float) -> array[int]:
    """Every item number of one process up to `top`: `select` id only, keyset in batches."""
    base = {"entityTypeId": kind, "select": ["id"]}
    spec = ListSpec(f"item_ids_{kind}", "crm.item.list", "id", "id", "items", base)
    alive = array("q")
    cursor = Cursor(spec, extra={"<=id": top}, max_id=top)

    def sink(rows: list[dict[str, Any]]) -> None:
        alive.extend(spec.id_of(r) for r in rows)

    run_jobs(client, [Job(cursor, sink)], NullProgress(), max_wait=max_wait)
    return alive


def merge_items(
    target: TableSpool,
    old_deals: Sequence[Any],
    new_items: Sequence[Any],
    drop: set[str],
    processes: set[int],
) -> None:
    """Old items not read again, less the deleted ones and those of processes gone, plus
    the items read now; in process then id order, as a full pull lists them."""
    old = _deals_arrow(old_deals)
    if old.num_rows:
        old = old.filter(_is_item(old))
    new = _deals_arrow(new_items)
    last = {str(item_id): i for i, item_id in enumerate(new.column("id").to_pylist())}
    new = new.take(pa.array(sorted(last.values()), type=pa.int64()))  # read twice: last wins
    ids = [str(i) for i in old.column("id").to_pylist()]
    keep = [
        i
        for i, item_id in enumerate(ids)
        if item_id not in last and item_id not in drop and _parts(item_id)[0] in processes
    ]
    merged = pa.concat_tables([old.take(pa.array(keep, type=pa.int64())), new])
    every = [str(i) for i in merged.column("id").to_pylist()]
    order = sorted(range(merged.num_rows), key=lambda i: _parts(every[i]))
    target.add_arrow(merged.take(pa.array(order, type=pa.int64())))


def _is_item(arrow: pa.Table) -> Any:
    entity = _pc.cast(arrow.column("entity"), pa.string())
    return _pc.fill_null(_pc.equal(entity, EntityKind.ITEM.value), False)


def _deals_arrow(rows: Sequence[Any]) -> pa.Table:
    """Rows of the deals table as Arrow in the current schema (older files lack columns)."""
    schema = table_schema("deals")
    arrow = table_to_arrow("deals", rows)
    if arrow.schema.equals(schema):
        return arrow
    if arrow.schema.names == schema.names:
        return arrow.cast(schema)
    return rows_to_arrow("deals", list(rows)).cast(schema)
