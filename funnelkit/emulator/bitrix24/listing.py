"""Paging: 50 rows a page, `start`/`next`/`total`, `start=-1` keyset reads (bitrix24.md §3)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from funnelkit.emulator.bitrix24.fields import Field
from funnelkit.emulator.bitrix24.filters import Compiled
from funnelkit.emulator.bitrix24.index import TableIndex

PAGE = 50  # §3: "always static — 50 records"


@dataclass
class Page:
    """One page of a list call and what it cost to produce."""

    rows: list[Any]
    total: int  # 0 when start=-1 (§3: "[total] => 0")
    next: int | None
    counted: int  # rows the server counted (the cost model's driver)


def _span(index: TableIndex, flt: Compiled, descending: bool) -> Sequence[int]:
    """Row positions within the filter's id range (and partition), in id order."""
    ids = index.ids
    part = index.partition(*flt.partition) if flt.partition else None
    low, high = flt.low, flt.high
    span: Sequence[int]
    if part is not None:
        lo = 0 if low is None else bisect_left(part, low, key=lambda p: ids[p])
        hi = len(part) if high is None else bisect_right(part, high, key=lambda p: ids[p])
        span = part[lo:hi]
    else:
        lo = 0 if low is None else bisect_left(ids, low)
        hi = len(ids) if high is None else bisect_right(ids, high)
        span = range(lo, hi)
    return span[::-1] if descending else span


def _id_order(order: list[tuple[Field, bool]]) -> bool | None:
    """None unless the order is by ID alone; else whether it is descending."""
    if not order:
        return False
    if len(order) == 1 and order[0][0].upper == "ID":
        return order[0][1]
    return None


def run_list(index: TableIndex, flt: Compiled, order: list[tuple[Field, bool]], start: int) -> Page:
    """Answer a list call: walk ids when ordered by ID, else filter, sort and slice."""
    descending = _id_order(order)
    rows = index.rows
    if descending is not None:
        span = _span(index, flt, descending)
        if start < 0:
            page = []
            for pos in span:
                if flt.match(rows[pos]):
                    page.append(rows[pos])
                    if len(page) == PAGE:
                        break
            return Page(page, 0, None, 0)
        if not flt.preds:
            picked = [rows[p] for p in span[start : start + PAGE]]
            return _counted(picked, len(span), start)
        matched = [rows[p] for p in span if flt.match(rows[p])]
        return _counted(matched[start : start + PAGE], len(matched), start)
    matched = [rows[p] for p in _span(index, flt, False) if flt.match(rows[p])]
    for f, desc in reversed(order):
        # MySQL puts NULLs first ascending and last descending; ties keep id order.
        get = f.get
        matched.sort(key=lambda r: _sort_key(get(r)), reverse=desc)
    if start < 0:
        return Page(matched[:PAGE], 0, None, 0)
    return _counted(matched[start : start + PAGE], len(matched), start)


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is not None, value if value is not None else 0)


def _counted(page: list[Any], total: int, start: int) -> Page:
    nxt = start + PAGE if start + PAGE < total else None
    return Page(page, total, nxt, total)
