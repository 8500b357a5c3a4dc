"""Row tables streamed to Parquet as they arrive, so a pull holds one row group, not the portal.

A pull appends each page's rows to a `TableSpool`; every `ROW_GROUP` rows become one Parquet
row group in an anonymous temporary file (unlinked from the start, so a killed pull leaves
nothing behind). `finish()` hands the table over as `LazyRows` over a `SpooledRows`: the
snapshot writer copies the file into the zip as it is (packed.py), and anyone who reads the
rows gets them from the file, only then loading it into memory.
"""

from __future__ import annotations

import hashlib
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from funnelkit.model.lazy import LazyRows
from funnelkit.store.arrow import encode_table, rows_to_arrow, table_schema
from funnelkit.store.columns import Interner
from funnelkit.store.lazyload import ArrowRows

# Rows per row group: big enough for zstd and dictionaries to pay, small enough that the
# buffered rows of a few tables read side by side stay tens of MB.
ROW_GROUP = 65_536
COPY_CHUNK = 1024 * 1024


class _File:
    """An anonymous temporary file, closed when the last spool or table using it goes."""

    def __init__(self) -> None:
        # unlinked at once: the file lives as long as the spool, even if the pull is killed
        self.handle: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="funnelkit-", suffix=".parquet"
        )
        weakref.finalize(self, self.handle.close)


class SpooledRows:
    """One finished spool: a Parquet file of the table (implements model.lazy.RowSource)."""

    def __init__(self, table: str, file: _File, count: int) -> None:
        self.table = table
        self._file = file
        self._handle = file.handle
        self.count = count
        self._loaded: ArrowRows | None = None

    @property
    def size(self) -> int:
        """Bytes of the Parquet file."""
        self._handle.seek(0, 2)
        return self._handle.tell()

    def _rows(self) -> ArrowRows:
        if self._loaded is None:
            self._handle.seek(0)
            arrow = pq.read_table(self._handle)
            self._loaded = ArrowRows(self.table, arrow, Interner(), f"spooled {self.table}")
        return self._loaded

    @property
    def arrow(self) -> pa.Table:
        """The whole table in memory (for whoever needs it as Arrow: export, merges)."""
        return self._rows().arrow

    def all(self) -> list[Any]:
        return self._rows().all()

    def take(self, indices: Sequence[int]) -> list[Any]:
        return self._rows().take(indices)

    def columns(self, names: Sequence[str]) -> dict[str, Any]:
        return self._rows().columns(names)

    def links(self, name: str) -> tuple[Any, Any]:
        return self._rows().links(name)

    def positions(self, name: str, within: Any, key: str) -> Any:
        return self._rows().positions(name, within, key)

    def row_groups(self) -> Iterator[pa.Table]:
        """The table one row group at a time, in order."""
        self._handle.seek(0)
        parquet = pq.ParquetFile(self._handle)
        for index in range(parquet.num_row_groups):
            yield parquet.read_row_group(index)

    def minimum(self, column: str) -> int | None:
        """The least value of an integer column, from the row groups' statistics."""
        self._handle.seek(0)
        meta = pq.ParquetFile(self._handle).metadata
        position = meta.schema.names.index(column)
        least: int | None = None
        for index in range(meta.num_row_groups):
            stats = meta.row_group(index).column(position).statistics
            if stats is None or not stats.has_min_max or stats.min is None:
                raise ValueError(f"spooled {self.table}: no statistics for {column!r}")
            value = int(stats.min)
            least = value if least is None else min(least, value)
        return least

    def copy_to(self, out: IO[bytes]) -> dict[str, Any]:
        """Write the Parquet file to `out`; its size and SHA-256 as the manifest lists them."""
        digest = hashlib.sha256()
        size = 0
        self._handle.seek(0)
        while chunk := self._handle.read(COPY_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        return {"size": size, "sha256": digest.hexdigest()}


class TableSpool:
    """Rows of one table appended page by page, written out a row group at a time."""

    def __init__(self, table: str, row_group: int | None = None) -> None:
        self.table = table
        self.row_group = row_group or ROW_GROUP
        self.count = 0
        # Pages as plain Arrow pieces until a row group is full: ~50 bytes a row, where the
        # row objects would be ~400 (and a pull fills a dozen spools side by side).
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._file = _File()
        self._handle = self._file.handle
        self._writer: pq.ParquetWriter | None = None
        self._finished: LazyRows[Any] | None = None
        self._source: SpooledRows | None = None

    def __len__(self) -> int:
        return self.count

    @property
    def empty(self) -> bool:
        """True while no row was added and the spool is still open."""
        return self.count == 0 and self._source is None

    def add(self, rows: Iterable[Any]) -> None:
        """Append row objects; a full row group goes to the file."""
        self._open()
        batch = rows if isinstance(rows, list) else list(rows)
        if not batch:
            return
        self._pending.append(rows_to_arrow(self.table, batch, encode=False))
        self._pending_rows += len(batch)
        self.count += len(batch)
        if self._pending_rows >= self.row_group:
            self._flush()

    def add_arrow(self, part: pa.Table) -> None:
        """Append rows already in this table's Arrow schema (a row group of another spool)."""
        self._open()
        self._flush()
        if part.num_rows:
            self._write(part)
            self.count += part.num_rows

    def _open(self) -> None:
        if self._source is not None:
            raise RuntimeError(f"spool of {self.table} is finished")

    def _write(self, arrow: pa.Table) -> None:
        schema = table_schema(self.table)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._handle, schema, compression="zstd")
        # a merged table arrives whole: it is still written a row group at a time
        self._writer.write_table(
            arrow if arrow.schema.equals(schema) else arrow.cast(schema),
            row_group_size=self.row_group,
        )

    def _flush(self) -> None:
        if self._pending:
            pieces, self._pending, self._pending_rows = self._pending, [], 0
            self._write(encode_table(pa.concat_tables(pieces).combine_chunks()))

    def _done(self) -> SpooledRows:
        if self._source is None:
            self._flush()
            if self._writer is None:  # no rows: still a valid, empty Parquet file
                self._writer = pq.ParquetWriter(
                    self._handle, table_schema(self.table), compression="zstd"
                )
            self._writer.close()
            self._source = SpooledRows(self.table, self._file, self.count)
        return self._source

    def finish(self) -> LazyRows[Any]:
        """The table, readable and ready to be copied into a snapshot; no rows may follow."""
        if self._finished is None:
            self._finished = LazyRows(self.count, self._done())
        return self._finished

    def row_groups(self) -> Iterator[pa.Table]:
        """Finish, then the table one row group at a time (to join spools in order)."""
        return self._done().row_groups()


def spooled(rows: Any) -> SpooledRows | None:
    """The spool behind a table, if it is one."""
    if isinstance(rows, LazyRows) and isinstance(rows.source, SpooledRows):
        return rows.source
    return None
