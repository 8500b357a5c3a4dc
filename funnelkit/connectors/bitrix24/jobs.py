"""Run several keyset reads, moving on to other entities while one method is paused (§5.2)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.connectors.base import Progress
from funnelkit.connectors.bitrix24.client import Bitrix24Client
from funnelkit.connectors.bitrix24.envelope import OperationTimeLimit
from funnelkit.connectors.bitrix24.paging import Cursor, step
from funnelkit.errors import RateLimitError


@dataclass
class Job:
    """One entity's read: its cursor and what to do with each arriving page."""

    cursor: Cursor
    sink: Callable[[list[dict[str, Any]]], None]
    started: bool = field(default=False)

    @property
    def entity(self) -> str:
        """The progress label."""
        return self.cursor.spec.entity


def run_jobs(
    client: Bitrix24Client,
    jobs: list[Job],
    progress: Progress,
    *,
    max_wait: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Read every job to its end, one entity at a time unless its method is paused."""
    pending = [job for job in jobs if not job.cursor.done]
    for job in jobs:
        if job.cursor.done:
            progress.start(job.entity, 0)
            progress.finish(job.entity)
    while pending:
        ready = [j for j in pending if client.blocked_until(j.cursor.spec.method) is None]
        if not ready:
            _wait_for_unblock(client, pending, max_wait, sleep)
            continue
        job = ready[0]
        if not job.started:
            # The id range sizes the bar (issue 5: no counted reads); ids may have gaps.
            top = job.cursor.max_id
            progress.start(job.entity, None if top is None else max(0, top - job.cursor.after))
            job.started = True
        try:
            step(client, job.cursor, _reporting(job, progress))
        except OperationTimeLimit:
            continue  # the method is paused now; another entity goes next
        if job.cursor.done:
            progress.finish(job.entity)
            pending.remove(job)


def _reporting(job: Job, progress: Progress) -> Callable[[list[dict[str, Any]]], None]:
    def sink(rows: list[dict[str, Any]]) -> None:
        job.sink(rows)
        if rows:
            progress.advance(job.entity, len(rows))

    return sink


def _wait_for_unblock(
    client: Bitrix24Client, pending: list[Job], max_wait: float, sleep: Callable[[float], None]
) -> None:
    moments = [client.blocked_until(j.cursor.spec.method) for j in pending]
    until = min(m for m in moments if m is not None)
    delay = until - client.wall()
    if delay > max_wait:
        method = pending[0].cursor.spec.method
        raise RateLimitError(
            f"bitrix24 {method}: blocked by OPERATION_TIME_LIMIT for {delay:.0f} s more, "
            f"beyond max_retry_seconds ({max_wait:g} s)",
            "Run the pull again in about 10 minutes, or raise max_retry_seconds",
            method=method,
        )
    sleep(max(0.0, delay))
