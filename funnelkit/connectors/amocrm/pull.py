"""The full pull of an amoCRM account: structure, leads, history, tasks, contacts, companies."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.connectors.amocrm import events as ev
from funnelkit.connectors.amocrm import mapping as mp
from funnelkit.connectors.amocrm.reader import History, Reader, ordered, window
from funnelkit.connectors.base import PullScope
from funnelkit.errors import InputError
from funnelkit.model import (
    Activity,
    Company,
    Contact,
    DataSet,
    DataState,
    DataStatus,
    Deal,
    Manifest,
    Scope,
    Snapshot,
    Structure,
    Vendor,
    VendorLimits,
)

# Every event type one pull reads, in a single stream: one request per 100 events.
EVENT_TYPES: tuple[str, ...] = (
    *ev.LEAD_EVENT_TYPES,
    *ev.TASK_EVENT_TYPES,
    *ev.INTERACTION_TYPES,
)

TUNNELS_REASON = (
    "observed cross-pipeline moves only: Digital Pipeline actions cannot be listed over the API "
    "(amocrm.md §12.2)"
)

LAST_ACTIVITY_REASON = (
    "derived from the call, message, e-mail and note events read; amoCRM stores no such field"
)

# What the planner must know about amoCRM pipelines and statuses (amocrm.md §5).
LIMITS = VendorLimits(
    default_funnel_deletable=False,  # unverified: the docs name no rule; the safe reading
    last_funnel_deletable=False,  # §5.2: «Нельзя удалить последнюю воронку в аккаунте»
    funnel_with_deals_deletable=False,  # §5.2: «Нельзя удалить воронку, в которой есть сделки»
    stage_with_deals_deletable=True,
    deleting_stage_moves_deals_to_first=True,  # §5.9: leads go to the first stage
    semantics_mutable=False,  # §5.1: won/lost are the fixed system statuses 142/143
    new_funnel_stages=("unsorted", "142", "143"),  # §5.5: the vendor adds these itself
    color_palette=mp.PALETTE,  # §5.3
    tunnels_writable=False,  # §12.2: Digital Pipeline actions are UI-only
    loss_reasons_writable=True,  # §9: POST/PATCH/DELETE used by the official SDK
    lead_funnel=False,
)


@dataclass
class Rows:
    """Records keyed by id while they are read; later copies replace earlier ones."""

    deals: dict[str, Deal] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    tasks: dict[str, Activity] = field(default_factory=dict)
    history: History = field(default_factory=History)


def statuses(scope: PullScope) -> dict[DataSet, DataStatus]:
    """What this pull holds and, for what it lacks, why."""
    pulled = DataStatus(state=DataState.PULLED)
    history = (
        pulled if scope.history else DataStatus(state=DataState.NOT_PULLED, reason="--no-history")
    )
    data = {
        DataSet.STRUCTURE: pulled,
        DataSet.USERS: pulled,
        DataSet.DEALS: pulled,
        DataSet.LEADS: DataStatus(
            state=DataState.UNAVAILABLE,
            reason="amoCRM has no separate lead entity; the unsorted status plays that part",
        ),
        DataSet.STAGE_HISTORY: history,
        DataSet.STAGE_HISTORY_AUTHOR: history,
        DataSet.RESPONSIBLE_HISTORY: history,
        DataSet.DEADLINE_HISTORY: history
        if scope.tasks
        else DataStatus(state=DataState.NOT_PULLED, reason="--no-tasks"),
        DataSet.ACTIVITIES: history,
        DataSet.TASKS: pulled
        if scope.tasks
        else DataStatus(state=DataState.NOT_PULLED, reason="--no-tasks"),
        DataSet.CONTACTS: pulled,
        DataSet.COMPANIES: pulled,
        DataSet.LOSS_REASONS: pulled,
        DataSet.CUSTOM_FIELDS: pulled,
        DataSet.TUNNELS: DataStatus(state=DataState.PULLED, reason=TUNNELS_REASON)
        if scope.history
        else DataStatus(state=DataState.NOT_PULLED, reason="--no-history"),
        DataSet.LAST_ACTIVITY_TIME: DataStatus(state=DataState.PULLED, reason=LAST_ACTIVITY_REASON)
        if scope.history
        else DataStatus(state=DataState.NOT_PULLED, reason="--no-history"),
    }
    return data


def resolve_funnels(wanted: tuple[str, ...], structure: Structure) -> set[str]:
    """Funnel ids named by `--funnel` (id or exact name); an unknown one is an input error."""
    found: set[str] = set()
    for name in wanted:
        match = [f.id for f in structure.funnels if name in (f.id, f.name)]
        if not match:
            known = ", ".join(f"{f.id} ({f.name})" for f in structure.funnels)
            raise InputError(f"--funnel {name!r}: no such pipeline", f"known pipelines: {known}")
        found.update(match)
    return found


class FullPull:
    """One full pull; `clock` gives the frozen window's upper end."""

    def __init__(self, reader: Reader, domain: str, clock: Callable[[], float] = time.time):
        self.reader = reader
        self.domain = domain
        self.clock = clock

    def structure(self, *, with_fields: bool = True) -> Structure:
        """Account, users, pipelines, statuses, loss reasons, custom fields."""
        r = self.reader
        funnels, stages = r.pipelines()
        return Structure(
            portal=r.portal(self.domain),
            users=tuple(r.users()),
            funnels=tuple(funnels),
            stages=tuple(stages),
            loss_reasons=tuple(r.loss_reasons()),
            custom_fields=tuple(r.custom_fields()) if with_fields else (),
        )

    def run(self, scope: PullScope) -> Snapshot:
        """Read everything in scope up to the moment the pull began."""
        started = int(self.clock())
        structure = self.structure()
        funnel_ids = resolve_funnels(scope.funnels, structure)
        rows = Rows()
        self.read_records(
            rows, scope, funnel_ids, structure.portal.currency, (scope.since, started)
        )
        self.catch_up(rows, scope, funnel_ids, structure.portal.currency, started)
        self.reader.finish()
        return build(structure, rows, scope, funnel_ids, started, self.reader.earliest_event_at)

    def read_records(
        self,
        rows: Rows,
        scope: PullScope,
        funnel_ids: set[str],
        currency: str | None,
        span: tuple[int | None, int],
    ) -> None:
        """Leads, contacts and companies created up to the window's end; history and tasks.

        A created_at window is frozen: rows never enter it (new rows are created later) and
        never leave it (creation time does not change), so page numbers stay stable.
        """
        low, high = span
        created = window("created_at", None, high)
        r = self.reader
        # --since narrows history and tasks (interface: "History and tasks from this date
        # on"); deals, contacts and companies are always read whole.
        r.deals({**created, **_funnel_filter(funnel_ids)}, currency, rows.deals)
        r.contacts(created, rows.contacts)
        r.companies(created, rows.companies)
        if scope.tasks:
            r.tasks(window("updated_at", low, None), rows.tasks)
        if scope.history:
            r.events(event_types(scope), (low, high), rows.history)

    def catch_up(
        self, rows: Rows, scope: PullScope, funnel_ids: set[str], currency: str | None, started: int
    ) -> None:
        """Rows changed while the pull ran replace the copies read earlier."""
        changed = window("updated_at", started, None)
        r = self.reader
        r.deals({**changed, **_funnel_filter(funnel_ids)}, currency, rows.deals)
        r.contacts(changed, rows.contacts)
        r.companies(changed, rows.companies)
        if scope.tasks:
            r.tasks(changed, rows.tasks)


