"""`pull --since-snapshot`: read only what changed and merge, equal to a full pull (issue 5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from funnelkit.connectors.base import NullProgress, PortalSettings, Progress, PullScope
from funnelkit.connectors.bitrix24 import mapping, specs
from funnelkit.connectors.bitrix24.client import BatchResult, Bitrix24Client, command
from funnelkit.connectors.bitrix24.jobs import Job, run_jobs
from funnelkit.connectors.bitrix24.mapping import LEAD_PREFIX, TASK_PREFIX
from funnelkit.connectors.bitrix24.paging import Cursor, ListSpec
from funnelkit.connectors.bitrix24.positions import Positions
from funnelkit.connectors.bitrix24.pull import (
    PullResult,
    domain_of,
    plan_specs,
    read_tables,
    scope_filters,
)
from funnelkit.connectors.bitrix24.tables import Tables
from funnelkit.errors import SnapshotError
from funnelkit.model import EntityKind, Snapshot, Vendor


class ConnectorParts(Protocol):
    """What an incremental pull needs of the connector (connector.py calls in, never back)."""

    client: Bitrix24Client
    settings: PortalSettings

    def assemble(
        self, scope: PullScope, got: PullResult, incremental_from: str | None = None
    ) -> Snapshot:
        """A snapshot from what a pull read."""


# DATE_MODIFY has one-second resolution and the portal commits rows a little after stamping
# them: re-read a margin before the old pull started (rows read twice are merged by id).
SAFETY_MARGIN = 600
# Which field says "changed since" for each list (§7.1 DATE_MODIFY, §7.3 updatedTime,
# §9.1 LAST_UPDATED, §9.3 CHANGED_DATE).
_CHANGED = {
    "deals": ">=updatedTime",
    "leads": ">=DATE_MODIFY",
    "activities": ">=LAST_UPDATED",
    "tasks": ">=CHANGED_DATE",
    "contacts": ">=DATE_MODIFY",
    "companies": ">=DATE_MODIFY",
}
_HISTORY = ("deal_history", "lead_history")


def _scope(old: Snapshot) -> PullScope:
    s = old.manifest.scope
    return PullScope(funnels=s.funnels, since=s.since, history=s.history, tasks=s.tasks)


def _cursors(old: Snapshot, scope: PullScope) -> list[Cursor]:
    chosen, _ = plan_specs(scope)
    filters = scope_filters(scope)
    since = mapping.wire_time(old.manifest.pulled_at - SAFETY_MARGIN)
    out = []
    for spec in chosen:
        extra = dict(filters.get(spec.entity, {}))
        after = 0
        if spec.entity in _HISTORY:
            after = int(old.manifest.cursors.get(f"{spec.entity}.last_id", "0"))
        elif spec.entity in _CHANGED:
            extra[_CHANGED[spec.entity]] = since
        out.append(Cursor(spec, extra=extra, after=after))
    return out


def _old_ids(old: Snapshot, lead: bool) -> set[str]:
    return {d.id for d in old.deals if (d.entity is EntityKind.LEAD) == lead}


Wanted = list[tuple[ListSpec, str, set[str], dict[str, Any]]]


def _count_commands(scope: PullScope, old: Snapshot) -> tuple[dict[str, str], Wanted]:
    """Counted reads of ids up to the old highest: one number per table, no sweep (§3)."""
    filters = scope_filters(scope)
    wanted: Wanted = [(specs.DEAL_IDS, "", _old_ids(old, lead=False), filters.get("deals", {}))]
    if not scope.funnels or "LEAD" in scope.funnels:
        wanted.append((specs.LEAD_IDS, LEAD_PREFIX, _old_ids(old, lead=True), {}))
    commands = {}
    for spec, _prefix, ids, extra in wanted:
        top = max((_num(i) for i in ids), default=0)
        params = spec.params(0, {**extra, f"<={spec.id_field}": top})
        params["start"] = 0  # counted on purpose: one number instead of a sweep
        commands[f"n_{spec.entity}"] = command(spec.method, params)
    return commands, wanted


def _deleted(connector: ConnectorParts, first: BatchResult, wanted: Wanted) -> set[str]:
    """Deals and leads of the old snapshot that are gone from the portal.

    When as many rows with id <= the old highest id remain as the old snapshot held,
    nothing was deleted (ids are never reused) and no sweep is needed. Otherwise an
    ids-only keyset sweep (2,500 ids a request) finds exactly which.
    """
    gone: set[str] = set()
    for spec, prefix, ids, extra in wanted:
        name = f"n_{spec.entity}"
        if name in first.errors:
            connector.client.raise_for(first, name, spec.method)
        if first.total.get(name, -1) == len(ids):
            continue
        top = max((_num(i) for i in ids), default=0)
        gone |= ids - _sweep(connector, spec, prefix, extra, top)
    return gone


def _sweep(
    connector: ConnectorParts, spec: ListSpec, prefix: str, extra: dict[str, Any], top: int
) -> set[str]:
    """Every id up to `top` still on the portal: `select` ID only, keyset in batches."""
    alive: set[str] = set()
    cursor = Cursor(spec, extra={**extra, f"<={spec.id_field}": top}, max_id=top)

    def sink(rows: list[dict[str, Any]]) -> None:
        alive.update(prefix + str(spec.id_of(r)) for r in rows)

    run_jobs(connector.client, [Job(cursor, sink)], NullProgress(),
             max_wait=connector.settings.max_retry_seconds)  # fmt: skip
    return alive


def _seed(old: Snapshot) -> Positions:
    """Each deal's last position in the old history, so new rows chain on (mapping_events)."""
    positions = Positions()
    for t in old.transitions:
        positions[t.deal_id] = (t.funnel_id, t.to_stage_id)
    return positions


