"""Stage visits from the history, as numpy arrays built once and shared by every metric.

A million-deal portal has millions of history rows; grouping them with Python dicts
per deal costs a minute, while sorting integer codes with numpy costs a second. Rows
are coded (deal, stage), sorted by deal then time, and consecutive entries of the same
stage dropped (cli-conventions.md §14.1: from-stage = to-stage rows are sync artefacts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from funnelkit.index.history import INT_NULL, Coded, coded_columns, history_index
from funnelkit.index.sorting import distinct, group_starts
from funnelkit.model import Snapshot, Stage
from funnelkit.model.lazy import LazyRows
from funnelkit.model.timeutil import DAY

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
MAX_SEQUENCE = 62  # stages tracked by the in-order bitmask (an int64 per deal)


def _decode(column: Coded) -> list[Any]:
    codes, values = column
    lookup = np.array([*(values or ()), None], dtype=object)
    decoded: list[Any] = lookup[codes].tolist()
    return decoded


@dataclass
class Flow:
    """How deals went through one funnel's stages."""

    entered: Counter[str]
    strict: Counter[str]
    latest: dict[str, Floats]  # days of each deal's last completed visit, per stage
    cumulative: dict[str, Floats]  # days of all completed visits summed per deal, per stage
    # deals that entered a sequence stage and also the next one, in any order: the numerator
    # of next_step_any, which can therefore never exceed the stage's own entries
    onward: Counter[str] = field(default_factory=Counter)
    # deals that entered the first stage and this one, in any order (cumulative_any's numerator)
    reached: Counter[str] = field(default_factory=Counter)


