"""Run keyset chains side by side, moving on to other chains while a method is paused."""

# Each job is one keyset chain (an entity, or one id range of it, paging.split). Up to
# `concurrency` batches are in flight at once; the shared client-side bucket still paces the
# total request rate (bitrix24.md §5.1: the limit is per portal and source IP) and the
# `operating` watch still pauses a method for every chain reading it (§5.2).

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from funnelkit.connectors.base import Progress
from funnelkit.connectors.bitrix24.client import MAX_BATCH, Bitrix24Client
from funnelkit.connectors.bitrix24.envelope import OperationTimeLimit
from funnelkit.connectors.bitrix24.paging import Cursor, need, step_group
from funnelkit.errors import RateLimitError

PAUSE_MAX = 600.0  # §5.2: ten one-minute baskets
POLL = 0.05  # seconds between looks at paused methods while other chains are in flight


@dataclass
class Job:
    """One keyset chain: its cursor and what to do with each arriving page."""

    cursor: Cursor
    sink: Callable[[list[dict[str, Any]]], None]
    started: bool = field(default=False)
    label: str | None = None  # the progress entity; parts of one table share it

    @property
    def entity(self) -> str:
        """The progress label."""
        return self.label or self.cursor.spec.entity

    @property
    def remaining(self) -> int:
        """Ids left to read (0 when unknown): the longest chains go first."""
        top = self.cursor.max_id
        return 0 if top is None else max(0, top - self.cursor.after)


# Tables whose ids are shared with rows funnelkit does not read (other entity types' stage
# history, non-CRM tasks, other owners' activities): 9,089 ids may hold 227 rows, so their
# id range is no estimate at all and the bar has no total until the read ends.
SHARED_IDS = frozenset({"deal_history", "lead_history", "tasks", "activities"})


class _Bars:
    """Progress per entity across its parts, safe to call from several threads."""

    def __init__(self, progress: Progress, jobs: list[Job]) -> None:
        self.progress = progress
        self.lock = threading.Lock()
        self.open: dict[str, int] = {}
        self.totals: dict[str, int | None] = {}
        for job in jobs:
            self.open[job.entity] = self.open.get(job.entity, 0) + (not job.cursor.done)
            top = job.cursor.max_id
            known = self.totals.get(job.entity, 0)
            # The id range sizes the bar (issue 5: no counted reads) where the ids are the
            # entity's own; ids may have gaps, and the bar's total is corrected at the end.
            unsized = top is None or known is None or job.entity in SHARED_IDS
            self.totals[job.entity] = None if unsized else (known or 0) + job.remaining
        for entity, count in self.open.items():
            if count == 0:
                progress.start(entity, 0)
                progress.finish(entity)

    def begin(self, job: Job) -> None:
        with self.lock:
            if job.entity in self.totals:
                self.progress.start(job.entity, self.totals.pop(job.entity))

    def sink(self, job: Job) -> Callable[[list[dict[str, Any]]], None]:
        def deliver(rows: list[dict[str, Any]]) -> None:
            job.sink(rows)
            if rows:
                with self.lock:
                    self.progress.advance(job.entity, len(rows))

        return deliver

    def done(self, job: Job) -> None:
        with self.lock:
            self.open[job.entity] -= 1
            if self.open[job.entity] == 0:
                self.progress.finish(job.entity)


def run_jobs(
    client: Bitrix24Client,
    jobs: list[Job],
    progress: Progress,
    *,
    max_wait: float,
    sleep: Callable[[float], None] = time.sleep,
    concurrency: int = 1,
) -> None:
    """Read every job to its end, at most `concurrency` batches in flight."""
    bars = _Bars(progress, jobs)
    pending = [job for job in jobs if not job.cursor.done]
    flying: dict[Future[None], list[Job]] = {}
    slots = max(1, concurrency)
    with ThreadPoolExecutor(max_workers=slots) as pool:
        while pending or flying:
            busy = {id(j) for group in flying.values() for j in group}
            ready = [
                j
                for j in pending
                if id(j) not in busy and client.blocked_until(j.cursor.spec.method) is None
            ]
            ready.sort(key=lambda j: -j.remaining)
            while ready and len(flying) < slots:
                group = _pack(ready)
                for job in group:
                    bars.begin(job)
                members = [(job.cursor, bars.sink(job)) for job in group]
                flying[pool.submit(step_group, client, members)] = group
            if not flying:
                _wait_for_unblock(client, pending, max_wait, sleep)
                continue
            # Poll only while a chain waits on a paused method and a slot is free.
            idle = len(flying) < slots and len(pending) > len(busy)
            finished, _ = wait(list(flying), POLL if idle else None, FIRST_COMPLETED)
            for future in finished:
                _settle(future, flying.pop(future), pending, bars, flying)


def _pack(ready: list[Job]) -> list[Job]:
    """The first ready chain, plus the last batches of others that fit beside it.

    A chain's last batch is usually short; several such tails in one batch save requests.
    """
    group = [ready.pop(0)]
    room = MAX_BATCH - need(group[0].cursor)
    for job in list(ready):
        size = need(job.cursor)
        if job.cursor.max_id is not None and size <= room:
            group.append(job)
            ready.remove(job)
            room -= size
    return group


def _settle(
    future: Future[None],
    group: list[Job],
    pending: list[Job],
    bars: _Bars,
    flying: dict[Future[None], list[Job]],
) -> None:
    try:
        future.result()
    except OperationTimeLimit:
        pass  # that method is paused now; other chains go on meanwhile
    except BaseException:
        for other in flying:
            other.cancel()  # batches already sent finish; none new start
        raise
    for job in group:
        if job.cursor.done:
            bars.done(job)
            pending.remove(job)


def _wait_for_unblock(
    client: Bitrix24Client, pending: list[Job], max_wait: float, sleep: Callable[[float], None]
) -> None:
    moments = [client.blocked_until(j.cursor.spec.method) for j in pending]
    blocked = [m for m in moments if m is not None]
    if not blocked:
        return
    until = min(blocked)
    delay = until - client.wall()
    # §5.2: a pause lasts until the oldest of ten one-minute baskets drops out, so up to ten
    # minutes is the documented wait, whatever max_retry_seconds says of single requests.
    if delay > max(max_wait, PAUSE_MAX):
        method = pending[0].cursor.spec.method
        raise RateLimitError(
            f"bitrix24 {method}: blocked by OPERATION_TIME_LIMIT for {delay:.0f} s more, "
            f"beyond max_retry_seconds ({max_wait:g} s)",
            "Run the pull again in about 10 minutes, or raise max_retry_seconds",
            method=method,
        )
    sleep(max(0.0, delay))
