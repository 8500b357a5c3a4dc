"""A snapshot as a plain Parquet dataset: one folder per table, readable without funnelkit.

Layout of `funnelkit snapshot export SNAPSHOT --format parquet-dir -o DIR`:
    DIR/manifest.json, structure.json, extras.json   the snapshot's small parts, as JSON
    DIR/<table>/part-0.parquet                        one folder per row table
    DIR/funnels|stages|users/part-0.parquet           the structure's lists, flat columns

Text columns are plain strings (Parquet still dictionary-encodes their pages), so
DuckDB, Polars, Spark or Trino read `DIR/<table>/*.parquet` with no funnelkit types.
The folder is written beside its target and renamed into place when complete.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from funnelkit.errors import InputError
from funnelkit.model import Snapshot
from funnelkit.store.packed import table_to_arrow

PARQUET_DIR = "parquet-dir"
STRUCTURE_LISTS = ("funnels", "stages", "users")
_SCALARS = (str, int, float, bool, type(None))


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns as their value type: a reader needs no Arrow extension."""
    fields = [
        pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def _structure_table(items: list[dict[str, Any]]) -> pa.Table | None:
    """A structure list with its flat fields (nested ones stay in structure.json)."""
    if not items:
        return None
    names = [k for k, v in items[0].items() if isinstance(v, _SCALARS)]
    names = [k for k in names if all(isinstance(i.get(k), _SCALARS) for i in items)]
    return pa.table({k: pa.array([str_or(i.get(k)) for i in items]) for k in names})


def str_or(value: Any) -> Any:
    """Enums and other str subclasses as plain text."""
    return str(value) if isinstance(value, str) else value


def export_parquet_dir(snapshot: Snapshot, head: dict[str, Any], target: Path) -> dict[str, int]:
    """Write the dataset; returns the rows written per table."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(
            f"{target}: already exists and is not an empty folder",
            hint="choose a new folder with -o, or remove this one",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    counts: dict[str, int] = {}
    try:
        for part in ("manifest", "structure", "extras"):
            text = json.dumps(head[part], ensure_ascii=False, indent=2, sort_keys=True)
            (work / f"{part}.json").write_text(text + "\n", encoding="utf-8")
        for table in Snapshot.TABLES:
            arrow = _plain(table_to_arrow(table, getattr(snapshot, table)))
            _write(work / table, arrow)
            counts[table] = arrow.num_rows
        for name in STRUCTURE_LISTS:
            listed = _structure_table(head["structure"].get(name) or [])
            if listed is not None:
                _write(work / name, listed)
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return counts


def _write(folder: Path, table: pa.Table) -> None:
    folder.mkdir()
    pq.write_table(table, folder / "part-0.parquet", compression="zstd")