class VisitTable:
    """Every stage visit of every deal: coded, time-ordered, with the time it ended.

    With history the visits come from the snapshot's shared history index
    (index/history.py), built once for the rules and the metrics alike.
    """

    def __init__(self, snapshot: Snapshot, use_history: bool) -> None:
        if use_history:
            index = history_index(snapshot)
            deal, stage, at = index.all_deal, index.all_key, index.all_at
            self._names: Callable[[], list[Any]] = index.deal_names
            self._stages: dict[tuple[str, str], int] = {k: i for i, k in enumerate(index.keys)}
            ended = None
        else:  # without history each deal counts once, where it stands now
            deal, stage, at, ended = self._current(snapshot)
        repeat = (deal[1:] == deal[:-1]) & (stage[1:] == stage[:-1])
        keep = np.concatenate(([True], ~repeat)) if len(deal) else np.zeros(0, bool)
        deal, stage, at = deal[keep], stage[keep], at[keep]
        if ended is None:
            same_next = np.concatenate((deal[1:] == deal[:-1], [False])) if len(deal) else keep
            self.left: Ints = np.where(same_next, np.roll(at, -1), -1)
        else:
            self.left = ended[keep]
        self.deal: Ints = deal
        self.stage: Ints = stage
        self.at: Ints = at
        self._funnels: dict[str, int] = {}
        funnel_codes = [self._funnels.setdefault(f, len(self._funnels)) for f, _ in self._stages]
        self._funnel_of: Ints = np.array(funnel_codes, np.int64)

    def _current(self, snapshot: Snapshot) -> tuple[Ints, Ints, Ints, Ints]:
        """One visit per deal: its current stage, from creation to closing."""
        rows = snapshot.deals
        names = ("id", "funnel_id", "stage_id", "created_at", "closed_at")
        cols = coded_columns(rows, names) if len(rows) else {}
        ids = [d.id for d in rows] if len(rows) and not isinstance(rows, LazyRows) else None
        self._names = (lambda: ids) if ids is not None else (lambda: _decode(cols["id"]))
        self._stages = {}
        count = len(rows)
        if not count:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty, empty
        f_codes, f_vals = cols["funnel_id"]
        s_codes, s_vals = cols["stage_id"]
        fv, sv = [*(f_vals or ()), None], [*(s_vals or ()), None]
        width = len(sv)
        pair = (f_codes % len(fv)) * width + s_codes % width  # -1 (missing) → the None slot
        seen = distinct(pair)
        self._stages = {(fv[int(p) // width], sv[int(p) % width]): i for i, p in enumerate(seen)}
        stage = np.searchsorted(seen, pair).astype(np.int64)
        closed = cols["closed_at"][0] if "closed_at" in cols else np.full(count, -1, np.int64)
        ended = np.where((closed == INT_NULL) | (closed == 0), -1, closed)
        return np.arange(count, dtype=np.int64), stage, cols["created_at"][0], ended

    def last_entry(self) -> dict[str, int]:
        """When each deal last entered a stage (a closed deal without closed_at closed then)."""
        if not len(self.deal):
            return {}
        last = np.flatnonzero(np.concatenate((self.deal[1:] != self.deal[:-1], [True])))
        names = self._names()
        return {names[d]: int(t) for d, t in zip(self.deal[last], self.at[last], strict=True)}

    def last_entry_rows(self, count: int) -> Ints:
        """`last_entry` per deal row (the first `count` deal codes), INT_NULL for none."""
        out = np.full(count, INT_NULL, np.int64)
        if not len(self.deal):
            return out
        last = np.flatnonzero(np.concatenate((self.deal[1:] != self.deal[:-1], [True])))
        known = self.deal[last] < count
        out[self.deal[last][known]] = self.at[last][known]
        return out

    def flow(self, funnel_id: str, order: list[Stage], others: list[Stage]) -> Flow:
        """Entries (any order and in order) and dwell times for one funnel."""
        code = self._funnels.get(funnel_id, -1)
        rows = self._funnel_of[self.stage] == code if len(self.stage) and code >= 0 else None
        if rows is None or not rows.any():
            return Flow(Counter(), Counter(), {}, {})
        deal, stage, at, left = self.deal[rows], self.stage[rows], self.at[rows], self.left[rows]
        size = max(len(self._stages), 1)
        codes = {s.id: self._stages.get((funnel_id, s.id), -1) for s in (*order, *others)}
        pairs = distinct(deal * size + stage)
        entered_by_code = np.bincount(pairs % size, minlength=size)
        entered = Counter({sid: int(entered_by_code[c]) for sid, c in codes.items() if c >= 0})
        strict, onward, reached = self._strict(deal, stage, order, codes, size)
        latest, cumulative = self._dwell(deal, stage, at, left, codes, size)
        return Flow(entered, strict, latest, cumulative, onward, reached)

    @staticmethod
    def _strict(
        deal: Ints, stage: Ints, order: list[Stage], codes: dict[str, int], size: int
    ) -> tuple[Counter[str], Counter[str], Counter[str]]:
        """Deals that entered each stage of the sequence and every stage before it; deals
        that entered each stage and the next one; and the first one and this (any order)."""
        position = np.full(size, -1, np.int64)
        for index, s in enumerate(order[:MAX_SEQUENCE]):
            if codes[s.id] >= 0:
                position[codes[s.id]] = index
        where = position[stage]
        chosen = where >= 0
        if not chosen.any():
            return Counter(), Counter(), Counter()
        owners, bits = deal[chosen], np.left_shift(np.int64(1), where[chosen])
        starts = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
        masks = np.bitwise_or.reduceat(bits, starts)
        strict: Counter[str] = Counter()
        for index, s in enumerate(order[:MAX_SEQUENCE]):
            full = np.int64((1 << (index + 1)) - 1)
            strict[s.id] = int(np.count_nonzero((masks & full) == full))
        onward: Counter[str] = Counter()
        reached: Counter[str] = Counter()
        for index, s in enumerate(order[:MAX_SEQUENCE]):
            onward[s.id] = int(np.count_nonzero(((masks >> index) & 3) == 3))
            reached[s.id] = int(np.count_nonzero((masks & 1) & ((masks >> index) & 1)))
        return strict, onward, reached

    @staticmethod
    def _dwell(
        deal: Ints, stage: Ints, at: Ints, left: Ints, codes: dict[str, int], size: int
    ) -> tuple[dict[str, Floats], dict[str, Floats]]:
        """Latest and cumulative completed-visit days per deal, grouped by stage."""
        done = left >= 0
        days = (left[done] - at[done]) / DAY
        keys = (deal * size + stage)[done]
        # group by sorting (stable: a group keeps visit order, so its last is the latest)
        order = np.argsort(keys, kind="stable")
        keys, days = keys[order], days[order]
        starts = group_starts(keys)
        total = np.add.reduceat(days, starts) if len(keys) else days
        latest = days[np.r_[starts[1:], len(keys)] - 1] if len(keys) else days
        stage_of = keys[starts] % size
        return (
            {sid: latest[stage_of == c] for sid, c in codes.items() if c >= 0},
            {sid: total[stage_of == c] for sid, c in codes.items() if c >= 0},
        )
