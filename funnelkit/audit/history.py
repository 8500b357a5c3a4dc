"""Stage history as numpy arrays, sorted by deal and time: the one full pass over history.

A 5M-row history is read from Python objects exactly once (a few list
comprehensions); every per-stage statistic and per-deal lookup after that is a
vectorised numpy operation or an O(1) slice, so rules never rescan history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from funnelkit.model import Deal, StageTransition

StageKey = tuple[str, str]
IntArray = npt.NDArray[np.int64]


class HistoryIndex:
    """Transitions grouped by deal (time order), with stage keys encoded as integers."""

    def __init__(self, deals: Sequence[Deal], rows: Sequence[StageTransition]) -> None:
        self.rows = rows
        self.deal_index = {d.id: i for i, d in enumerate(deals)}
        self.keys: list[StageKey] = []
        self._key_of: dict[StageKey, int] = {}
        self._funnels: dict[str, int] = {}
        n = len(rows)
        # The one pass over Python objects, kept in C: attrgetter, zip and dict lookups via map.
        funnel = list(map(attrgetter("funnel_id"), rows))
        to_keys = list(zip(funnel, map(attrgetter("to_stage_id"), rows), strict=True))
        # (from funnel, from stage, funnel): a missing from-funnel means "the same funnel".
        src_rows = list(
            zip(
                map(attrgetter("from_funnel_id"), rows),
                map(attrgetter("from_stage_id"), rows),
                funnel,
                strict=True,
            )
        )
        del funnel
        src_distinct = set(src_rows)
        named = {((ff or f), fs) for ff, fs, f in src_distinct if fs is not None}
        for k in sorted(set(to_keys) | named):
            self._code(*k)
        src_of = {
            t: -1 if t[1] is None else self._key_of[(t[0] or t[2], t[1])] for t in src_distinct
        }
        deal_of = defaultdict(lambda: -1, self.deal_index)
        # np.array(list(map(...))) beats np.fromiter(map(...)) here by about half.
        deal = np.array(list(map(deal_of.__getitem__, map(attrgetter("deal_id"), rows))), np.int64)
        at = np.fromiter(map(attrgetter("at"), rows), np.int64, n)
        key = np.array(list(map(self._key_of.__getitem__, to_keys)), np.int64)
        src = np.array(list(map(src_of.__getitem__, src_rows)), np.int64)
        del to_keys, src_rows
        keep = (deal >= 0) & (src != key)  # from == to rows are sync artefacts (§14.1)
        order = np.flatnonzero(keep)
        order = order[np.lexsort((order, at[order], deal[order]))]
        self.order: IntArray = order
        self.deal: IntArray = deal[order]
        self.at: IntArray = at[order]
        self.key: IntArray = key[order]
        self.src: IntArray = src[order]
        starts = np.flatnonzero(np.r_[True, self.deal[1:] != self.deal[:-1]]) if n else order
        self._start = np.full(len(deals), -1, np.int64)
        self._end = np.full(len(deals), -1, np.int64)
        if len(order):
            ends = np.r_[starts[1:], len(order)]
            self._start[self.deal[starts]] = starts
            self._end[self.deal[starts]] = ends
        self.funnel_of_key = np.array([self._fcode(f) for f, _ in self.keys], np.int64)
        self._current = np.array(
            [self._key_of.get((d.funnel_id, d.stage_id), -2) for d in deals], np.int64
        )

    def _code(self, funnel_id: str, stage_id: str) -> int:
        k = (funnel_id, stage_id)
        code = self._key_of.get(k)
        if code is None:
            code = self._key_of[k] = len(self.keys)
            self.keys.append(k)
        return code

    def _fcode(self, funnel_id: str) -> int:
        return self._funnels.setdefault(funnel_id, len(self._funnels))

    def funnel_name(self, code: int) -> str:
        """The funnel id behind a funnel code."""
        if not hasattr(self, "_funnel_ids"):
            self._funnel_ids = {v: k for k, v in self._funnels.items()}
        return self._funnel_ids[code]

    def key_code(self, key: StageKey) -> int | None:
        return self._key_of.get(key)

    def of(self, deal_id: str) -> list[StageTransition]:
        """One deal's transitions in time order."""
        i = self.deal_index.get(deal_id)
        if i is None or self._start[i] < 0:
            return []
        return [self.rows[r] for r in self.order[self._start[i] : self._end[i]]]

    def last(self, deal_id: str) -> StageTransition | None:
        """The deal's latest transition."""
        i = self.deal_index.get(deal_id)
        if i is None or self._start[i] < 0:
            return None
        return self.rows[int(self.order[self._end[i] - 1])]

    def stage_at(self, deal_ids: Sequence[str], times: Sequence[int]) -> list[StageKey | None]:
        """The stage each deal was in at each moment (None before its first transition)."""
        if not len(self.order) or not len(deal_ids):
            return [None] * len(deal_ids)
        scale = np.int64(1) << np.int64(34)  # epoch seconds fit in 34 bits until 2514
        sorted_pos = self.deal * scale + self.at
        d = np.array([self.deal_index.get(x, -1) for x in deal_ids], np.int64)
        q = d * scale + np.array(times, np.int64)
        i = np.searchsorted(sorted_pos, q, side="right") - 1
        ok = (i >= 0) & (d >= 0) & (self.deal[np.maximum(i, 0)] == d)
        return [
            self.keys[int(self.key[j])] if good else None for j, good in zip(i, ok, strict=True)
        ]

    def last_of(self, deal_ids: Sequence[str]) -> list[StageTransition | None]:
        """The latest transition of each deal, in one vectorised lookup."""
        idx = np.array([self.deal_index.get(d, -1) for d in deal_ids], np.int64)
        ends = np.where(idx >= 0, self._end[np.maximum(idx, 0)], -1)
        rows = (
            np.where(ends > 0, self.order[np.maximum(ends - 1, 0)], -1) if len(self.order) else ends
        )
        return [self.rows[int(r)] if r >= 0 else None for r in rows]

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
        pairs = np.unique(np.stack([a[moved], b[moved]], axis=1), axis=0)
        return {(self.funnel_name(int(x)), self.funnel_name(int(y))) for x, y in pairs}
