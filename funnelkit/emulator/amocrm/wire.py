"""Vendor-neutral state rows → amoCRM v4 JSON objects (field sets of amocrm.md §5–§11)."""

from __future__ import annotations

import zlib
from typing import Any

from funnelkit.emulator.amocrm.hal import link
from funnelkit.model import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    CustomField,
    Deal,
    Funnel,
    LossReason,
    Stage,
    User,
)

WON, LOST = "142", "143"  # amocrm.md §5.1: the same two ids in every pipeline
UNSORTED_TYPE = "1"


def num(value: str | None) -> int | None:
    """A state id on the wire: amoCRM ids are integers; task ids drop their "T" (state.py)."""
    if value is None:
        return None
    digits = value.lstrip("TL")
    if digits.isdigit():
        return int(digits)
    return zlib.crc32(value.encode("utf-8")) & 0x7FFFFFFF


def is_unsorted(stage: Stage) -> bool:
    """The type-1 "unsorted" status (amocrm.md §5.2): marked in extras, or a system stage."""
    if stage.extras.get("type") == UNSORTED_TYPE:
        return True
    return stage.system and stage.id not in (WON, LOST)


def flag(funnel: Funnel, name: str, default: bool) -> bool:
    """A boolean pipeline attribute kept in `Funnel.extras`."""
    raw = funnel.extras.get(name)
    return default if raw is None else raw.lower() in ("1", "true", "yes", "y")


def status(stage: Stage, base: str, account_id: int) -> dict[str, Any]:
    """A status object (amocrm.md §5.2 status model)."""
    pipeline_id = num(stage.funnel_id)
    status_id = num(stage.id)
    unsorted = is_unsorted(stage)
    return {
        "id": status_id,
        "name": stage.name,
        "sort": stage.sort,
        "is_editable": not (stage.system or unsorted or stage.id in (WON, LOST)),
        "pipeline_id": pipeline_id,
        "color": stage.color or ("#c1c1c1" if unsorted else "#99ccff"),
        "type": 1 if unsorted else 0,
        "account_id": account_id,
        "_links": link(f"{base}/api/v4/leads/pipelines/{pipeline_id}/statuses/{status_id}"),
    }


def pipeline(
    funnel: Funnel, stages: list[dict[str, Any]], base: str, account_id: int
) -> dict[str, Any]:
    """A pipeline object with its statuses embedded (amocrm.md §5.4)."""
    pipeline_id = num(funnel.id)
    return {
        "id": pipeline_id,
        "name": funnel.name,
        "sort": funnel.sort,
        "is_main": funnel.is_default,
        "is_unsorted_on": flag(funnel, "is_unsorted_on", True),
        "is_archive": flag(funnel, "is_archive", False),
        "account_id": account_id,
        "_links": link(f"{base}/api/v4/leads/pipelines/{pipeline_id}"),
        "_embedded": {"statuses": stages},
    }


def lead(deal: Deal, base: str, account_id: int, closest_task_at: int | None) -> dict[str, Any]:
    """A lead object with the documented nulls (amocrm.md §6.2)."""
    lead_id = num(deal.id)
    companies = []
    if deal.company_id is not None:
        company_id = num(deal.company_id)
        companies.append(
            {"id": company_id, "_links": link(f"{base}/api/v4/companies/{company_id}")}
        )
    return {
        "id": lead_id,
        "name": deal.title,
        "price": int(deal.amount or 0),
        "responsible_user_id": num(deal.responsible_id) or 0,
        "group_id": 0,
        "status_id": num(deal.stage_id),
        "pipeline_id": num(deal.funnel_id),
        "loss_reason_id": num(deal.loss_reason_id),
        # a source is an id on the wire; a state source that is a name has none to show
        "source_id": int(deal.source) if deal.source and deal.source.isdigit() else None,
        "created_by": num(deal.creator_id) or 0,
        "updated_by": num(deal.creator_id) or 0,
        "created_at": deal.created_at,
        "updated_at": deal.modified_at if deal.modified_at is not None else deal.created_at,
        "closed_at": deal.closed_at,
        "closest_task_at": closest_task_at,
        "is_deleted": False,
        "custom_fields_values": None,
        "score": None,
        "account_id": account_id,
        "_links": link(f"{base}/api/v4/leads/{lead_id}"),
        "_embedded": {"tags": [], "companies": companies},
    }


def lead_contacts(deal: Deal, base: str) -> list[dict[str, Any]]:
    """`_embedded.contacts` of a lead: the first contact is the main one."""
    out = []
    for index, contact_id in enumerate(deal.contact_ids):
        cid = num(contact_id)
        out.append(
            {"id": cid, "is_main": index == 0, "_links": link(f"{base}/api/v4/contacts/{cid}")}
        )
    return out


def loss_reason(reason: LossReason, base: str, stamp: int) -> dict[str, Any]:
    """A loss reason (amocrm.md §9); the state keeps no times, so `stamp` stands in."""
    reason_id = num(reason.id)
    return {
        "id": reason_id,
        "name": reason.name,
        "sort": reason.sort,
        "created_at": stamp,
        "updated_at": stamp,
        "_links": link(f"{base}/api/v4/leads/loss_reasons/{reason_id}"),
    }