def _funnel_filter(funnel_ids: set[str]) -> dict[str, Any]:
    return {"filter[pipeline_id][]": sorted(funnel_ids)} if funnel_ids else {}


def event_types(scope: PullScope) -> tuple[str, ...]:
    return (
        EVENT_TYPES
        if scope.tasks
        else tuple(t for t in EVENT_TYPES if t not in ev.TASK_EVENT_TYPES)
    )


def build(
    structure: Structure,
    rows: Rows,
    scope: PullScope,
    funnel_ids: set[str],
    window_to: int,
    earliest_event_at: int | None,
) -> Snapshot:
    """The snapshot of what was read, with observed tunnels and the manifest."""
    h = rows.history
    if scope.history:
        made = h.resolve_created(rows.deals, scope.since)
        # the rows made from leads stand for their creation events: history reaches back to them
        if made is not None and (earliest_event_at is None or made < earliest_event_at):
            earliest_event_at = made
    deals, contacts = rows.deals, rows.contacts
    if scope.history:
        deals, contacts = ev.with_last_activity(deals, contacts, h.interactions.values())
    if funnel_ids:
        deals = {k: d for k, d in deals.items() if d.funnel_id in funnel_ids}
    keep = _in_scope(deals, funnel_ids)
    transitions = ordered((t for t in h.transitions.values() if keep(t.deal_id)), lambda t: t.id)
    tasks = [t for t in rows.tasks.values() if keep(t.deal_id)]
    task_ids = {t.id for t in tasks}
    if scope.history:
        structure = structure.model_copy(
            update={"tunnels": tuple(ev.observed_tunnels(transitions))}
        )
    activities = [*tasks, *(a for a in h.interactions.values() if keep(a.deal_id))]
    manifest = manifest_for(structure, scope, window_to, earliest_event_at)
    snapshot = Snapshot(
        manifest=manifest,
        structure=structure,
        deals=ordered(deals.values(), lambda d: d.id),
        transitions=transitions,
        responsible_changes=ordered(
            (c for c in h.responsible.values() if keep(c.deal_id)), lambda c: c.id
        ),
        activities=ordered(activities, lambda a: a.id),
        deadline_changes=ordered(
            (c for c in h.deadlines.values() if not funnel_ids or c.task_id in task_ids),
            lambda c: c.id,
        ),
        contacts=ordered(contacts.values(), lambda c: c.id),
        companies=ordered(rows.companies.values(), lambda c: c.id),
    )
    return snapshot.with_counts()


def manifest_for(
    structure: Structure, scope: PullScope, window_to: int, earliest_event_at: int | None
) -> Manifest:
    """Provenance: what was read, up to when, and what the vendor refuses (VendorLimits)."""
    return Manifest(
        vendor=Vendor.AMOCRM,
        domain=structure.portal.domain,
        pulled_at=window_to,
        data=statuses(scope),
        scope=Scope(
            funnels=scope.funnels, since=scope.since, history=scope.history, tasks=scope.tasks
        ),
        limits=LIMITS,
        earliest_event_at=earliest_event_at,
        cursors={"window_to": str(window_to)},
    )


def _in_scope(deals: dict[str, Deal], funnel_ids: set[str]) -> Callable[[str | None], bool]:
    """With --funnel, only rows of deals in those funnels; rows on contacts are kept."""
    if not funnel_ids:
        return lambda deal_id: True
    return lambda deal_id: deal_id is None or deal_id in deals
