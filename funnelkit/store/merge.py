"""Incremental merges column by column: an old snapshot's table and the rows read since.

An incremental pull changes a few rows of a big snapshot. Merging through row objects would
turn every old row into one (a million-deal snapshot: gigabytes); here the old table stays
Arrow, as the loader holds it, and the merge is a filter, a concatenation and one sort.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from funnelkit.index.sorting import distinct
from funnelkit.store.arrow import table_schema
from funnelkit.store.packed import table_to_arrow
from funnelkit.store.spool import TableSpool

# The stubs type pyarrow.compute's kernels by overloads that chained calls rarely match.
_pc: Any = pc
_DIGITS = "^[0-9]{1,18}$"  # what fits an int64; longer "numbers" sort as 0


def id_numbers(ids: pa.ChunkedArray[Any] | pa.Array[Any], strip: str) -> pa.Array[Any]:
    """The number in each id after leading `strip` characters ("L12" → 12), else 0."""
    column = _pc.cast(ids, pa.string())
    bare = _pc.utf8_ltrim(column, characters=strip) if strip else column
    numeric = _pc.fill_null(_pc.match_substring_regex(bare, _DIGITS), False)
    chosen = _pc.if_else(numeric, bare, pa.scalar("0"))
    result: pa.Array[Any] = _pc.cast(chosen, pa.int64())
    return result


@dataclass(frozen=True)
class Order:
    """Sort by (`flag` column starts with `prefix`, the number in the `number` column)."""

    number: str = "id"
    flag: str | None = None
    prefix: str = ""
    strip: str = ""


def _arrow(table: str, rows: Sequence[Any]) -> pa.Table:
    schema = table_schema(table)
    arrow = table_to_arrow(table, rows)
    if arrow.schema.equals(schema):
        return arrow
    if arrow.schema.names == schema.names:
        return arrow.cast(schema)
    # an older file without some optional column: its row objects fill in the defaults
    return table_to_arrow(table, list(rows)).cast(schema)


def _last_of_each_id(arrow: pa.Table) -> pa.Table:
    """Rows read twice (re-read margins) count once: the copy read last wins."""
    last = {row_id: index for index, row_id in enumerate(arrow.column("id").to_pylist())}
    if len(last) == arrow.num_rows:
        return arrow
    return arrow.take(pa.array(sorted(last.values()), type=pa.int64()))


def merge_into(
    target: TableSpool,
    old_rows: Sequence[Any],
    new_rows: Sequence[Any],
    order: Order,
    *,
    drop: Collection[str] = (),
    drop_column: str = "id",
) -> None:
    """Old rows not read again, plus the new ones, less rows whose `drop_column` is in `drop`,
    sorted by `order`, into `target`."""
    table = target.table
    new = _last_of_each_id(_arrow(table, new_rows))
    old = _arrow(table, old_rows)
    if new.num_rows:
        old = old.filter(_pc.invert(_pc.is_in(old.column("id"), value_set=new.column("id"))))
    merged = pa.concat_tables([old, new])
    if drop:
        gone = _pc.is_in(merged.column(drop_column), value_set=pa.array(sorted(drop)))
        merged = merged.filter(_pc.invert(_pc.fill_null(gone, False)))
    keys: dict[str, Any] = {}
    if order.flag is not None:
        flag = _pc.starts_with(_pc.cast(merged.column(order.flag), pa.string()), order.prefix)
        keys["flag"] = _pc.fill_null(flag, False)
    keys["number"] = id_numbers(merged.column(order.number), order.strip)
    indices = _pc.sort_indices(pa.table(keys), sort_keys=[(k, "ascending") for k in keys])
    target.add_arrow(merged.take(indices))


class IdNumbers:
    """Row ids as a sorted int64 array of their numbers (a Python set of a million id strings
    costs ~80 MB; this 8 MB)."""

    def __init__(self, numbers: npt.NDArray[np.int64], count: int) -> None:
        self.numbers = distinct(numbers)  # sorted
        self.count = count

    @classmethod
    def of(
        cls, table: str, rows: Sequence[Any], strip: str, where: tuple[str, str] | None = None
    ) -> IdNumbers:
        """The ids of a table's rows (those whose column `where[0]` equals `where[1]`)."""
        if not len(rows):
            return cls(np.zeros(0, dtype=np.int64), 0)
        arrow = table_to_arrow(table, rows)
        ids = arrow.column("id")
        if where is not None:
            column, value = where
            ids = ids.filter(_pc.equal(_pc.cast(arrow.column(column), pa.string()), value))
        numbers = id_numbers(ids, strip).to_numpy(zero_copy_only=False).astype(np.int64)
        return cls(numbers, len(ids))

    def __len__(self) -> int:
        return self.count

    def max(self) -> int:
        """The highest number (0 when there is none)."""
        return int(self.numbers[-1]) if len(self.numbers) else 0

    def missing_from(self, alive: Iterable[int]) -> list[int]:
        """Numbers of these ids that `alive` does not hold."""
        present = np.sort(np.frombuffer(array("q", alive), dtype=np.int64))
        if not len(present):
            return [int(n) for n in self.numbers]
        at = np.minimum(np.searchsorted(present, self.numbers), len(present) - 1)
        return [int(n) for n in self.numbers[present[at] != self.numbers]]


def last_positions(rows: Sequence[Any]) -> Iterator[tuple[str, str, str]]:
    """(deal id, funnel id, stage id) of each deal's last stage-history row, in table order."""
    if not len(rows):
        return
    arrow = table_to_arrow("transitions", rows)
    parts = {name: _pc.cast(arrow.column(name), pa.string()) for name in
             ("deal_id", "funnel_id", "to_stage_id")}  # fmt: skip
    last = (
        pa.table(parts)
        .group_by("deal_id", use_threads=False)
        .aggregate([("funnel_id", "last"), ("to_stage_id", "last")])
    )
    yield from zip(
        last.column("deal_id").to_pylist(),
        last.column("funnel_id_last").to_pylist(),
        last.column("to_stage_id_last").to_pylist(),
        strict=True,
    )
