"""Tasks, interactions and postponed deadlines of generated deals, as numpy columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from funnelkit.emulator.generate.engine import DAY

HOUR = 3_600
KINDS = ("task", "call", "email", "meeting")  # ActivityKind values, by column code
TASK, CALL, EMAIL, MEETING = range(4)
POSTPONE_GAP = 4 * DAY


@dataclass
class DealFacts:
    """What activities depend on, per deal row."""

    created: np.ndarray
    last_at: np.ndarray  # when it entered its current stage
    closed_at: np.ndarray  # -1 when open
    is_open: np.ndarray
    in_dump: np.ndarray
    contact: np.ndarray


@dataclass
class Planted:
    """Deal rows chosen for task defects."""

    no_task: np.ndarray  # FK301, no task at all
    overdue: np.ndarray  # FK301, only an overdue task
    postponed: np.ndarray  # FK302
    silent: np.ndarray  # FK303, last interaction long ago


@dataclass
class ActivityColumns:
    """One row per activity; `postponed_*` one row per deadline change."""

    deal: np.ndarray
    kind: np.ndarray
    created: np.ndarray
    deadline: np.ndarray  # -1 for none
    done: np.ndarray
    change_task: np.ndarray  # activity row of each deadline change
    change_at: np.ndarray
    change_old: np.ndarray
    change_new: np.ndarray


def choose_planted(rng: np.random.Generator, f: DealFacts, now: int) -> Planted:
    """Disjoint sets of open, non-parked deals for FK302, FK303 and FK301, in that order.

    The pickiest sets go first: a small portal may have only the planted stuck deals open,
    and those qualify for every set.
    """
    pool = rng.permutation(np.flatnonzero(f.is_open & ~f.in_dump))
    share = max(1, len(pool) // 100)
    postponed = pool[f.last_at[pool] <= now - 30 * DAY][:share]
    rest = pool[~np.isin(pool, postponed)]
    alone = np.bincount(f.contact)[f.contact[rest]] == 1  # FK303 is about the whole client
    silent = rest[(f.created[rest] <= now - 130 * DAY) & alone][:share]
    rest = rest[~np.isin(rest, silent)]
    n = max(1, len(pool) // 100)
    no_task, overdue = rest[: (n + 1) // 2], rest[(n + 1) // 2 : n]
    return Planted(np.sort(no_task), np.sort(overdue), np.sort(postponed), np.sort(silent))


def activities(rng: np.random.Generator, f: DealFacts, p: Planted, now: int) -> ActivityColumns:
    """Closed deals: one past interaction. Open deals: a live task and a recent call."""
    closed = np.flatnonzero(~f.is_open)
    span = np.maximum(f.closed_at[closed] - f.created[closed], 1)
    c_created = f.created[closed] + (rng.random(len(closed)) * span).astype(np.int64)
    c_kind = rng.choice([CALL, EMAIL, MEETING], size=len(closed), p=[0.6, 0.25, 0.15])

    open_rows = np.flatnonzero(f.is_open)
    parked = f.in_dump[open_rows]
    # tasks: every open deal outside the dump stage, except the FK301 "no task" ones
    has_task = ~parked & ~np.isin(open_rows, p.no_task)
    t_rows = open_rows[has_task]
    t_created = np.maximum(f.last_at[t_rows], now - 30 * DAY) + rng.integers(0, DAY, len(t_rows))
    t_created = np.minimum(t_created, now)
    t_deadline = now + rng.integers(DAY, 14 * DAY, size=len(t_rows))
    late = np.isin(t_rows, p.overdue)
    t_deadline[late] = now - rng.integers(2 * DAY, 30 * DAY, size=int(late.sum()))
    t_created[late] = np.maximum(f.last_at[t_rows[late]], t_deadline[late] - 3 * DAY)
    t_created[late] = np.minimum(t_created[late], t_deadline[late] - HOUR)

    # the latest interaction: recent, except parked deals (when parked) and FK303 deals
    k_rows = open_rows
    k_created = now - rng.integers(0, 21 * DAY, size=len(k_rows))
    k_created[parked] = f.last_at[k_rows[parked]] + rng.integers(0, DAY, int(parked.sum()))
    quiet = np.isin(k_rows, p.silent)
    low = np.maximum(f.created[k_rows[quiet]], now - 400 * DAY)
    k_created[quiet] = low + (rng.random(int(quiet.sum())) * (now - 120 * DAY - low)).astype(
        np.int64
    )
    k_created = np.clip(k_created, f.created[k_rows], now)

    deal = np.concatenate([closed, t_rows, k_rows])
    kind = np.concatenate([c_kind, np.full(len(t_rows), TASK), np.full(len(k_rows), CALL)])
    created = np.concatenate([c_created, t_created, k_created])
    deadline = np.concatenate([np.full(len(closed), -1), t_deadline, np.full(len(k_rows), -1)])
    done = np.concatenate(
        [np.ones(len(closed), bool), np.zeros(len(t_rows), bool), np.ones(len(k_rows), bool)]
    )
    cols = ActivityColumns(deal, kind.astype(np.int8), created, deadline, done, *_empty(4))
    _postpone(rng, cols, len(closed), t_rows, p.postponed, now)
    return cols


def _empty(count: int) -> list[np.ndarray]:
    return [np.zeros(0, np.int64) for _ in range(count)]


def _postpone(
    rng: np.random.Generator,
    cols: ActivityColumns,
    offset: int,
    t_rows: np.ndarray,
    postponed: np.ndarray,
    now: int,
) -> None:
    """FK302: the task of each chosen deal had its deadline pushed 3–5 times."""
    task_rows = offset + np.flatnonzero(np.isin(t_rows, postponed))
    tasks, ats, olds, news = [], [], [], []
    for row in task_rows.tolist():
        moves = int(rng.integers(3, 6))
        created = now - moves * POSTPONE_GAP - DAY
        cols.created[row] = created
        deadlines = [created + DAY + k * POSTPONE_GAP for k in range(moves)]
        deadlines.append(int(cols.deadline[row]))
        for k in range(1, moves + 1):
            tasks.append(row)
            ats.append(deadlines[k - 1] - 2 * HOUR)
            olds.append(deadlines[k - 1])
            news.append(deadlines[k])
    cols.change_task = np.array(tasks, np.int64)
    cols.change_at = np.array(ats, np.int64)
    cols.change_old = np.array(olds, np.int64)
    cols.change_new = np.array(news, np.int64)
