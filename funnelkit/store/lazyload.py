"""Row tables read from Parquet kept as Arrow columns until someone needs row objects.

`ArrowRows` is the store's side of `model.lazy.LazyRows`: the whole table as objects
(first iteration), a few rows (`take`, for a finding's evidence), or coded columns
for the numpy indexes (index/history.py): a dictionary-encoded column is handed over
as its integer codes plus the short list of distinct values, exactly as Parquet
stores it, so no string is turned into a Python object.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from enum import Enum
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from funnelkit.errors import SnapshotError
from funnelkit.store.columns import Interner, from_columns, table_fields

INT_NULL = np.iinfo(np.int64).min  # a missing integer in a coded column
Coded = tuple[npt.NDArray[np.int64], list[Any] | None]


def column_values(column: pa.ChunkedArray[Any]) -> list[Any]:
    """A column as Python values; dictionary columns share one str per distinct value."""
    if not pa.types.is_dictionary(column.type):
        return column.to_pylist()
    out: list[Any] = []
    for raw in column.chunks:
        chunk = typing.cast("pa.DictionaryArray[Any, Any]", raw)
        values = chunk.dictionary.to_pylist()
        lookup = np.array([*values, None], dtype=object)  # last slot: null
        indices = chunk.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
        out.extend(lookup[indices].tolist())
    return out


def coded(column: pa.ChunkedArray[Any]) -> Coded:
    """One column as numpy: (codes, distinct values) for text, (values, None) for numbers."""
    kind = column.type
    if pa.types.is_dictionary(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind):
        if pa.types.is_dictionary(kind):
            whole: Any = column.unify_dictionaries().combine_chunks()
        else:
            # one chunk first, then one encoding: encoding chunk by chunk and unifying the
            # chunks' dictionaries took 5.2 s on 5.6M history deal ids, this 0.5 s
            whole = pc.dictionary_encode(column.combine_chunks())
        array = typing.cast("pa.DictionaryArray[Any, Any]", whole)
        codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return codes, array.dictionary.to_pylist()
    if pa.types.is_floating(kind):  # (values, None) with NaN for a missing number
        filled = column.fill_null(pa.scalar(float("nan"), kind)) if column.null_count else column
        return filled.to_numpy().astype(np.float64, copy=False), None
    if pa.types.is_boolean(kind):
        return column.fill_null(pa.scalar(False)).to_numpy().astype(np.int64), None
    if pa.types.is_integer(kind):
        filled = column.fill_null(pa.scalar(INT_NULL)) if column.null_count else column
        return filled.to_numpy().astype(np.int64, copy=False), None
    raise TypeError(f"column of type {kind} has no coded form")


_KEPT_TABLES = frozenset({"deals", "contacts"})


def _frozen(values: Any) -> Any:
    """The array made read-only: it is handed to every caller that asks."""
    values.flags.writeable = False
    return values


def _plain(column: Any) -> Any:
    """A text column as one plain string array (dictionaries decoded)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column


class ArrowRows:
    """One row table held as an Arrow table (implements model.lazy.RowSource)."""

    def __init__(self, table: str, arrow: pa.Table, interner: Interner, where: str) -> None:
        self.table = table
        self.arrow = arrow
        self._interner = interner
        self._where = where
        # Coded columns of deals and contacts, kept once made: the audit's columns, the
        # metrics and the report's ledger all read them (deal ids were encoded three times
        # over at a million deals). Read-only, as they are shared. Other tables are read
        # once each, and the history's codes alone are a quarter of a gigabyte.
        self._kept: dict[str, Coded] = {}
        self._kept_links: dict[str, tuple[npt.NDArray[np.int64], Coded]] = {}
        self._check()

    def _check(self) -> None:
        """What the row objects would refuse, found now rather than mid-audit."""
        present = set(self.arrow.column_names)
        for name, kind, _ in table_fields(self.table):
            if name not in present:
                continue
            column = self.arrow.column(name)
            if isinstance(kind, type) and issubclass(kind, Enum):
                allowed = {m.value for m in kind}
                seen = pc.unique(column.cast(pa.string())).drop_null().to_pylist()
                bad = sorted(str(v) for v in seen if v not in allowed)
                if bad:
                    raise SnapshotError(
                        f"{self._where}: column {name!r} of table {self.table!r} holds "
                        f"unknown values {bad[:5]}"
                    )
        try:  # one row through the builder: a required column missing, say
            if self.arrow.num_rows:
                from_columns(self.table, self._values(self.arrow.slice(0, 1)), 1)
        except (ValueError, TypeError) as exc:
            raise SnapshotError(f"{self._where}: table {self.table!r}: {exc}") from None

    def _values(self, arrow: pa.Table) -> dict[str, list[Any]]:
        known = {name for name, _, _ in table_fields(self.table)}
        return {n: column_values(arrow.column(n)) for n in arrow.column_names if n in known}

    def all(self) -> list[Any]:
        return from_columns(
            self.table, self._values(self.arrow), self.arrow.num_rows, self._interner
        )

    def take(self, indices: Sequence[int]) -> list[Any]:
        part = self.arrow.take(np.asarray(indices, dtype=np.int64))
        return from_columns(self.table, self._values(part), part.num_rows)

    def links(self, name: str) -> tuple[npt.NDArray[np.int64], Coded]:
        """A list column as (owner row of each item, the items coded): see `coded`."""
        if name not in self.arrow.column_names:
            return np.zeros(0, np.int64), (np.zeros(0, np.int64), [])
        found = self._kept_links.get(name) if self.table in _KEPT_TABLES else None
        if found is None:
            lists = self.arrow.column(name).combine_chunks()
            parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
            owners = _frozen(parents.astype(np.int64))
            items = pc.list_flatten(lists)
            codes, values = coded(pa.chunked_array([items], type=items.type))
            found = (owners, (_frozen(codes), values))
            if self.table in _KEPT_TABLES:
                self._kept_links[name] = found
        return found

    def positions(self, name: str, within: Any, key: str) -> npt.NDArray[np.int64] | None:
        """Per row: the first row of `within` whose `key` equals this row's `name`, or -1.

        One hash join in Arrow: looking a million deal ids up in a Python dict took seconds.
        """
        other = getattr(within, "arrow", None)
        if not isinstance(other, pa.Table) or key not in other.column_names:
            return None
        if name not in self.arrow.column_names:
            return np.full(self.arrow.num_rows, -1, np.int64)
        keys = _plain(other.column(key))
        column = self.arrow.column(name)
        if pa.types.is_dictionary(column.type):
            whole = typing.cast("pa.DictionaryArray[Any, Any]", column.combine_chunks())
            found = pc.index_in(_plain(whole.dictionary), value_set=keys)
            found = pc.take(found, whole.indices)
        else:
            found = pc.index_in(_plain(column), value_set=keys)
        rows: npt.NDArray[np.int64] = found.fill_null(-1).to_numpy(zero_copy_only=False)
        return rows.astype(np.int64)

    def columns(self, names: Sequence[str]) -> dict[str, Any]:
        # Kept for deals and contacts only (see __init__): whoever asks for the others
        # (the history index, say) keeps what it derives from them.
        present = set(self.arrow.column_names)
        if self.table not in _KEPT_TABLES:
            return {name: coded(self.arrow.column(name)) for name in names if name in present}
        for name in names:
            if name in present and name not in self._kept:
                values, words = coded(self.arrow.column(name))
                self._kept[name] = (_frozen(values), words)
        return {name: self._kept[name] for name in names if name in present}
