"""The deal and contact tables as numpy columns, for rules that judge every row.

A million-deal snapshot would cost seconds and a gigabyte as `Deal` objects; most rules
only need a few columns of every deal and objects for the rows they report. Rules select
the failing rows with masks over these arrays and take objects for those rows alone
(`deals`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from funnelkit.index.history import INT_NULL, Coded, IntArray
from funnelkit.index.sorting import distinct
from funnelkit.index.tables import decoded, links, numbers, positions, recode, texts
from funnelkit.model import ActivityKind, Contact, Deal, Semantics, Snapshot, Stage
from funnelkit.model.lazy import take

StageKey = tuple[str, str]
Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


class DealColumns:
    """Every deal's stage, state and times as arrays in snapshot order."""

    def __init__(self, snapshot: Snapshot, stages: Mapping[StageKey, Stage]) -> None:
        self._rows = snapshot.deals
        rows = snapshot.deals
        self.count = len(rows)
        f_codes, f_vals = texts(rows, "funnel_id")
        s_codes, s_vals = texts(rows, "stage_id")
        fv, sv = [*(f_vals or ()), None], [*(s_vals or ()), None]
        width = len(sv)
        # -1 (missing) lands on the None slot of each lookup
        pair = (f_codes % len(fv)) * width + s_codes % width
        seen = distinct(pair)
        #: the distinct (funnel, stage) pairs deals stand in; `key` indexes this list
        self.keys: list[StageKey] = [(fv[int(p) // width], sv[int(p) % width]) for p in seen]
        self.key: IntArray = np.searchsorted(seen, pair).astype(np.int64)
        self.funnels: list[str] = sorted({f for f, _ in self.keys if f is not None})
        place = {f: i for i, f in enumerate(self.funnels)}
        self.funnel_of_key = np.array([place.get(f, -1) for f, _ in self.keys], np.int64)
        self.funnel: IntArray = self.funnel_of_key[self.key]
        self.semantics: list[Semantics | None] = [
            s.semantics if (s := stages.get(k)) is not None else None for k in self.keys
        ]
        self.created_at = numbers(rows, "created_at")
        self.closed_at = numbers(rows, "closed_at")
        self.modified_at = numbers(rows, "modified_at")
        self.closed: Mask = numbers(rows, "closed") == 1
        # open = not closed and not in a won or lost stage (a stage missing from the
        # structure counts as open, as AuditContext.open_deals has it)
        self.open: Mask = ~self.closed & ~self.in_semantics(Semantics.SUCCESS, Semantics.FAILURE)

    def key_mask(self, wanted: Sequence[bool]) -> Mask:
        """Deals whose stage key is flagged in `wanted` (one flag per `keys` entry)."""
        flags = np.array([*wanted, False], bool)
        return flags[self.key] if self.count else np.zeros(0, bool)

    def in_semantics(self, *semantics: Semantics) -> Mask:
        """Deals sitting in a stage of any of these semantics."""
        return self.key_mask([s in semantics for s in self.semantics])

    def in_funnel(self, funnel_id: str) -> Mask:
        code = self.funnels.index(funnel_id) if funnel_id in self.funnels else -2
        found: Mask = self.funnel == code
        return found

    def funnel_counts(self) -> dict[str, int]:
        """Funnel id → number of its deals (funnels without deals left out)."""
        counts = np.bincount(self.funnel[self.funnel >= 0], minlength=len(self.funnels))
        return {f: int(n) for f, n in zip(self.funnels, counts, strict=True) if n}

    def column(self, name: str) -> Coded:
        """Another text column of the deals, coded (see index/tables.py)."""
        return texts(self._rows, name)

    def funnel_id(self, row: int) -> str:
        """The funnel id of the deal at this row."""
        return self.keys[int(self.key[row])][0]

    def per_funnel(self, value: Callable[[str | None], float]) -> Floats:
        """`value(funnel id)` for each deal's funnel (a rule's per-funnel parameter)."""
        table = np.array([*(value(f) for f in self.funnels), value(None)], np.float64)
        return table[self.funnel]  # -1 (no funnel) → the last slot

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Deal id → its row."""
        return dict(zip(self.ids, range(self.count), strict=True))

    def rows_in(self, rows: Sequence[Any], name: str) -> IntArray:
        """Per row of another table: the row of the deal its `name` column names (-1: none)."""
        found = positions(rows, name, self._rows, "id")
        if found is not None:
            return found
        codes, values = texts(rows, name)
        return recode(values, self.row_of)[codes]

    def lasting(self) -> IntArray:
        """`closed_at or created_at` of each deal (the moment it last counted)."""
        missing = (self.closed_at == INT_NULL) | (self.closed_at == 0)
        return np.where(missing, self.created_at, self.closed_at)

    @cached_property
    def ids(self) -> list[str]:
        """Each deal's id, in snapshot order."""
        return decoded(texts(self._rows, "id"))

    @cached_property
    def contact_links(self) -> tuple[IntArray, IntArray, list[str]]:
        """(deal row, contact code, contact ids) of every deal–contact link, in deal order."""
        owners, (codes, values) = links(self._rows, "contact_ids")
        return owners, codes, list(values or ())

    def deals(self, rows: IntArray | Sequence[int]) -> list[Deal]:
        """The deals at these rows as objects (only these are built)."""
        return take(self._rows, [int(i) for i in rows])


class OpenTasks:
    """Open tasks tied to a deal of the snapshot: their deal's row and their deadline."""

    def __init__(self, snapshot: Snapshot, deals: DealColumns) -> None:
        rows = snapshot.activities
        kinds, kind_values = texts(rows, "kind")
        task = np.array([*(v == ActivityKind.TASK for v in kind_values or ()), False], bool)
        owner = deals.rows_in(rows, "deal_id")
        keep = task[kinds] & (numbers(rows, "done") != 1) & (owner >= 0)
        self.deal: IntArray = owner[keep]
        self.deadline: IntArray = numbers(rows, "deadline")[keep]
        #: open tasks per deal row
        self.per_deal: IntArray = np.bincount(self.deal, minlength=deals.count)

    def count_before(self, limit: Floats | float, size: int) -> IntArray:
        """Per deal row: open tasks with a deadline before `limit` (per deal row, or one)."""
        bound = limit[self.deal] if isinstance(limit, np.ndarray) else limit
        dated = (self.deadline != INT_NULL) & (self.deadline < bound)
        return np.bincount(self.deal[dated], minlength=size)

    def latest(self, size: int) -> IntArray:
        """Per deal row: the latest deadline of its open tasks (INT_NULL: none dated)."""
        out = np.full(size, INT_NULL, np.int64)
        np.maximum.at(out, self.deal, self.deadline)
        return out


INTERACTIONS = frozenset(
    {ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.MESSAGE}
)


def latest_interaction(snapshot: Snapshot, deals: DealColumns) -> IntArray:
    """Per deal row: the latest call, e-mail, meeting or message on the deal or any of its
    contacts (`completed_at or created_at`), 0 when there is none."""
    rows = snapshot.activities
    out = np.zeros(deals.count, np.int64)
    if not len(rows):
        return out
    kinds, kind_values = texts(rows, "kind")
    talk = np.array([*(v in INTERACTIONS for v in kind_values or ()), False], bool)[kinds]
    done = numbers(rows, "completed_at")
    at = np.where((done == INT_NULL) | (done == 0), numbers(rows, "created_at"), done)
    owner = deals.rows_in(rows, "deal_id")
    on_deal = talk & (owner >= 0)
    np.maximum.at(out, owner[on_deal], at[on_deal])
    link_owner, link_codes, link_values = deals.contact_links
    contact_codes, contact_values = texts(rows, "contact_id")
    space = {v: i for i, v in enumerate(link_values)}
    # an empty contact id is no contact (the object path tests it for truth)
    person = recode([v or None for v in contact_values or ()], space)[contact_codes]
    on_person = talk & (person >= 0)
    per_contact = np.zeros(len(link_values) + 1, np.int64)  # last slot: a link without id
    np.maximum.at(per_contact, person[on_person], at[on_person])
    np.maximum.at(out, link_owner, per_contact[link_codes])
    return out


class ContactColumns:
    """The contact table's ids and names, without building `Contact` objects."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._rows = snapshot.contacts
        self.count = len(self._rows)

    @cached_property
    def ids(self) -> list[str]:
        return decoded(texts(self._rows, "id"))

    @cached_property
    def names(self) -> list[str]:
        return [v or "" for v in decoded(texts(self._rows, "name"))]

    def code_in(self, values: Sequence[str]) -> IntArray:
        """Each contact's position in `values` (-1: not there)."""
        space = {v: i for i, v in enumerate(values)}
        return recode(self.ids, space)[:-1] if self.count else np.zeros(0, np.int64)

    def contacts(self, rows: Sequence[int]) -> list[Contact]:
        return take(self._rows, [int(i) for i in rows])
