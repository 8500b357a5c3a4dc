"""A full Bitrix24 pull: structure in two requests, then every table by keyset batches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from funnelkit.connectors.base import Progress, PullScope
from funnelkit.connectors.bitrix24 import mapping, parallel, spa, specs
from funnelkit.connectors.bitrix24.client import BatchResult, Bitrix24Client
from funnelkit.connectors.bitrix24.jobs import run_jobs
from funnelkit.connectors.bitrix24.paging import (
    Cursor,
    ListSpec,
    apply_max_ids,
    check_read,
    expected_rows,
    max_id_commands,
)
from funnelkit.connectors.bitrix24.structure import read_structure
from funnelkit.connectors.bitrix24.tables import Tables
from funnelkit.model import (
    DataSet,
    DataState,
    DataStatus,
    Portal,
    Structure,
    Vendor,
    VendorLimits,
)

NO_AUTHOR = "Bitrix24 stage history records no author of a move (bitrix24.md §8)"
NO_RESPONSIBLE = "Bitrix24 keeps no history of responsible changes (bitrix24.md §7.4, §8)"
NO_DEADLINES = "Bitrix24 REST offers no history of task deadline changes (bitrix24.md §9)"
NO_LOSS = "Bitrix24 has no loss-reason entity; failure stages play that part (bitrix24.md §13)"
NO_TUNNELS = "Bitrix24 REST cannot list tunnels or robots (bitrix24.md §11.1)"
_SCOPE_CODES = {
    "INSUFFICIENT_SCOPE",
    "ACCESS_DENIED",
    "USER_ACCESS_ERROR",
    "ALLOWED_ONLY_INTRANET_USER",
    "ERROR_METHOD_NOT_FOUND",
}


def domain_of(url: str) -> str:
    """The portal host, never a credential."""
    return urlsplit(url).netloc or url


def scope_filters(scope: PullScope) -> dict[str, dict[str, Any]]:
    """Server-side filters per entity for --funnel and --since."""
    deal_funnels = _deal_funnels(scope)
    out: dict[str, dict[str, Any]] = {}
    if deal_funnels:
        out["deals"] = {"@categoryId": deal_funnels}
        out["deal_history"] = {"@CATEGORY_ID": deal_funnels}
    if scope.since is not None:
        for name in ("deal_history", "lead_history"):
            out.setdefault(name, {})[">=CREATED_TIME"] = mapping.wire_time(scope.since)
    return out


def _deal_funnels(scope: PullScope) -> list[int]:
    """Deal category ids named by --funnel (the lead funnel and smart-process ids aside)."""
    return [int(f) for f in scope.funnels if f.isdigit()]


def plan_specs(scope: PullScope) -> tuple[list[ListSpec], dict[DataSet, DataStatus]]:
    """The lists this scope reads, and the data sets it leaves out on purpose."""
    leads = not scope.funnels or mapping.LEAD_FUNNEL_ID in scope.funnels
    # Only lead or smart-process funnels named: an empty `@categoryId` would not narrow the
    # deal list, so the deals are not read at all.
    deals = not scope.funnels or bool(_deal_funnels(scope))
    chosen = [specs.USERS]
    skipped: dict[DataSet, DataStatus] = {}
    if deals:
        chosen.append(specs.DEALS)
    if leads:
        chosen.append(specs.LEADS)
    else:
        skipped[DataSet.LEADS] = DataStatus(state=DataState.NOT_PULLED, reason="--funnel")
    if scope.history:
        if deals:
            chosen.append(specs.DEAL_HISTORY)
        if leads:
            chosen.append(specs.LEAD_HISTORY)
    else:
        skipped[DataSet.STAGE_HISTORY] = DataStatus(
            state=DataState.NOT_PULLED, reason="--no-history"
        )
    if scope.tasks:
        chosen.extend([specs.ACTIVITIES, specs.TASKS])
    else:
        for dataset in (DataSet.TASKS, DataSet.ACTIVITIES):
            skipped[dataset] = DataStatus(state=DataState.NOT_PULLED, reason="--no-tasks")
    chosen.extend([specs.CONTACTS, specs.COMPANIES])
    return chosen, skipped


_DATASET_OF = {
    "users": DataSet.USERS,
    "deals": DataSet.DEALS,
    "leads": DataSet.LEADS,
    "deal_history": DataSet.STAGE_HISTORY,
    "lead_history": DataSet.STAGE_HISTORY,
    "activities": DataSet.ACTIVITIES,
    "tasks": DataSet.TASKS,
    "contacts": DataSet.CONTACTS,
    "companies": DataSet.COMPANIES,
}


def unavailable_from(
    client: Bitrix24Client, errors: Mapping[str, tuple[str, str] | None], cursors: list[Cursor]
) -> dict[DataSet, DataStatus]:
    """Entities the webhook may not read become UNAVAILABLE; any other error is raised."""
    out: dict[DataSet, DataStatus] = {}
    for cursor in cursors:
        found = errors.get(cursor.spec.entity)
        if found is None:
            continue
        code, description = found
        if code.upper() == "OPERATION_TIME_LIMIT":
            # §5.2: the method is paused, not forbidden; its chain starts once it may go on,
            # without a known highest id (the bar has no total, the batches stay full).
            client.pause(cursor.spec.method)
            continue
        if code.upper() not in _SCOPE_CODES:
            from funnelkit.connectors.bitrix24.envelope import to_error

            raise to_error(cursor.spec.method, code, description, None)
        cursor.done = True
        reason = f"{cursor.spec.method}: {code} {description}".strip()
        out[_DATASET_OF[cursor.spec.entity]] = DataStatus(
            state=DataState.UNAVAILABLE, reason=reason
        )
    return out


def base_statuses(scope: PullScope) -> dict[DataSet, DataStatus]:
    """What a Bitrix24 snapshot holds or cannot hold, before scope and scope errors."""
    pulled = DataStatus(state=DataState.PULLED)
    statuses = {
        ds: pulled
        for ds in (
            DataSet.STRUCTURE,
            DataSet.USERS,
            DataSet.DEALS,
            DataSet.LEADS,
            DataSet.STAGE_HISTORY,
            DataSet.TASKS,
            DataSet.ACTIVITIES,
            DataSet.CONTACTS,
            DataSet.COMPANIES,
            DataSet.CUSTOM_FIELDS,
            DataSet.LAST_ACTIVITY_TIME,
        )
    }
    for dataset, reason in (
        (DataSet.STAGE_HISTORY_AUTHOR, NO_AUTHOR),
        (DataSet.RESPONSIBLE_HISTORY, NO_RESPONSIBLE),
        (DataSet.DEADLINE_HISTORY, NO_DEADLINES),
        (DataSet.LOSS_REASONS, NO_LOSS),
        (DataSet.TUNNELS, NO_TUNNELS),
    ):
        statuses[dataset] = DataStatus(state=DataState.UNAVAILABLE, reason=reason)
    return statuses


def limits() -> VendorLimits:
    """What Bitrix24 refuses or does by itself (§6.1, §6.3)."""
    return VendorLimits(
        default_funnel_deletable=False,  # §6.1: category 0 cannot be deleted
        last_funnel_deletable=False,
        funnel_with_deals_deletable=False,  # §6.1: "Deals related to the funnel found"
        stage_with_deals_deletable=False,  # §6.3: "There are active items in this status."
        deleting_stage_moves_deals_to_first=False,
        semantics_mutable=False,  # §6.3: SEMANTICS is immutable after creation
        new_funnel_stages=(
            "NEW",
            "PREPARATION",
            "PREPAYMENT_INVOICE",
            "EXECUTING",
            "FINAL_INVOICE",
            "WON",
            "LOSE",
            "APOLOGY",
        ),  # §6.1, A.23
        stage_id_max_length=21,  # §6.3/§14: STATUS ≤21; DEAL_STAGE_n truncated to 21 (A.23)
        color_palette=None,
        tunnels_writable=False,  # §11.1
        loss_reasons_writable=False,  # §13
        lead_funnel=True,
    )


def structure_of(
    settings_url: str,
    funnels: list[Any],
    stages: list[Any],
    fields: list[Any],
    users: list[Any],
    smart_processes: list[Any] | None = None,
) -> Structure:
    """Assemble the portal's structure."""
    return Structure(
        smart_processes=tuple(smart_processes or ()),
        portal=Portal(vendor=Vendor.BITRIX24, domain=domain_of(settings_url)),
        users=tuple(users),
        funnels=tuple(funnels),
        stages=tuple(stages),
        custom_fields=tuple(fields),
    )