def task(activity: Activity, base: str, account_id: int) -> dict[str, Any]:
    """A task (amocrm.md §8): plural entity_type, `result` is [] or {"text": ...}."""
    task_id = num(activity.id)
    on_lead = activity.deal_id is not None
    updated = activity.completed_at or activity.created_at
    return {
        "id": task_id,
        "created_by": num(activity.responsible_id) or 0,
        "updated_by": num(activity.responsible_id) or 0,
        "created_at": activity.created_at,
        "updated_at": updated,
        "responsible_user_id": num(activity.responsible_id) or 0,
        "group_id": 0,
        "entity_id": num(activity.deal_id if on_lead else activity.contact_id),
        "entity_type": "leads" if on_lead else "contacts",
        "duration": 0,
        "is_completed": activity.done,
        # amocrm.md §8: predefined task types 1 (call / follow-up) and 2 (meeting)
        "task_type_id": 2 if activity.kind == ActivityKind.MEETING else 1,
        "text": activity.subject,
        "result": [],
        "complete_till": activity.deadline if activity.deadline is not None else 0,
        "account_id": account_id,
        "_links": link(f"{base}/api/v4/tasks/{task_id}"),
    }


def user(row: User, base: str, admin: bool, domain: str) -> dict[str, Any]:
    """A user with the rights block of amocrm.md §10.1."""
    user_id = num(row.id)
    full = {"view": "A", "edit": "A", "add": "A", "delete": "A", "export": "A"}
    return {
        "id": user_id,
        "name": row.name,
        "email": f"user{user_id}@{domain}",
        "lang": "ru",
        "rights": {
            "leads": dict(full),
            "contacts": dict(full),
            "companies": dict(full),
            "tasks": {"edit": "A", "delete": "A"},
            "mail_access": False,
            "catalog_access": False,
            "status_rights": None,
            "is_admin": admin,
            "is_free": False,
            "is_active": row.active,
            "group_id": None,
            "role_id": None,
        },
        "_links": link(f"{base}/api/v4/users/{user_id}/"),
    }


def contact(row: Contact, base: str, account_id: int) -> dict[str, Any]:
    """A contact (amocrm.md §11); at most one company."""
    contact_id = num(row.id)
    first, _, last = row.name.partition(" ")
    # The vendor always has these times; a state row without one is served as null so a
    # pull gives back exactly what the state holds (unverified: real answers never null).
    created = row.created_at
    updated = None if created is None else max(created, row.last_activity_at or 0)
    embedded: dict[str, Any] = {"tags": [], "companies": []}
    if row.company_id is not None:
        company_id = num(row.company_id)
        embedded["companies"].append(
            {"id": company_id, "_links": link(f"{base}/api/v4/companies/{company_id}")}
        )
    return {
        "id": contact_id,
        "name": row.name,
        "first_name": first,
        "last_name": last,
        "responsible_user_id": num(row.responsible_id) or 0,
        "group_id": 0,
        "created_by": num(row.responsible_id) or 0,
        "updated_by": num(row.responsible_id) or 0,
        "created_at": created,
        "updated_at": updated,
        "closest_task_at": None,
        "custom_fields_values": None,
        "account_id": account_id,
        "_links": link(f"{base}/api/v4/contacts/{contact_id}"),
        "_embedded": embedded,
    }


def company(row: Company, base: str, account_id: int) -> dict[str, Any]:
    """A company: the contact's field set without first/last name (unverified)."""
    company_id = num(row.id)
    return {
        "id": company_id,
        "name": row.name,
        "responsible_user_id": num(row.responsible_id) or 0,
        "group_id": 0,
        "created_by": num(row.responsible_id) or 0,
        "updated_by": num(row.responsible_id) or 0,
        "created_at": row.created_at,
        "updated_at": row.created_at,
        "closest_task_at": None,
        "custom_fields_values": None,
        "account_id": account_id,
        "_links": link(f"{base}/api/v4/companies/{company_id}"),
        "_embedded": {"tags": []},
    }


FIELD_ENTITIES = {
    "leads": ("deal", "deals", "lead", "leads"),
    "contacts": ("contact", "contacts"),
    "companies": ("company", "companies"),
}


def custom_field(row: CustomField, entity: str, base: str, account_id: int) -> dict[str, Any]:
    """A custom field definition (the notes give no example; fields per the SDK, unverified)."""
    field_id = num(row.id)
    return {
        "id": field_id,
        "name": row.name,
        "type": row.type,
        "account_id": account_id,
        "code": row.extras.get("code"),
        "sort": int(row.extras.get("sort", "500")),
        "is_api_only": False,
        "enums": None,
        "group_id": None,
        "required_statuses": [],
        "is_deletable": True,
        "is_predefined": False,
        "entity_type": entity,
        "is_required": row.mandatory,
        "_links": link(f"{base}/api/v4/{entity}/custom_fields/{field_id}"),
    }
