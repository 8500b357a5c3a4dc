"""crm.deal.fields / crm.lead.fields: field descriptions incl. user fields (A.30)."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.bitrix24.backend import Call, Outcome
from funnelkit.emulator.bitrix24.fields import DATE, FLOAT, INT, LIST, YN, Schema

_TYPES = {INT: "integer", FLOAT: "double", DATE: "datetime", YN: "char", LIST: "crm_contact"}
_USERS = {"ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "MOVED_BY_ID", "LAST_ACTIVITY_BY"}
_READ_ONLY = {
    "ID", "STAGE_SEMANTIC_ID", "STATUS_SEMANTIC_ID", "IS_NEW", "CREATED_BY_ID", "MODIFY_BY_ID",
    "MOVED_BY_ID", "DATE_CREATE", "DATE_MODIFY", "MOVED_TIME", "LEAD_ID", "QUOTE_ID",
    "LAST_ACTIVITY_TIME", "LAST_ACTIVITY_BY", "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL",
}  # fmt: skip
_STATUS_TYPES = {
    "STAGE_ID": "DEAL_STAGE", "STATUS_ID": "STATUS", "TYPE_ID": "DEAL_TYPE", "SOURCE_ID": "SOURCE",
}  # fmt: skip
# Link fields (A.30): their type and the parent entity type they point to.
_LINKS = {
    "COMPANY_ID": ("crm_company", 4),
    "QUOTE_ID": ("crm_quote", 7),
    "LEAD_ID": ("crm_lead", 1),
}


def _describe(name: str, kind: str, entity: str) -> dict[str, Any]:
    type_ = _TYPES.get(kind, "string")
    if name in _USERS:
        type_ = "user"
    desc: dict[str, Any] = {
        "type": type_,
        "isRequired": False,
        "isReadOnly": name in _READ_ONLY,
        "isImmutable": name == "CATEGORY_ID",  # §7.1: CATEGORY_ID isImmutable
        "isMultiple": kind == LIST,
        "isDynamic": False,
    }
    if name in _STATUS_TYPES:
        desc["type"] = "crm_status"
        desc["statusType"] = _STATUS_TYPES[name] if entity == "deal" or name != "TYPE_ID" else ""
    if name == "CATEGORY_ID":
        desc["type"] = "crm_category"
    if name in _LINKS:
        desc["type"] = _LINKS[name][0]
        desc["settings"] = {"parentEntityTypeId": _LINKS[name][1]}
    if name in ("CONTACT_ID", "CONTACT_IDS"):
        desc["type"] = "crm_contact"
        if name == "CONTACT_ID":
            desc["isDeprecated"] = True  # A.30: use CONTACT_IDS
    desc["title"] = name.replace("_", " ").title()
    return desc


def _fields(call: Call, table: str, entity: str) -> Outcome:
    schema: Schema = call.backend.schemas[table]
    out = {f.upper: _describe(f.upper, f.kind, entity) for f in schema.fields}
    for cf in call.backend.state.custom_fields:
        if cf.entity.lower().rstrip("s") != entity:
            continue
        out[cf.id] = {
            "type": cf.type, "isRequired": cf.mandatory, "isReadOnly": False,
            "isImmutable": False, "isMultiple": cf.multiple, "isDynamic": True,
            "title": cf.id, "listLabel": cf.name, "formLabel": cf.name, "filterLabel": cf.name,
        }  # fmt: skip
    return Outcome(out)


def deal_fields(call: Call) -> Outcome:
    """crm.deal.fields."""
    return _fields(call, "deal", "deal")


def lead_fields(call: Call) -> Outcome:
    """crm.lead.fields."""
    return _fields(call, "lead", "lead")


HANDLERS = {"crm.deal.fields": deal_fields, "crm.lead.fields": lead_fields}
