"""Stage history as numpy arrays, sorted by deal and time: the one pass over history.

Built once per snapshot (`history_index`) and shared by the rules and the metrics. It
reads the history as coded columns: a packed snapshot hands over Parquet's dictionary
codes as integer arrays (store/lazyload.py), so no history row becomes a Python object;
a snapshot held as objects (JSON, a fresh pull) is coded here in one pass. Every
per-stage statistic and per-deal lookup after that is a vectorised numpy operation
or an O(1) slice; rows become objects only for a finding's evidence (`of`, `last`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from funnelkit.index.sorting import distinct, small_distinct
from funnelkit.model import Deal, Snapshot, StageTransition
from funnelkit.model.lazy import LazyRows, take

StageKey = tuple[str, str]
IntArray = npt.NDArray[np.int64]
# A coded column: (codes into the distinct values, the values) for text, -1 = missing;
# (the numbers, None) for numbers, INT_NULL = missing (store/lazyload.py makes them).
# Entity tables hand the same read-only arrays to every caller: derive, never change.
Coded = tuple[IntArray, list[Any] | None]
INT_NULL = np.iinfo(np.int64).min
# deal_id is coded only when the store cannot join it to the deals (see `_every_deal`)
_HISTORY = ("funnel_id", "to_stage_id", "from_stage_id", "from_funnel_id", "at")
_NUMBERS = {"at", "created_at", "closed_at", "modified_at", "deadline", "completed_at"}


def coded_columns(rows: Sequence[Any], names: Sequence[str]) -> dict[str, Coded]:
    """The named columns of a row table in coded form (absent columns are left out)."""
    if isinstance(rows, LazyRows):
        found: dict[str, Coded] = rows.source.columns(names)
        return found
    out: dict[str, Coded] = {}
    for name in names:
        values = list(map(attrgetter(name), rows))
        if name in _NUMBERS:
            out[name] = (np.array([INT_NULL if v is None else v for v in values], np.int64), None)
            continue
        table: dict[Any, int] = {}
        codes = np.array(list(map(table.setdefault, values, range(len(values)))), np.int64)
        # setdefault kept the first row of each value: renumber those rows 0..k-1
        firsts = np.fromiter(table.values(), np.int64, len(table))
        renumber = np.full(len(values) or 1, -1, np.int64)
        renumber[firsts] = np.arange(len(firsts))
        distinct_values = list(table)
        codes = renumber[codes]
        if None in table:
            codes[codes == distinct_values.index(None)] = -1
        out[name] = (codes, distinct_values)
    return out


def positions(rows: Sequence[Any], name: str, within: Sequence[Any], key: str) -> IntArray | None:
    """Per row of `rows`: the first row of `within` whose `key` is this row's `name` (-1:
    none), when both tables are held by the store as columns; else None (join in Python)."""
    if not isinstance(rows, LazyRows) or not isinstance(within, LazyRows):
        return None
    found: IntArray | None = rows.source.positions(name, within.source, key)
    return found


def _global(values: list[Any] | None, space: dict[Any, int]) -> IntArray:
    """A lookup from a column's codes to codes in a shared space (index -1: missing)."""
    listed = [-1 if v is None else space.setdefault(v, len(space)) for v in values or ()]
    return np.array([*listed, -1], np.int64)


def _text(columns: dict[str, Coded], name: str, count: int) -> Coded:
    return columns.get(name) or (np.full(count, -1, np.int64), [])