@dataclass
class PullResult:
    """What a pull read: rows, structure parts, data statuses, cursors, the server's start time."""

    tables: Tables
    statuses: dict[DataSet, DataStatus]
    funnels: list[Any]
    stages: list[Any]
    fields: list[Any]
    last_ids: dict[str, int]
    started_at: int
    first: BatchResult  # the first batch, with the answers of any `extra` commands
    smart_processes: list[Any] = field(default_factory=list)
    spa_unavailable: str | None = None


def read_tables(
    client: Bitrix24Client,
    scope: PullScope,
    progress: Progress,
    *,
    max_wait: float,
    cursors: list[Cursor] | None = None,
    tables: Tables | None = None,
    extra: dict[str, str] | None = None,
    concurrency: int = 1,
    spa_since: str | None = None,
    spa_known: frozenset[int] = frozenset(),
) -> PullResult:
    """Structure + every scoped table (or the given cursors, for incremental pulls).

    `spa_since`: items of the `spa_known` smart processes changed since then only (spa.py).
    """
    chosen, statuses = plan_specs(scope)
    filters = scope_filters(scope)
    if cursors is None:
        cursors = [Cursor(spec, extra=filters.get(spec.entity, {})) for spec in chosen]
    leads = any(c.spec.method == specs.LEADS.method for c in cursors)
    # Highest ids (and any `extra` commands) ride along with the structure: one request.
    commands = {**max_id_commands(cursors), **(extra or {}), "types": spa.types_command()}
    funnels, stages, fields, first = read_structure(client, leads=leads, extra=commands)
    # The server's clock, read before any row: the next incremental pull starts from here.
    started_at = int(client.server_time if client.server_time is not None else client.wall())
    statuses.update(unavailable_from(client, apply_max_ids(cursors, first), cursors))
    smart = spa.read_spa(
        client, first, changed_since=spa_since, known=spa_known, scope=scope.funnels
    )
    funnels, stages = [*funnels, *smart.funnels], [*stages, *smart.stages]
    cursors = [*cursors, *smart.cursors]
    tables = tables or Tables()
    expected = expected_rows(cursors)
    parts = parallel.plan_parts(cursors, concurrency, smart.mappers)
    run_jobs(
        client,
        parallel.jobs_of(parts),
        progress,
        max_wait=max_wait,
        sleep=client.sleep,
        concurrency=concurrency,
    )
    read: dict[str, int] = {}
    for part in parts:
        read[part.entity] = read.get(part.entity, 0) + part.cursor.rows
    check_read(expected, read)
    parallel.collect(tables, parts)
    # History is read on by id next time; other tables by modification date (incremental.py).
    last_ids = parallel.last_ids(parts)
    result = PullResult(tables, statuses, funnels, stages, fields, last_ids, started_at, first)
    result.smart_processes = smart.processes
    result.spa_unavailable = smart.unavailable
    return result
