"""Smart-process item rows of the deals table, column by column, for incremental pulls.

Their ids are `T{hex(type)}_{number}` (model.spa_item_id), not numbers, so they are kept
and merged apart from deals: per process, then by number, as a full pull lists them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from funnelkit.model import EntityKind
from funnelkit.store.arrow import rows_to_arrow, table_schema
from funnelkit.store.merge import IdNumbers
from funnelkit.store.packed import table_to_arrow
from funnelkit.store.spool import TableSpool

_pc: Any = pc  # the stubs type pyarrow.compute's kernels by overloads chained calls rarely match
_ITEM_ID = re.compile(r"^T([0-9a-f]+)_(\d+)$")


def item_parts(item_id: str) -> tuple[int, int]:
    """(entityTypeId, number) of an item id; (0, 0) for anything else."""
    match = _ITEM_ID.match(item_id)
    return (int(match[1], 16), int(match[2])) if match else (0, 0)


def item_ids(deals: Sequence[Any]) -> tuple[set[str], dict[int, IdNumbers]]:
    """The ids of the items among `deals`, and their numbers per smart process."""
    items = _items(_deals_arrow(deals))
    ids = {str(i) for i in items.column("id").to_pylist()}
    numbers: dict[int, list[int]] = {}
    for item_id in ids:
        kind, number = item_parts(item_id)
        numbers.setdefault(kind, []).append(number)
    by_type = {
        kind: IdNumbers(np.array(sorted(n), dtype=np.int64), len(n)) for kind, n in numbers.items()
    }
    return ids, by_type


def merge_items(
    target: TableSpool,
    old_deals: Sequence[Any],
    new_items: Sequence[Any],
    drop: set[str],
    processes: set[int],
) -> None:
    """Old items not read again, less those in `drop` and those of processes not in
    `processes`, plus the items read now (read twice: the last copy wins)."""
    old = _items(_deals_arrow(old_deals))
    new = _deals_arrow(new_items)
    last = {str(item_id): i for i, item_id in enumerate(new.column("id").to_pylist())}
    new = new.take(pa.array(sorted(last.values()), type=pa.int64()))
    ids = [str(i) for i in old.column("id").to_pylist()]
    keep = [
        i
        for i, item_id in enumerate(ids)
        if item_id not in last and item_id not in drop and item_parts(item_id)[0] in processes
    ]
    merged = pa.concat_tables([old.take(pa.array(keep, type=pa.int64())), new])
    every = [str(i) for i in merged.column("id").to_pylist()]
    order = sorted(range(merged.num_rows), key=lambda i: item_parts(every[i]))
    target.add_arrow(merged.take(pa.array(order, type=pa.int64())))


def _items(arrow: pa.Table) -> pa.Table:
    if not arrow.num_rows:
        return arrow
    entity = _pc.cast(arrow.column("entity"), pa.string())
    return arrow.filter(_pc.fill_null(_pc.equal(entity, EntityKind.ITEM.value), False))


def _deals_arrow(rows: Sequence[Any]) -> pa.Table:
    """Rows of the deals table as Arrow in the current schema (older files lack columns)."""
    schema = table_schema("deals")
    arrow = table_to_arrow("deals", rows)
    if arrow.schema.equals(schema):
        return arrow
    if arrow.schema.names == schema.names:
        return arrow.cast(schema)
    return rows_to_arrow("deals", list(rows)).cast(schema)
