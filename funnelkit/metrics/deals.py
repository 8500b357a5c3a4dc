"""The deal table as numpy columns for the per-funnel metrics.

Counting a million deals one object at a time took seconds per funnel; the same tallies
are a few masks and bincounts over the columns. Money is summed with `np.bincount`,
which adds in row order exactly like the `+=` loop it replaces, so totals match to the
last bit; a dict of totals lists its keys in the order the loop would have met them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from funnelkit.index.history import INT_NULL, Coded, IntArray
from funnelkit.index.sorting import distinct
from funnelkit.index.tables import decoded, links, numbers, texts
from funnelkit.model import Snapshot, Stage
from funnelkit.model.lazy import LazyRows

Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


class DealTable:
    """Columns of every deal in snapshot order (text columns coded, see index/tables.py)."""

    def __init__(self, snapshot: Snapshot) -> None:
        rows = snapshot.deals
        self.count = len(rows)
        self.funnel_codes, self.funnel_values = texts(rows, "funnel_id")
        self.stage_codes, self.stage_values = texts(rows, "stage_id")
        self.currency_codes, self.currency_values = texts(rows, "currency")
        self.reason_codes, self.reason_values = texts(rows, "loss_reason_id")
        self.amount = amounts(rows)
        self.created_at = numbers(rows, "created_at")
        self.closed_at = numbers(rows, "closed_at")
        self.contact_owner, (self.contact_codes, contacts) = links(rows, "contact_ids")
        self.contact_values: list[Any] = list(contacts or ())
        self._ids: list[Any] | None = None
        self._rows = rows

    def in_funnel(self, funnel_id: str) -> Mask:
        values = list(self.funnel_values or ())
        code = values.index(funnel_id) if funnel_id in values else -2
        found: Mask = self.funnel_codes == code
        return found

    def column(self, name: str) -> Coded:
        return texts(self._rows, name)

    def stages(self, known: Mapping[tuple[str, str], Stage]) -> tuple[IntArray, list[Stage | None]]:
        """Per deal: a code for its (funnel, stage), and the structure's stage per code."""
        fv = [*(self.funnel_values or ()), None]
        sv = [*(self.stage_values or ()), None]
        width = len(sv)
        pair = (self.funnel_codes % len(fv)) * width + self.stage_codes % width
        seen = distinct(pair)
        found = [known.get((fv[int(p) // width], sv[int(p) % width])) for p in seen]
        return np.searchsorted(seen, pair).astype(np.int64), found

    def labels(self, name: str, blank: str) -> tuple[IntArray, list[str]]:
        """Per deal: an index into the distinct values of `value or blank` of a text column."""
        codes, values = texts(self._rows, name)
        place: dict[str, int] = {}
        index = [place.setdefault(v or blank, len(place)) for v in [*(values or ()), None]]
        return np.array(index, np.int64)[codes], list(place)

    def stage_ids(self) -> list[Any]:
        return [*(self.stage_values or ()), None]

    def ids(self) -> list[Any]:
        if self._ids is None:
            self._ids = decoded(texts(self._rows, "id"))
        return self._ids


def amounts(rows: Sequence[Any]) -> Floats:
    """The amount column, NaN where a deal has none."""
    if not len(rows):
        return np.zeros(0, np.float64)
    if isinstance(rows, LazyRows):
        found = rows.source.columns(("amount",))
        if "amount" in found:
            values: Floats = found["amount"][0]
            return values
        return np.full(len(rows), np.nan)
    return np.array([np.nan if d.amount is None else d.amount for d in rows], np.float64)


def totals(keys: IntArray, names: Callable[[int], str], weights: Floats) -> dict[str, float]:
    """Key → sum of weights, summed in row order; keys in order of first appearance."""
    if not len(keys):
        return {}
    seen = distinct(keys)
    slot = np.searchsorted(seen, keys)
    sums = np.bincount(slot, weights=weights, minlength=len(seen))
    first = np.full(len(seen), len(keys), np.int64)
    np.minimum.at(first, slot, np.arange(len(keys)))
    return {names(int(seen[i])): float(sums[i]) for i in np.argsort(first, kind="stable")}


def running_sum(values: Floats) -> float:
    """Left-to-right sum from 0.0 (as a `+=` loop adds; np.sum adds pairwise)."""
    total = 0.0
    for v in values.tolist():
        total += v
    return total


def missing(values: IntArray) -> Mask:
    """Integer column entries that are null or zero (falsy in the object code)."""
    found: Mask = (values == INT_NULL) | (values == 0)
    return found
