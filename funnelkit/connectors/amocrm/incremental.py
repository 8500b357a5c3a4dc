"""`pull --since-snapshot`: what changed since an earlier snapshot, merged into it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from funnelkit.connectors.amocrm import events as ev
from funnelkit.connectors.amocrm.pull import FullPull, Rows, build, event_types, resolve_funnels
from funnelkit.connectors.amocrm.reader import History, window
from funnelkit.connectors.base import PullScope
from funnelkit.errors import SnapshotError
from funnelkit.model import Activity, ActivityKind, Deal, Snapshot, Vendor

# amocrm.md §7: deletions are events too; they ride in the same event stream at no extra cost.
DELETED: dict[str, str] = {
    "lead_deleted": "deals",
    "contact_deleted": "contacts",
    "company_deleted": "companies",
    "task_deleted": "tasks",
}
TASK_KINDS = (ActivityKind.TASK, ActivityKind.MEETING)


def _old_rows(old: Snapshot) -> Rows:
    rows = Rows(
        deals={d.id: d for d in old.deals},
        contacts={c.id: c for c in old.contacts},
        companies={c.id: c for c in old.companies},
        tasks={
            a.id: a
            for a in old.activities
            if a.kind in TASK_KINDS and a.id.startswith(ev.TASK_PREFIX)
        },
    )
    h: History = rows.history
    h.transitions = {t.id: t for t in old.transitions}
    h.responsible = {c.id: c for c in old.responsible_changes}
    h.deadlines = {c.id: c for c in old.deadline_changes}
    h.interactions = {a.id: a for a in old.activities if a.id not in rows.tasks}
    return rows


def scope_of(old: Snapshot) -> PullScope:
    """The earlier pull's scope, so the merged snapshot covers the same ground."""
    s = old.manifest.scope
    return PullScope(funnels=s.funnels, since=s.since, history=s.history, tasks=s.tasks)


class IncrementalPull:
    """Reads rows updated since the old snapshot's window and events created since then.

    Leads are re-swept by id (one request per 250) because a lead deleted from the
    account simply stops being listed, and without that sweep a deletion the event log
    does not show would survive in the merge; contacts, companies and tasks come by
    `filter[updated_at]`, and their deletions from `*_deleted` events.
    """

    def __init__(self, full: FullPull, *, sweep_leads: bool = True) -> None:
        self.full = full
        self.sweep_leads = sweep_leads

    def run(self, old: Snapshot) -> Snapshot:
        """The merged snapshot: equal to a full pull of the account as it is now."""
        if old.manifest.vendor is not Vendor.AMOCRM:
            raise SnapshotError(
                f"--since-snapshot holds a {old.manifest.vendor} portal, not amoCRM",
                "pass a snapshot pulled from this portal",
            )
        if old.manifest.domain != self.full.domain:
            raise SnapshotError(
                f"--since-snapshot was pulled from {old.manifest.domain}, not {self.full.domain}",
                "pass a snapshot of this portal, or pull without --since-snapshot",
            )
        started = int(self.full.clock())
        since = int(old.manifest.cursors.get("window_to", old.manifest.pulled_at))
        scope = scope_of(old)
        structure = self.full.structure()
        funnel_ids = resolve_funnels(scope.funnels, structure)
        currency = structure.portal.currency
        rows = _old_rows(old)
        self._read_changes(rows, scope, funnel_ids, currency, since, started)
        self.full.catch_up(rows, scope, funnel_ids, currency, started)
        self.full.reader.finish()
        earliest = old.manifest.earliest_event_at
        seen = self.full.reader.earliest_event_at
        if seen is not None and (earliest is None or seen < earliest):
            earliest = seen
        merged = build(structure, rows, scope, funnel_ids, started, earliest)
        cursors = {**merged.manifest.cursors, "incremental_from": str(since)}
        manifest = merged.manifest.model_copy(
            update={
                "cursors": cursors,
                "scope": merged.manifest.scope.model_copy(
                    update={"incremental_from": str(old.manifest.pulled_at)}
                ),
            }
        )
        return replace(merged, manifest=manifest)

    def _read_changes(
        self,
        rows: Rows,
        scope: PullScope,
        funnel_ids: set[str],
        currency: str | None,
        since: int,
        started: int,
    ) -> None:
        r = self.full.reader
        # One second of overlap: a row stamped in the old window's last second may have
        # been written after that pull read its page; the id de-duplicates it.
        changed = window("updated_at", since, None)
        if self.sweep_leads:
            fresh: dict[str, Deal] = {}
            by_funnel: dict[str, Any] = (
                {"filter[pipeline_id][]": sorted(funnel_ids)} if funnel_ids else {}
            )
            r.deals(by_funnel, currency, fresh)
            rows.deals = fresh
        else:
            r.deals(changed, currency, rows.deals)
        r.contacts(changed, rows.contacts)
        r.companies(changed, rows.companies)
        if scope.tasks:
            r.tasks(changed, rows.tasks)
        types = (*event_types(scope), *DELETED) if scope.history else tuple(DELETED)
        r.events(types, (since, started), rows.history)
        _apply_deletions(rows, rows.history.deleted)


def _apply_deletions(rows: Rows, found: list[tuple[str, str, int]]) -> None:
    """Drop rows whose deletion the event log records after their last update."""
    for kind, entity_id, at in sorted(found, key=lambda e: e[2]):
        table = DELETED.get(kind)
        if table is None:
            continue
        key = f"{ev.TASK_PREFIX}{entity_id}" if table == "tasks" else entity_id
        store: dict[str, Any] = getattr(rows, table)
        row = store.get(key)
        if row is None:
            continue
        if isinstance(row, Activity):
            stamp = row.completed_at or row.created_at
        else:
            stamp = getattr(row, "modified_at", None) or getattr(row, "created_at", None) or 0
        if at >= int(stamp):
            del store[key]
