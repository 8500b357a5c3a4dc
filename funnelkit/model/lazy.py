"""A table of rows that become Python objects only when someone reads them as objects.

A million-deal snapshot holds millions of history rows; most of the audit reads them
as integer columns (see index/history.py), and only a finding's evidence needs a few
rows as objects. The store hands tables over as `LazyRows`: the length is known at
once, `columns()` gives the coded columns, and the row objects are built on first
iteration (all of them) or by `take` (a handful).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar, overload

T = TypeVar("T")


class RowSource(Protocol[T]):
    """Where a lazy table's rows come from (the store implements it over Arrow)."""

    def all(self) -> list[T]:
        """Every row as an object, in table order."""

    def take(self, indices: Sequence[int]) -> list[T]:
        """The rows at these positions, in the order given."""

    def columns(self, names: Sequence[str]) -> dict[str, Any]:
        """Coded columns (see index/history.py: `Coded`) for the names asked."""

    def links(self, name: str) -> tuple[Any, Any]:
        """A list column: (owner row of each item, the items as a coded column)."""

    def positions(self, name: str, within: RowSource[Any], key: str) -> Any:
        """Per row: where its `name` value first stands in `within`'s `key` column (-1: not
        there), as an integer array; None when the two sources cannot be joined here."""


class LazyRows(Sequence[T], Generic[T]):
    """A read-only sequence of rows, materialised on demand and then kept."""

    __slots__ = ("_count", "_rows", "_source")

    def __init__(self, count: int, source: RowSource[T]) -> None:
        self._count = count
        self._source = source
        self._rows: list[T] | None = None

    @property
    def source(self) -> RowSource[T]:
        return self._source

    @property
    def materialised(self) -> bool:
        """True once every row exists as an object."""
        return self._rows is not None

    def _all(self) -> list[T]:
        if self._rows is None:
            # millions of new objects and nothing to collect: pause the cyclic GC
            enabled = gc.isenabled()
            gc.disable()
            try:
                self._rows = self._source.all()
                # The rows hold no reference cycles and live as long as the snapshot: in the
                # permanent generation, later collections stop rescanning millions of them
                # (at 300k deals the audit spent an eighth of its time in those rescans).
                gc.freeze()
            finally:
                if enabled:
                    gc.enable()
        return self._rows

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return tuple(self._all()[index])
        if self._rows is not None:
            return self._rows[index]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        return self._source.take([index % self._count])[0]

    def take(self, indices: Sequence[int]) -> list[T]:
        """The rows at these positions, without building the others."""
        if self._rows is not None:
            rows = self._rows
            return [rows[i] for i in indices]
        return self._source.take(indices) if len(indices) else []

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRows):
            return self._count == other._count and self._all() == other._all()
        if isinstance(other, tuple | list):
            return len(other) == self._count and tuple(self._all()) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._all()))

    def __repr__(self) -> str:
        return f"LazyRows({self._count} rows)"


def take(rows: Sequence[T], indices: Sequence[int]) -> list[T]:
    """Rows at positions of any row sequence, lazily where it can."""
    if isinstance(rows, LazyRows):
        return rows.take(indices)
    return [rows[i] for i in indices]
