"""Snapshots on disk: `save_snapshot` / `load_snapshot`, atomic, versioned, validated.

Two encodings share one schema (`funnelkit schema snapshot`): the packed file (a zip
of JSON + Parquet tables, the default; see packed.py) for real portals, and plain
JSON (`.json`, optionally `.json.gz`) for small or hand-written snapshots and tests.
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from funnelkit.errors import SnapshotError
from funnelkit.fileio import atomic_file
from funnelkit.model import ROW_TYPES, SNAPSHOT_SCHEMA, Manifest, Snapshot, Structure
from funnelkit.model.lazy import LazyRows
from funnelkit.store import limits
from funnelkit.store.columns import to_columns
from funnelkit.store.packed import read_packed, write_packed
from funnelkit.store.pool import use_returning_pool

_ROW_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {
    table: TypeAdapter(list[cls])  # type: ignore[valid-type]
    for table, cls in ROW_TYPES.items()
}


def _is_json(path: Path) -> bool:
    return path.name.endswith((".json", ".json.gz"))


def _head(snapshot: Snapshot) -> dict[str, Any]:
    snap = snapshot.with_counts()
    return {
        "manifest": snap.manifest.model_dump(mode="json", by_alias=True),
        "structure": snap.structure.model_dump(mode="json"),
        "extras": snap.extras,
    }


def snapshot_to_json(snapshot: Snapshot) -> dict[str, Any]:
    """The whole snapshot as one JSON document (the schema's shape)."""
    document = _head(snapshot)
    document["schema"] = SNAPSHOT_SCHEMA
    document["tables"] = {
        table: _rows_as_dicts(table, getattr(snapshot, table)) for table in Snapshot.TABLES
    }
    return document


def _rows_as_dicts(table: str, rows: Any) -> list[dict[str, Any]]:
    columns = to_columns(table, rows)
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def export_snapshot(snapshot: Snapshot, target: str | os.PathLike[str]) -> dict[str, int]:
    """The snapshot as a plain Parquet dataset, one folder per table (see export.py)."""
    from funnelkit.store.export import export_parquet_dir

    return export_parquet_dir(snapshot, _head(snapshot), Path(target))


def save_snapshot(snapshot: Snapshot, path: str | os.PathLike[str]) -> Path:
    """Write atomically (temp file + rename): a crash never leaves half a snapshot."""
    target = Path(path)
    with atomic_file(target) as handle:
        if _is_json(target):
            data = json.dumps(snapshot_to_json(snapshot), ensure_ascii=False).encode()
            handle.write(gzip.compress(data, mtime=0) if target.suffix == ".gz" else data)
        else:
            write_packed(snapshot, handle, _head(snapshot))
    return target


def _check_version(path: Path, manifest: Any) -> None:
    schema = manifest.get("schema") if isinstance(manifest, dict) else None
    if not isinstance(schema, str) or not schema.startswith("funnelkit.snapshot/"):
        raise SnapshotError(f"{path}: not a funnelkit snapshot (no snapshot schema tag)")
    if schema != SNAPSHOT_SCHEMA:
        raise SnapshotError(
            f"{path}: snapshot format {schema!r} is not supported (this funnelkit reads "
            f"{SNAPSHOT_SCHEMA!r})",
            hint="upgrade funnelkit, or pull the portal again with this version",
        )


def _build(path: Path, head: dict[str, Any], tables: Mapping[str, Sequence[Any]]) -> Snapshot:
    _check_version(path, head.get("manifest"))
    try:
        manifest = Manifest.model_validate(head["manifest"])
        structure = Structure.model_validate(head.get("structure") or {})
    except (ValidationError, KeyError) as exc:
        raise SnapshotError(f"{path}: invalid snapshot manifest or structure: {exc}") from None
    rows: dict[str, Any] = {table: _rows(tables.get(table, ())) for table in Snapshot.TABLES}
    return Snapshot(
        manifest=manifest, structure=structure, extras=dict(head.get("extras") or {}), **rows
    )


def _rows(rows: Sequence[Any]) -> Sequence[Any]:
    return rows if isinstance(rows, LazyRows) else tuple(rows)


def _read_json(path: Path) -> Snapshot:
    raw = limits.read_json_snapshot(path)  # size-capped, inflated in chunks
    document = json.loads(raw.decode("utf-8"))
    if not isinstance(document, dict):
        raise SnapshotError(f"{path}: a snapshot must be a JSON object")
    _check_version(path, document.get("manifest"))
    tables: dict[str, list[Any]] = {}
    for table, rows in (document.get("tables") or {}).items():
        if table not in Snapshot.TABLES:
            raise SnapshotError(f"{path}: unknown table {table!r}")
        try:
            tables[table] = _ROW_ADAPTERS[table].validate_python(rows)
        except ValidationError as exc:
            problems = [
                f"tables.{table}.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()[:10]
            ]
            raise SnapshotError(f"{path}: invalid rows\n  " + "\n  ".join(problems)) from None
    return _build(path, document, tables)


def load_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Read a snapshot; anything wrong is a SnapshotError naming the file (exit 2)."""
    use_returning_pool()
    # Millions of new row objects and nothing to collect: the cyclic GC would rescan
    # them again and again, so it pauses while the tables are built.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(Path(path))
    finally:
        if enabled:
            gc.enable()


def _load(source: Path) -> Snapshot:
    if not source.is_file():
        raise SnapshotError(f"{source}: no such snapshot file", hint="run `funnelkit pull` first")
    try:
        if _is_json(source):
            return _read_json(source)
        head, tables = read_packed(source)
        return _build(source, head, tables)
    except SnapshotError:
        raise
    except (zipfile.BadZipFile, EOFError, gzip.BadGzipFile) as exc:
        raise SnapshotError(f"{source}: truncated or not a snapshot file ({exc})") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise SnapshotError(f"{source}: corrupt snapshot JSON ({exc})") from None
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise SnapshotError(
            f"{source}: unreadable snapshot ({type(exc).__name__}: {exc})"
        ) from None
