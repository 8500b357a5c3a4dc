"""Row dataclasses → Arrow: the typed schema every Parquet table of a snapshot is written with.

One schema per table, shared by the packed writer and the pull's spools (spool.py), so a
table streamed row group by row group during a pull and one written whole from a loaded
snapshot are the same Parquet: low-cardinality text (funnel, stage, user ids, enums) is
dictionary-encoded, everything else as its plain type.
"""

from __future__ import annotations

import functools
from typing import Any

import pyarrow as pa

from funnelkit.store.columns import table_fields, to_columns

DICT_COLUMNS = frozenset(
    {
        "funnel_id",
        "stage_id",
        "to_stage_id",
        "from_stage_id",
        "from_funnel_id",
        "responsible_id",
        "creator_id",
        "currency",
        "source",
        "entity",
        "kind",
        "by",
        "from_user_id",
        "to_user_id",
        "loss_reason_id",
    }
)
_ARROW: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "strs": pa.list_(pa.string()),
}


def arrow_type(kind: Any) -> pa.DataType:
    """The Arrow type of a column kind (enums are stored as their string values)."""
    return pa.string() if isinstance(kind, type) else _ARROW[kind]


@functools.cache
def table_schema(table: str) -> pa.Schema:
    """The Arrow schema of one row table as written to Parquet."""
    fields = []
    for name, kind, _ in table_fields(table):
        text = pa.dictionary(pa.int32(), pa.string())  # every dictionary column holds text
        fields.append(pa.field(name, text if name in DICT_COLUMNS else arrow_type(kind)))
    return pa.schema(fields)


def rows_to_arrow(table: str, rows: Any, *, encode: bool = True) -> pa.Table:
    """Row objects of one table as an Arrow table of its schema (`encode=False`: text columns
    left plain, for pieces that are joined before they are written; see `encode_table`)."""
    columns = to_columns(table, rows)
    arrays = []
    names = []
    for name, kind, _ in table_fields(table):
        array = pa.array(columns[name], type=arrow_type(kind))
        if encode and name in DICT_COLUMNS:
            array = array.dictionary_encode()
        arrays.append(array)
        names.append(name)
    return pa.table(arrays, names=names)


def encode_table(arrow: pa.Table) -> pa.Table:
    """A table with plain text in its dictionary columns, those columns encoded."""
    columns = []
    for name in arrow.column_names:
        column = arrow.column(name)
        if name in DICT_COLUMNS and not pa.types.is_dictionary(column.type):
            column = column.dictionary_encode()
        columns.append(column)
    return pa.table(columns, names=arrow.column_names)
