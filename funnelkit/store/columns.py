"""Row dataclasses ⇄ columns: the one place that knows each table's field types.

Rows are converted column by column (one list per field) because that is both how
Arrow wants them and much cheaper than one dict per row. Low-cardinality columns
(funnel, stage, user ids, enums) decode to a handful of shared `str` objects, and
deal ids are interned across tables, so a million-deal portal costs memory per row,
not per string.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Sequence
from enum import Enum
from typing import Any

from funnelkit.model import ROW_TYPES
from funnelkit.model import rows as row_module
from funnelkit.model.build import const, rows

# field kinds: str, int, float, bool, strs (tuple[str, ...]), or an Enum class
Kind = str | type[Enum]


def _kind(annotation: Any) -> tuple[Kind, bool]:
    """The column kind and nullability of a dataclass field annotation."""
    base = annotation
    optional = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        optional = type(None) in args
        base = next(a for a in args if a is not type(None))
    if typing.get_origin(base) is tuple:
        return "strs", optional
    if isinstance(base, type) and issubclass(base, Enum):
        return base, optional
    names = {str: "str", int: "int", float: "float", bool: "bool"}
    return names[base], optional


@functools.cache
def table_fields(table: str) -> tuple[tuple[str, Kind, bool], ...]:
    """(name, kind, nullable) of each field of a table's row type, in order.

    Cached: a pull converts each page, and resolving the type hints costs a millisecond.
    """
    cls = ROW_TYPES[table]
    hints = typing.get_type_hints(cls, vars(row_module))
    return tuple((f.name, *_kind(hints[f.name])) for f in dataclasses.fields(cls))


def to_columns(table: str, rows: Sequence[Any]) -> dict[str, list[Any]]:
    """One list per field; enums become their values, tuples lists."""
    columns: dict[str, list[Any]] = {}
    for name, kind, _ in table_fields(table):
        values = [getattr(row, name) for row in rows]
        if isinstance(kind, type):
            values = [None if v is None else v.value for v in values]
        elif kind == "strs":
            values = [list(v) for v in values]
        columns[name] = values
    return columns


class Interner:
    """Shares equal strings between columns and tables while loading."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def many(self, values: list[Any]) -> list[Any]:
        """Replace each string by its shared copy."""
        return list(map(self._seen.setdefault, values, values))


def from_columns(
    table: str, columns: dict[str, list[Any]], count: int, interner: Interner | None = None
) -> list[Any]:
    """Rows of a table from its columns; absent optional columns take their defaults."""
    cls = ROW_TYPES[table]
    if count == 0:
        return []
    shared = interner or Interner()
    built: dict[str, Any] = {}
    for name, kind, _ in table_fields(table):
        values = columns.get(name)
        if values is None:
            built[name] = const(_default_of(cls, name))
        elif isinstance(kind, type):
            lookup = {member.value: member for member in kind}
            built[name] = [None if v is None else lookup.get(v) or kind(v) for v in values]
        elif kind == "strs":
            built[name] = [tuple(v) if v else () for v in values]
        elif kind == "str" and (name.endswith("_id") or (name == "id" and table == "deals")):
            # deal ids are shared by every row that points at the deal; other ids are unique
            built[name] = shared.many(values)
        else:
            built[name] = values
    return rows(cls, count, built)


def _default_of(cls: type, name: str) -> Any:
    for item in dataclasses.fields(cls):
        if item.name == name:
            if item.default is not dataclasses.MISSING:
                return item.default
            break
    raise ValueError(f"table {cls.__name__}: required column {name!r} is missing")