class HistoryIndex:
    """Transitions grouped by deal (time order), with stage keys encoded as integers."""

    def __init__(self, deals: Sequence[Deal], rows: Sequence[StageTransition]) -> None:
        self.rows = rows
        self._deals = deals
        n = len(rows)
        cols = coded_columns(rows, _HISTORY) if n else {}
        dcols = coded_columns(deals, ("id", "funnel_id", "stage_id")) if len(deals) else {}
        self._deal_ids: list[str] = self._ids(dcols, len(deals))
        # stage keys: funnel and stage strings in shared spaces, then (funnel, stage) pairs
        funnels: dict[str, int] = {}
        stages: dict[str, int] = {}
        # each coded column is dropped once recoded: at a million deals they are 45 MB apiece
        f = self._recode(cols, "funnel_id", funnels, n)
        s = self._recode(cols, "to_stage_id", stages, n)
        ff = self._recode(cols, "from_funnel_id", funnels, n)
        fs = self._recode(cols, "from_stage_id", stages, n)
        src_f = np.where(ff >= 0, ff, f)  # a missing from-funnel means "the same funnel"
        width = len(stages) + 1
        bound = (len(funnels) + 1) * width
        to_pair = f * width + s
        from_pair = np.where(fs >= 0, src_f * width + fs, -1)
        pairs = distinct(
            np.concatenate(
                (small_distinct(to_pair, bound), small_distinct(from_pair[from_pair >= 0], bound))
            )
        )
        f_names = list(funnels)
        s_names = list(stages)
        named = [(f_names[int(p) // width], s_names[int(p) % width]) for p in pairs]
        self.keys: list[StageKey] = sorted(named)
        self._key_of: dict[StageKey, int] = {k: i for i, k in enumerate(self.keys)}
        pair_key = np.array([self._key_of[k] for k in named], np.int64)
        key = pair_key[np.searchsorted(pairs, to_pair)] if n else np.zeros(0, np.int64)
        src = np.full(n, -1, np.int64)
        has_src = from_pair >= 0
        src[has_src] = pair_key[np.searchsorted(pairs, from_pair[has_src])]
        del f, s, ff, fs, src_f, to_pair, from_pair
        at = cols.pop("at")[0] if n else np.zeros(0, np.int64)
        every = self._every_deal(n)
        cols.clear()
        order_all = self._sort(every, at)
        # rows of every deal, sorted: the metrics' visits read these (sync artefacts and all)
        self.all_deal: IntArray = every[order_all]
        self.all_key: IntArray = key[order_all]
        self.all_at: IntArray = at[order_all]
        keep = (self.all_deal < len(deals)) & (src[order_all] != self.all_key)  # §14.1
        if keep.all():
            # the usual case (no sync artefacts, no unknown deals): the rules' rows are all
            # rows, shared rather than copied (three arrays, 130 MB at a million deals)
            order = order_all
            self.deal, self.at, self.key = self.all_deal, self.all_at, self.all_key
        else:
            order = order_all[keep]
            self.deal, self.at, self.key = (
                self.all_deal[keep],
                self.all_at[keep],
                self.all_key[keep],
            )
        self.order: IntArray = order
        self.src: IntArray = src[order]
        for shared in (self.all_deal, self.all_key, self.all_at, self.deal, self.at, self.key):
            shared.flags.writeable = False  # handed to every rule and metric: derive, never change
        starts = (
            np.flatnonzero(np.r_[True, self.deal[1:] != self.deal[:-1]]) if len(order) else order
        )
        self._start = np.full(len(deals), -1, np.int64)
        self._end = np.full(len(deals), -1, np.int64)
        if len(order):
            ends = np.r_[starts[1:], len(order)]
            self._start[self.deal[starts]] = starts
            self._end[self.deal[starts]] = ends
        self._funnels: dict[str, int] = {}
        self.funnel_of_key = np.array([self._fcode(fid) for fid, _ in self.keys], np.int64)
        self._current = self._current_keys(dcols, len(deals))

    @staticmethod
    def _recode(cols: dict[str, Coded], name: str, space: dict[str, int], n: int) -> IntArray:
        codes, values = _text(cols, name, n)
        cols.pop(name, None)
        return _global(values, space)[codes]

    def _ids(self, dcols: dict[str, Coded], count: int) -> list[str]:
        if not count:
            return []
        codes, values = dcols["id"]
        lookup = np.array([*(values or ()), None], dtype=object)
        ids: list[str] = lookup[codes].tolist()
        return ids

    def _every_deal(self, n: int) -> IntArray:
        """A code per row's deal: its snapshot position, or past the end for unknown deals."""
        if not n:
            return np.zeros(0, np.int64)
        past = len(self._deal_ids)
        # each row's deal: one join in the store; when every row finds its deal (the rule),
        # the 5.6M deal ids of a million-deal history need not be coded at all
        found = positions(self.rows, "deal_id", self._deals, "id")
        if found is not None and int(found.min()) >= 0:
            self._unknown: list[Any] = [None]
            return found
        codes, values = _text(coded_columns(self.rows, ("deal_id",)), "deal_id", n)
        listed = list(values or ())
        if found is None:
            index = self.deal_index
            at_row = np.array([index.get(v, -1) for v in listed], np.int64)
        else:
            at_row = np.full(len(listed), -1, np.int64)
            valid = codes >= 0
            at_row[codes[valid]] = found[valid]
        unknown = np.flatnonzero(at_row < 0)  # in value order, as they were numbered before
        lookup = np.empty(len(listed) + 1, np.int64)
        lookup[:-1] = at_row
        lookup[unknown] = past + np.arange(len(unknown))
        lookup[-1] = past + len(unknown)  # a row without deal id
        self._unknown = [*(listed[i] for i in unknown.tolist()), None]
        return lookup[codes]

    @staticmethod
    def _sort(deal: IntArray, at: IntArray) -> IntArray:
        """Row order by deal, then time, then position (one stable sort on a packed key)."""
        if not len(deal):
            return np.zeros(0, np.int64)
        low = int(at.min())
        span = int(at.max()) - low
        if span < (1 << 34) and int(deal.max()) < (1 << 28):
            return np.argsort((deal << 34) | (at - low), kind="stable")
        return np.lexsort((np.arange(len(deal)), at, deal))

    def _current_keys(self, dcols: dict[str, Coded], count: int) -> IntArray:
        """Each deal's current (funnel, stage) as a key code, or -2 when history lacks it."""
        if not count:
            return np.zeros(0, np.int64)
        f_codes, f_vals = dcols["funnel_id"]
        s_codes, s_vals = dcols["stage_id"]
        width = len(s_vals or ()) + 1
        pair = np.where(f_codes >= 0, f_codes, width) * width + np.where(s_codes >= 0, s_codes, 0)
        seen = distinct(pair)
        fv = [*(f_vals or ()), None]
        sv = list(s_vals or ())
        codes = [self._key_of.get((fv[int(p) // width], sv[int(p) % width]), -2) for p in seen]
        return np.array(codes, np.int64)[np.searchsorted(seen, pair)]

    @cached_property
    def deal_index(self) -> dict[str, int]:
        """Deal id → position in the snapshot's deal table."""
        return dict(zip(self._deal_ids, range(len(self._deal_ids)), strict=True))

    def deal_names(self) -> list[Any]:
        """The id behind each code of `all_deal` (known deals first, then unknown ones)."""
        return [*self._deal_ids, *getattr(self, "_unknown", [])]

    def _fcode(self, funnel_id: str) -> int:
        return self._funnels.setdefault(funnel_id, len(self._funnels))

    def funnel_name(self, code: int) -> str:
        """The funnel id behind a funnel code."""
        if not hasattr(self, "_funnel_ids"):
            self._funnel_ids = {v: k for k, v in self._funnels.items()}
        return self._funnel_ids[code]

    def funnel_code(self, funnel_id: str) -> int:
        """The code of a funnel seen in history, or -1."""
        return self._funnels.get(funnel_id, -1)

    def key_code(self, key: StageKey) -> int | None:
        return self._key_of.get(key)

    def of(self, deal_id: str) -> list[StageTransition]:
        """One deal's transitions in time order."""
        i = self.deal_index.get(deal_id)
        if i is None or self._start[i] < 0:
            return []
        return take(self.rows, self.order[self._start[i] : self._end[i]].tolist())

    def last(self, deal_id: str) -> StageTransition | None:
        """The deal's latest transition."""
        i = self.deal_index.get(deal_id)
        if i is None or self._start[i] < 0:
            return None
        return take(self.rows, [int(self.order[self._end[i] - 1])])[0]

    def stage_at(self, deal_ids: Sequence[str], times: Sequence[int]) -> list[StageKey | None]:
        """The stage each deal was in at each moment (None before its first transition)."""
        rows = np.array([self.deal_index.get(x, -1) for x in deal_ids], np.int64)
        codes = self.stage_codes_at(rows, np.array(times, np.int64))
        return [self.keys[c] if c >= 0 else None for c in codes.tolist()]

    def stage_codes_at(self, rows: IntArray, times: IntArray) -> IntArray:
        """`stage_at` by deal row, as key codes (-1: before the deal's first transition)."""
        if not len(self.order) or not len(rows):
            return np.full(len(rows), -1, np.int64)
        scale = np.int64(1) << np.int64(34)  # epoch seconds fit in 34 bits until 2514
        sorted_pos = self.deal * scale + self.at
        i = np.searchsorted(sorted_pos, rows * scale + times, side="right") - 1
        ok = (i >= 0) & (rows >= 0) & (self.deal[np.maximum(i, 0)] == rows)
        return np.where(ok, self.key[np.maximum(i, 0)], -1)

    def last_of(self, deal_ids: Sequence[str]) -> list[StageTransition | None]:
        """The latest transition of each deal, in one vectorised lookup."""
        idx = np.array([self.deal_index.get(d, -1) for d in deal_ids], np.int64)
        ends = np.where(idx >= 0, self._end[np.maximum(idx, 0)], -1)
        rows = (
            np.where(ends > 0, self.order[np.maximum(ends - 1, 0)], -1) if len(self.order) else ends
        )
        found = rows >= 0
        picked = iter(take(self.rows, rows[found].tolist()))
        return [next(picked) if ok else None for ok in found.tolist()]

    def column(self, name: str) -> Coded:
        """Another coded column of the history rows, in table order (`order` indexes it)."""
        if not len(self.rows):
            return np.zeros(0, np.int64), []
        return _text(coded_columns(self.rows, (name,)), name, len(self.rows))

    def last_rows(self, deal_rows: IntArray) -> IntArray:
        """Per deal row given: the position of its latest transition in the kept arrays
        (`key`, `src`, `order`), -1 when it has none (what `last_of` returns as objects)."""
        if not len(self.order):
            return np.full(len(deal_rows), -1, np.int64)
        ends = self._end[deal_rows]
        return np.where(ends > 0, ends - 1, -1)

    def stage_entries(self) -> IntArray:
        """Per deal (snapshot order): when it last entered its current stage, or -1."""
        entry = np.full(len(self._current), -1, np.int64)
        mask = self.key == self._current[self.deal]
        np.maximum.at(entry, self.deal[mask], self.at[mask])
        return entry

    def cross_funnel_pairs(self) -> set[tuple[str, str]]:
        """(from funnel, to funnel) of every observed move between funnels."""
        has_src = self.src >= 0
        a = self.funnel_of_key[self.src[has_src]]
        b = self.funnel_of_key[self.key[has_src]]
        moved = a != b
        if not moved.any():
            return set()
        width = len(self._funnels)
        pairs = distinct(a[moved] * width + b[moved])
        return {
            (self.funnel_name(int(p) // width), self.funnel_name(int(p) % width)) for p in pairs
        }


def history_index(snapshot: Snapshot) -> HistoryIndex:
    """The snapshot's history index, built on first use and then shared (audit, metrics)."""
    memo_key = ("history", id(snapshot.deals), id(snapshot.transitions))
    found = snapshot.memo.get(memo_key)
    if found is None:
        index = HistoryIndex(snapshot.deals, snapshot.transitions)
        # the tables are kept beside the index so their ids cannot be reused meanwhile
        snapshot.memo[memo_key] = (snapshot.deals, snapshot.transitions, index)
        return index
    built: HistoryIndex = found[2]
    return built
