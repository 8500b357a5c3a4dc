"""Equality partitions of a table: row positions sorted by (value, position).

A dict of one array per value costs a Python object per value: at a million
history owners that is seconds to build and hundreds of MB. Two parallel
sequences sorted by value (the values, and the row positions) cost two arrays,
build with one sort and answer `value == x` with two bisects.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any


class Partition:
    """Row positions grouped by one field's value; rows with no value are left out."""

    def __init__(self, rows: list[Any], fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        values = [fn(r) for r in rows]
        order = sorted((p for p, v in enumerate(values) if v is not None), key=values.__getitem__)
        self.keys: list[Any] = [values[p] for p in order]
        self.positions = array("q", order)

    def _span(self, value: Any) -> tuple[int, int]:
        try:
            return bisect_left(self.keys, value), bisect_right(self.keys, value)
        except TypeError:  # a value of another type than the field's: nothing matches
            return 0, 0

    def get(self, value: Any) -> array[int]:
        """Positions (ascending) of rows holding `value`."""
        if value is None:
            return array("q")
        lo, hi = self._span(value)
        return self.positions[lo:hi]

    def add(self, pos: int, value: Any) -> None:
        """Record a row at `pos` holding `value`."""
        if value is None:
            return
        lo, hi = self._span(value)
        at = bisect_left(self.positions, pos, lo, hi)
        self.keys.insert(at, value)
        self.positions.insert(at, pos)

    def remove(self, pos: int, value: Any) -> None:
        """Forget that the row at `pos` holds `value`."""
        if value is None:
            return
        lo, hi = self._span(value)
        at = bisect_left(self.positions, pos, lo, hi)
        if at < hi and self.positions[at] == pos:
            del self.keys[at]
            del self.positions[at]
