"""Vendor ids for generated rows, and small column helpers shared by the row builders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from funnelkit.emulator.generate.activity import TASK, ActivityColumns
from funnelkit.emulator.generate.engine import Columns
from funnelkit.emulator.generate.paths import Compiled
from funnelkit.emulator.state import LEAD_PREFIX
from funnelkit.model import FunnelKind, Vendor


def obj(values: list[Any], absent: bool = False) -> np.ndarray:
    """An object array; with `absent`, index -1 gives None (a trailing None slot)."""
    items = [*values, None] if absent else values
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def nullable(values: np.ndarray) -> list[int | None]:
    """Integers with -1 meaning absent."""
    return [None if v < 0 else v for v in values.tolist()]


@dataclass
class Ids:
    """Vendor ids of deal rows and contacts, and each deal row's rank in id order."""

    deal: np.ndarray  # row → id (object)
    rank: np.ndarray  # row → position in `state.deals`
    order: np.ndarray  # position → row
    is_lead: np.ndarray
    vendor: Vendor
    contact: np.ndarray | None = None  # contact number → id (object)
    company_no: np.ndarray | None = None  # contact number → company number, -1 none
    company: np.ndarray | None = None  # company number → id (object, trailing None)

    @classmethod
    def assign(cls, vendor: Vendor, c: Compiled, cols: Columns) -> Ids:
        """Deals numbered by creation, then Bitrix24 leads as `L<n>` (state.py conventions)."""
        lead_funnel = np.array([s.kind == FunnelKind.LEAD for s in c.specs])
        is_lead = lead_funnel[cols.funnel]
        order = np.lexsort((cols.created, is_lead))
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order))
        n_deals = int((~is_lead).sum())
        base = 1 if vendor == Vendor.BITRIX24 else 20_000_001
        names = [str(base + k) for k in range(n_deals)]
        names += [f"{LEAD_PREFIX}{k + 1}" for k in range(len(order) - n_deals)]
        deal = np.empty(len(order), dtype=object)
        deal[order] = names
        return cls(deal=deal, rank=rank, order=order, is_lead=is_lead, vendor=vendor)


def last_interaction(rows: np.ndarray, acts: ActivityColumns, size: int) -> np.ndarray:
    """The latest non-task activity per index (`rows` maps activity → index), -1 if none."""
    out = np.full(size, -1, np.int64)
    mask = acts.kind != TASK
    np.maximum.at(out, rows[mask], acts.created[mask])
    return out
