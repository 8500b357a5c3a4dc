"""The records of a portal: deals, history, tasks, contacts.

A big portal has a million deals and millions of history rows, so these are
slotted dataclasses (about a tenth of a validated model's memory); pydantic still
validates them at the edges (JSON files, fixtures) and gives their JSON Schema.
Times are epoch seconds, UTC (see timeutil).
"""

from __future__ import annotations

from dataclasses import dataclass

from funnelkit.model.enums import ActivityKind, EntityKind, TransitionKind


@dataclass(frozen=True, slots=True)
class Deal:
    """A deal (Bitrix24 deal, amoCRM lead) or a Bitrix24 lead.

    `id` is unique within the snapshot: Bitrix24 leads share a number space with
    deals, so their connector gives them ids of their own.
    """

    id: str
    funnel_id: str
    stage_id: str
    created_at: int
    entity: EntityKind = EntityKind.DEAL
    title: str = ""
    responsible_id: str | None = None
    creator_id: str | None = None
    contact_ids: tuple[str, ...] = ()
    company_id: str | None = None
    amount: float | None = None
    currency: str | None = None
    modified_at: int | None = None
    closed_at: int | None = None
    closed: bool = False
    last_activity_at: int | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    loss_reason_id: str | None = None
    products: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StageTransition:
    """A deal entering a stage. The first row of a deal has no `from_stage_id`.

    `from_funnel_id` differs from `funnel_id` when the deal changed funnel.
    `by` is who moved it, where the vendor records it (amoCRM does, Bitrix24 not).
    """

    id: str
    deal_id: str
    funnel_id: str
    to_stage_id: str
    at: int
    from_stage_id: str | None = None
    from_funnel_id: str | None = None
    by: str | None = None
    kind: TransitionKind = TransitionKind.MOVED


@dataclass(frozen=True, slots=True)
class ResponsibleChange:
    """A deal changing hands (amoCRM `entity_responsible_changed`)."""

    id: str
    deal_id: str
    at: int
    from_user_id: str | None = None
    to_user_id: str | None = None
    by: str | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """A task or an interaction (call, e-mail, meeting, message, note) on a deal or contact."""

    id: str
    kind: ActivityKind
    created_at: int
    deal_id: str | None = None
    contact_id: str | None = None
    responsible_id: str | None = None
    deadline: int | None = None
    done: bool = False
    completed_at: int | None = None
    subject: str = ""


@dataclass(frozen=True, slots=True)
class DeadlineChange:
    """A task's deadline moved (amoCRM `task_deadline_changed`)."""

    id: str
    task_id: str
    at: int
    old_deadline: int | None = None
    new_deadline: int | None = None
    by: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A person the portal sells to."""

    id: str
    name: str = ""
    company_id: str | None = None
    responsible_id: str | None = None
    created_at: int | None = None
    last_activity_at: int | None = None


@dataclass(frozen=True, slots=True)
class Company:
    """An organisation the portal sells to."""

    id: str
    name: str = ""
    responsible_id: str | None = None
    created_at: int | None = None


ROW_TYPES: dict[str, type] = {
    "deals": Deal,
    "transitions": StageTransition,
    "responsible_changes": ResponsibleChange,
    "activities": Activity,
    "deadline_changes": DeadlineChange,
    "contacts": Contact,
    "companies": Company,
}