def _num(row_id: str) -> int:
    digits = row_id.lstrip(LEAD_PREFIX + TASK_PREFIX)
    return int(digits) if digits.isdigit() else 0


def _any(row: Any) -> bool:
    return True


def _number(row: Any) -> int:
    return _num(row.id)


def _merge(
    old_rows: Sequence[Any], new_rows: Sequence[Any], keep: Any, order: Any
) -> tuple[Any, ...]:
    merged = {row.id: row for row in old_rows}
    merged.update({row.id: row for row in new_rows})
    return tuple(sorted((r for r in merged.values() if keep(r)), key=order))


def pull_incremental(connector: ConnectorParts, old: Snapshot, progress: Progress) -> Snapshot:
    """Changed rows since `old`, merged into it; deleted deals and leads dropped."""
    domain = domain_of(connector.settings.url)
    same_host = old.manifest.domain.split(":")[0] == domain.split(":")[0]  # ports may move
    if old.manifest.vendor is not Vendor.BITRIX24 or not same_host:
        raise SnapshotError(
            f"--since-snapshot is from {old.manifest.vendor} {old.manifest.domain}, "
            f"not bitrix24 {domain}",
            "Give a snapshot pulled from this portal, or run a full pull",
        )
    scope = _scope(old)
    tables = Tables(positions=_seed(old))
    counts, wanted = _count_commands(scope, old)
    got = read_tables(
        connector.client,
        scope,
        progress,
        max_wait=connector.settings.max_retry_seconds,
        cursors=_cursors(old, scope),
        tables=tables,
        extra=counts,
        concurrency=connector.settings.concurrency,
    )
    gone = _deleted(connector, got.first, wanted)

    def live_deal(row: Any) -> bool:
        return row.id not in gone

    def bound(row: Any) -> bool:
        return row.deal_id is None or row.deal_id not in gone

    deal_order = lambda r: (r.entity is EntityKind.LEAD, _num(r.id))  # noqa: E731
    lead_last = lambda r: (r.deal_id.startswith(LEAD_PREFIX), _num(r.id))  # noqa: E731
    task_last = lambda r: (r.id.startswith(TASK_PREFIX), _num(r.id))  # noqa: E731
    merged = Tables()
    merged.deals.add(_merge(old.deals, tables.deals.finish(), live_deal, deal_order))
    merged.transitions.add(_merge(old.transitions, tables.transitions.finish(), bound, lead_last))
    merged.activities.add(_merge(old.activities, tables.activities.finish(), bound, task_last))
    merged.contacts.add(_merge(old.contacts, tables.contacts.finish(), _any, _number))
    merged.companies.add(_merge(old.companies, tables.companies.finish(), _any, _number))
    merged.users.extend(tables.users)
    last_ids = dict(got.last_ids)
    for name in _HISTORY:  # nothing new: keep the old high-water mark
        old_mark = int(old.manifest.cursors.get(f"{name}.last_id", "0"))
        last_ids[name] = max(last_ids.get(name, 0), old_mark)
    result = replace(got, tables=merged, last_ids=last_ids)
    return connector.assemble(scope, result, incremental_from=str(old.manifest.pulled_at))


__all__ = ["PullResult", "pull_incremental"]
