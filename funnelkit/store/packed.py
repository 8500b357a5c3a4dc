"""The packed snapshot: one zip holding JSON for the small parts and Parquet for the tables.

Layout (see README: Snapshots):
    manifest.json            provenance, schema version, what was pulled
    structure.json           portal, users, funnels, stages, … (small, human-readable)
    extras.json              connector extras
    tables/<name>.parquet    one per row table, zstd-compressed, ids dictionary-encoded

The zip itself is stored uncompressed: Parquet pages are already compressed and
stored members can be read without inflating them twice.
"""

from __future__ import annotations

import io
import json
import typing
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from funnelkit.errors import SnapshotError
from funnelkit.model import Snapshot
from funnelkit.store import limits
from funnelkit.store.columns import Interner, from_columns, table_fields, to_columns

_DICT_COLUMNS = {
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
_ARROW: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "strs": pa.list_(pa.string()),
}


def _arrow_type(kind: Any) -> pa.DataType:
    return pa.string() if isinstance(kind, type) else _ARROW[kind]


def table_to_parquet(table: str, rows: Any) -> bytes:
    """Serialise one row table."""
    columns = to_columns(table, rows)
    arrays = []
    names = []
    for name, kind, _ in table_fields(table):
        array = pa.array(columns[name], type=_arrow_type(kind))
        if name in _DICT_COLUMNS:
            array = array.dictionary_encode()
        arrays.append(array)
        names.append(name)
    buffer = io.BytesIO()
    pq.write_table(pa.table(arrays, names=names), buffer, compression="zstd")
    return buffer.getvalue()


def _column_values(column: pa.ChunkedArray[Any]) -> list[Any]:
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


def table_from_parquet(table: str, data: bytes, interner: Interner) -> list[Any]:
    """Deserialise one row table."""
    arrow = pq.read_table(io.BytesIO(data))
    known = {name for name, _, _ in table_fields(table)}
    columns = {
        name: _column_values(arrow.column(name)) for name in arrow.column_names if name in known
    }
    return from_columns(table, columns, arrow.num_rows, interner)


def write_packed(snapshot: Snapshot, handle: Any, head: dict[str, Any]) -> None:
    """Write the zip to an open binary file."""
    members: dict[str, Any] = {}
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:

        def put(name: str, data: bytes) -> None:
            archive.writestr(name, data)
            members[name] = limits.describe(data)

        put("structure.json", json.dumps(head["structure"], ensure_ascii=False).encode())
        put("extras.json", json.dumps(head["extras"], ensure_ascii=False).encode())
        for table in Snapshot.TABLES:
            put(f"tables/{table}.parquet", table_to_parquet(table, getattr(snapshot, table)))
        # Last, so it can list every member's size and checksum (limits.py).
        manifest = {**head["manifest"], limits.MEMBERS_KEY: members}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))


def read_packed(path: Path) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The JSON parts and the row tables of a packed snapshot."""
    interner = Interner()
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        bounded = limits.Reader(archive, path)  # caps per member kind, manifest sizes/checksums
        head = {}
        for part in ("manifest", "structure", "extras"):
            if f"{part}.json" in names:
                head[part] = bounded.json(f"{part}.json")
                if part == "manifest":
                    bounded.expect(head[part])
        tables = {}
        for table in ("deals", *[t for t in Snapshot.TABLES if t != "deals"]):
            member = f"tables/{table}.parquet"
            if member in names:
                try:
                    tables[table] = table_from_parquet(table, bounded.table(member), interner)
                except (pa.ArrowException, IndexError, NotImplementedError, MemoryError) as exc:
                    raise SnapshotError(f"{path}: {member}: unreadable ({exc})") from None
    return head, tables
