"""The fewest requests an amoCRM pull can make: rows per list the API serves, per page size."""

from __future__ import annotations

import math

from funnelkit.emulator.state import TASK_PREFIX, PortalState

# amocrm.md §3: leads, contacts, companies, tasks and users page at 250, events at 100.
ENTITY_PAGE = 250
EVENT_PAGE = 100
# Lists a pull reads whole however small: one request each even when empty (a 204, §2).
# account (§10.2), pipelines with their statuses in one unpaginated answer (§5.4),
# loss reasons (§9) and the custom field definitions of leads, contacts and companies.
FIELD_LISTS = ("leads", "contacts", "companies")


def amo_counts(state: PortalState) -> dict[str, int]:
    """Rows per amoCRM list. The history a snapshot needs arrives as events (§7): status
    moves, responsible and deadline changes, and calls, chats and notes, which have no list
    of their own in funnelkit's pull, so they page at 100, not 250. Lead creation is not
    among them: a lead's first history row is made from the lead row (`lead_added` events
    carry nothing more)."""
    tasks = sum(1 for a in state.activities if a.id.startswith(TASK_PREFIX))
    moves = sum(1 for t in state.transitions if t.from_stage_id is not None)
    events = (
        moves
        + len(state.responsible_changes)
        + len(state.deadline_changes)
        + len(state.activities)
        - tasks
    )
    fields = {f"fields_{name}": 0 for name in FIELD_LISTS}
    for f in state.custom_fields:
        key = f"fields_{f.entity.lower()}"
        if key in fields:
            fields[key] += 1
    return {
        "leads": len(state.deals),
        "contacts": len(state.contacts),
        "companies": len(state.companies),
        "tasks": tasks,
        "users": len(state.users),
        "events": events,
        "loss_reasons": len(state.loss_reasons),
        **fields,
    }


def amo_minimum(counts: dict[str, int]) -> int:
    """⌈rows / page⌉ per list (at least one request each), plus account and pipelines."""
    total = 2  # GET /api/v4/account and GET /api/v4/leads/pipelines
    for name, rows in counts.items():
        per = EVENT_PAGE if name == "events" else ENTITY_PAGE
        total += max(1, math.ceil(rows / per))
    return total
