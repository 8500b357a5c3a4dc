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
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from funnelkit.errors import SnapshotError
from funnelkit.model import Snapshot
from funnelkit.model.lazy import LazyRows
from funnelkit.store import limits
from funnelkit.store.arrow import rows_to_arrow
from funnelkit.store.columns import Interner, table_fields
from funnelkit.store.lazyload import ArrowRows
from funnelkit.store.spool import spooled

# Above this a zip member needs the ZIP64 extra field, which zipfile writes only when told
# beforehand for a member streamed in.
ZIP64_LIMIT = (1 << 31) - 1


def table_to_arrow(table: str, rows: Any) -> pa.Table:
    """One row table as Arrow; a table still held as Arrow is handed over as it is."""
    if isinstance(rows, LazyRows) and isinstance(rows.source, ArrowRows):
        held = rows.source.arrow
        if held.column_names == [name for name, _, _ in table_fields(table)]:
            return held
    source = spooled(rows)
    if source is not None:
        return source.arrow
    return rows_to_arrow(table, rows)


def table_to_parquet(table: str, rows: Any) -> bytes:
    """Serialise one row table."""
    buffer = io.BytesIO()
    pq.write_table(table_to_arrow(table, rows), buffer, compression="zstd")
    return buffer.getvalue()


def table_from_parquet(
    table: str, data: bytes, interner: Interner, where: str = ""
) -> LazyRows[Any]:
    """Deserialise one row table: Arrow columns now, row objects when first needed."""
    arrow = pq.read_table(io.BytesIO(data))
    return LazyRows(arrow.num_rows, ArrowRows(table, arrow, interner, where or table))


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
            name = f"tables/{table}.parquet"
            rows = getattr(snapshot, table)
            source = spooled(rows)
            if source is None:
                put(name, table_to_parquet(table, rows))
                continue
            # A table a pull streamed to disk is copied over in chunks, never held whole.
            with archive.open(name, "w", force_zip64=source.size > ZIP64_LIMIT) as member:
                members[name] = source.copy_to(member)
        # Last, so it can list every member's size and checksum (limits.py).
        manifest = {**head["manifest"], limits.MEMBERS_KEY: members}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))


def read_packed(path: Path) -> tuple[dict[str, Any], dict[str, LazyRows[Any]]]:
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
                where = f"{path}: {member}"
                try:
                    data = bounded.table(member)
                    tables[table] = table_from_parquet(table, data, interner, where)
                except (pa.ArrowException, IndexError, NotImplementedError, MemoryError) as exc:
                    raise SnapshotError(f"{where}: unreadable ({exc})") from None
    return head, tables
