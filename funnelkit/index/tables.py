"""Row tables (deals, tasks, contacts) read as numpy columns, whatever holds them.

A packed snapshot hands its Parquet columns over as integer codes (store/lazyload.py);
a snapshot held as objects (JSON, a fresh pull, a test) is coded here in one pass, so
the audit reads both the same way and never needs a million row objects to find the
few rows a finding is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import numpy as np

__all__ = ["decoded", "links", "numbers", "positions", "recode", "texts"]

from funnelkit.index.history import INT_NULL, Coded, IntArray, coded_columns, positions
from funnelkit.model.lazy import LazyRows


def numbers(rows: Sequence[Any], name: str) -> IntArray:
    """An integer (or boolean) column; INT_NULL where a row has none."""
    if not len(rows):
        return np.zeros(0, np.int64)
    if isinstance(rows, LazyRows):
        found = rows.source.columns((name,))
        if name not in found:
            return np.full(len(rows), INT_NULL, np.int64)
        values: IntArray = found[name][0]
        return values
    listed = [INT_NULL if v is None else int(v) for v in map(attrgetter(name), rows)]
    return np.array(listed, np.int64)


def texts(rows: Sequence[Any], name: str) -> Coded:
    """A text column as (codes, distinct values), code -1 where a row has none."""
    if not len(rows):
        return np.zeros(0, np.int64), []
    found = coded_columns(rows, (name,))
    return found.get(name) or (np.full(len(rows), -1, np.int64), [])


def decoded(column: Coded) -> list[Any]:
    """A coded text column back as one value per row (None where missing)."""
    codes, values = column
    lookup = np.array([*(values or ()), None], dtype=object)
    out: list[Any] = lookup[codes].tolist()
    return out


def links(rows: Sequence[Any], name: str) -> tuple[IntArray, Coded]:
    """A tuple-of-ids column as (owner row of each item, items coded), in row order."""
    if isinstance(rows, LazyRows):
        owners, items = rows.source.links(name)
        return owners, items
    lists = list(map(attrgetter(name), rows))
    owners = np.repeat(np.arange(len(lists), dtype=np.int64), [len(x) for x in lists])
    table: dict[Any, int] = {}
    codes = [table.setdefault(v, len(table)) for x in lists for v in x]
    return owners, (np.array(codes, np.int64), list(table))


def recode(values: Sequence[Any] | None, space: dict[Any, int]) -> IntArray:
    """A lookup from a column's codes to positions in `space` (-1: absent; last slot: null)."""
    listed = [space.get(v, -1) for v in values or ()]
    return np.array([*listed, -1], np.int64)
