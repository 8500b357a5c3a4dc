"""`pull --since-snapshot`: read only what changed and merge, equal to a full pull (issue 5)."""

from __future__ import annotations

from array import array
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
from funnelkit.connectors.bitrix24.spa_changes import OldItems, merge_items
from funnelkit.connectors.bitrix24.tables import Tables
from funnelkit.errors import SnapshotError
from funnelkit.model import EntityKind, Snapshot, Vendor
from funnelkit.store.merge import IdNumbers, Order, last_positions, merge_into


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


def _since(old: Snapshot) -> str:
    """Where "changed since" starts: the old pull's start, less the safety margin."""
    return mapping.wire_time(old.manifest.pulled_at - SAFETY_MARGIN)


def _scope(old: Snapshot) -> PullScope:
    s = old.manifest.scope
    return PullScope(funnels=s.funnels, since=s.since, history=s.history, tasks=s.tasks)


def _cursors(old: Snapshot, scope: PullScope) -> list[Cursor]:
    chosen, _ = plan_specs(scope)
    filters = scope_filters(scope)
    since = _since(old)
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


def _old_ids(old: Snapshot, lead: bool) -> IdNumbers:
    entity = EntityKind.LEAD if lead else EntityKind.DEAL
    return IdNumbers.of("deals", old.deals, LEAD_PREFIX, where=("entity", entity.value))


Wanted = list[tuple[ListSpec, str, IdNumbers, dict[str, Any]]]


def _count_commands(scope: PullScope, old: Snapshot) -> tuple[dict[str, str], Wanted]:
    """Counted reads of ids up to the old highest: one number per table, no sweep (§3)."""
    filters = scope_filters(scope)
    wanted: Wanted = [(specs.DEAL_IDS, "", _old_ids(old, lead=False), filters.get("deals", {}))]
    if not scope.funnels or "LEAD" in scope.funnels:
        wanted.append((specs.LEAD_IDS, LEAD_PREFIX, _old_ids(old, lead=True), {}))
    commands = {}
    for spec, _prefix, ids, extra in wanted:
        top = ids.max()
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
        alive = _sweep(connector, spec, extra, ids.max())
        gone.update(f"{prefix}{number}" for number in ids.missing_from(alive))
    return gone


def _sweep(
    connector: ConnectorParts, spec: ListSpec, extra: dict[str, Any], top: int
) -> array[int]:
    """Every id number up to `top` still on the portal: `select` ID only, keyset in batches."""
    alive = array("q")
    cursor = Cursor(spec, extra={**extra, f"<={spec.id_field}": top}, max_id=top)

    def sink(rows: list[dict[str, Any]]) -> None:
        alive.extend(spec.id_of(r) for r in rows)

    run_jobs(connector.client, [Job(cursor, sink)], NullProgress(),
             max_wait=connector.settings.max_retry_seconds)  # fmt: skip
    return alive


def _seed(old: Snapshot) -> Positions:
    """Each deal's last position in the old history, so new rows chain on (mapping_events)."""
    positions = Positions()
    for deal_id, funnel_id, stage_id in last_positions(old.transitions):
        positions[deal_id] = (funnel_id, stage_id)
    return positions


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
    items = OldItems(old.deals) if old.structure.smart_processes else None
    if items is not None:
        counts.update(items.first_batch())
    wait = connector.settings.max_retry_seconds
    got = read_tables(
        connector.client,
        scope,
        progress,
        max_wait=wait,
        cursors=_cursors(old, scope),
        tables=tables,
        extra=counts,
        concurrency=connector.settings.concurrency,
        spa_since=_since(old),
        spa_known=frozenset(p.entity_type_id for p in old.structure.smart_processes),
    )
    gone = _deleted(connector, got.first, wanted)
    # Smart-process items merge apart from deals (spa_changes.py): their ids are no numbers.
    stale = items.ids if items is not None else set()
    gone_items = items.deleted(connector.client, got.first, wait) if items is not None else set()

    # Column by column (store/merge.py): the old tables never become row objects.
    merged = Tables()
    by_number = Order(strip=LEAD_PREFIX + TASK_PREFIX)
    merge_into(merged.deals, old.deals, tables.deals.finish(), Order(
        flag="entity", prefix=EntityKind.LEAD.value, strip=LEAD_PREFIX + TASK_PREFIX
    ), drop=gone | stale)  # fmt: skip
    processes = {p.entity_type_id for p in got.smart_processes}
    merge_items(merged.items, old.deals, tables.items.finish(), gone_items, processes)
    merge_into(merged.transitions, old.transitions, tables.transitions.finish(), Order(
        flag="deal_id", prefix=LEAD_PREFIX, strip=LEAD_PREFIX + TASK_PREFIX
    ), drop=gone, drop_column="deal_id")  # fmt: skip
    merge_into(merged.activities, old.activities, tables.activities.finish(), Order(
        flag="id", prefix=TASK_PREFIX, strip=LEAD_PREFIX + TASK_PREFIX
    ), drop=gone, drop_column="deal_id")  # fmt: skip
    merge_into(merged.contacts, old.contacts, tables.contacts.finish(), by_number)
    merge_into(merged.companies, old.companies, tables.companies.finish(), by_number)
    merged.users.extend(tables.users)
    last_ids = dict(got.last_ids)
    for name in _HISTORY:  # nothing new: keep the old high-water mark
        old_mark = int(old.manifest.cursors.get(f"{name}.last_id", "0"))
        last_ids[name] = max(last_ids.get(name, 0), old_mark)
    result = replace(got, tables=merged, last_ids=last_ids)
    return connector.assemble(scope, result, incremental_from=str(old.manifest.pulled_at))


__all__ = ["PullResult", "pull_incremental"]
