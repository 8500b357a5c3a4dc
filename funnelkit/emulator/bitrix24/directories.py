"""crm.status.entity.types / entity.items / fields: bitrix24.md §6.4, Appendix A.20-A.22."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.bitrix24.backend import Backend, Call, Outcome
from funnelkit.emulator.bitrix24.categories import deal_funnels
from funnelkit.emulator.bitrix24.envelope import B24Error
from funnelkit.emulator.bitrix24.statuses import (
    status_add,
    status_delete,
    status_get,
    status_list,
    status_update,
)
from funnelkit.emulator.state import LEAD_FUNNEL_ID
from funnelkit.model import Semantics

# Plain dictionaries every portal has (A.21), listed without stage semantics.
_PLAIN = (
    ("SOURCE", "Sources"),
    ("CONTACT_TYPE", "Contact type"),
    ("COMPANY_TYPE", "Company type"),
    ("EMPLOYEES", "Number of employees"),
    ("INDUSTRY", "Industry"),
    ("DEAL_TYPE", "Deal type"),
    ("HONORIFIC", "Inquiries"),
    ("CALL_LIST", "Call statuses"),
)


def _semantic_info(backend: Backend, funnel_id: str) -> dict[str, Any]:
    stages = backend.state.stages_of(funnel_id)

    def first(sem: Semantics) -> str:
        return next((s.id for s in stages if s.semantics is sem), "")

    return {
        "START_FIELD": first(Semantics.PROCESS),
        "FINAL_SUCCESS_FIELD": first(Semantics.SUCCESS),
        "FINAL_UNSUCCESS_FIELD": first(Semantics.FAILURE),
        "FINAL_SORT": 0,
    }


def entity_types(call: Call) -> Outcome:
    """Every directory, with prefixes and semantics for stage directories (A.21)."""
    b = call.backend
    out: list[dict[str, Any]] = []
    if LEAD_FUNNEL_ID in b.state.funnels:
        out.append(
            {"ID": "STATUS", "NAME": "Lead stages",
             "SEMANTIC_INFO": _semantic_info(b, LEAD_FUNNEL_ID), "ENTITY_TYPE_ID": 1}
        )  # fmt: skip
    out.extend({"ID": ident, "NAME": name} for ident, name in _PLAIN)
    for funnel in deal_funnels(b):
        if funnel.id == "0":
            out.append(
                {"ID": "DEAL_STAGE", "NAME": "General deal stages",
                 "SEMANTIC_INFO": _semantic_info(b, "0"), "FIELD_ATTRIBUTE_SCOPE": "",
                 "ENTITY_TYPE_ID": 2, "CATEGORY_ID": 0}
            )  # fmt: skip
            continue
        out.append(
            {"ID": f"DEAL_STAGE_{funnel.id}", "NAME": f"{funnel.name} deal stages",
             "PARENT_ID": "DEAL_STAGE", "SEMANTIC_INFO": _semantic_info(b, funnel.id),
             "PREFIX": f"C{funnel.id}", "FIELD_ATTRIBUTE_SCOPE": f"category_{funnel.id}",
             "ENTITY_TYPE_ID": 2, "CATEGORY_ID": funnel.id}
        )  # fmt: skip
    return Outcome(out)


def entity_items(call: Call) -> Outcome:
    """crm.status.entity.items {entityId} -> [{NAME, SORT (int), STATUS_ID}] (A.22)."""
    entity = call.p("entityId")
    funnel_id = call.backend.funnel_of(str(entity)) if isinstance(entity, str) else None
    if funnel_id is None:
        raise B24Error(
            "The parameter entityId is not defined or invalid.",
            "The directory ID is not specified or is incorrect.",
            400,
        )
    stages = call.backend.state.stages_of(funnel_id)
    return Outcome([{"NAME": s.name, "SORT": s.sort, "STATUS_ID": s.id} for s in stages])


def _field(
    type_: str, title: str, required: bool = False, ro: bool = False, imm: bool = False
) -> dict[str, Any]:
    return {
        "type": type_, "isRequired": required, "isReadOnly": ro, "isImmutable": imm,
        "isMultiple": False, "isDynamic": False, "title": title,
    }  # fmt: skip


def status_fields(call: Call) -> Outcome:
    """crm.status.fields (A.20)."""
    return Outcome(
        {
            "ID": _field("integer", "ID", ro=True),
            "ENTITY_ID": _field("string", "Entity ID", required=True, imm=True),
            "STATUS_ID": _field("string", "Status", required=True, imm=True),
            "SORT": _field("integer", "Sorting"),
            "NAME": _field("string", "Name", required=True),
            "NAME_INIT": _field("string", "Default Name", ro=True),
            "SYSTEM": _field("char", "System", ro=True),
            "CATEGORY_ID": _field("integer", "CATEGORY_ID", imm=True),
            "COLOR": _field("string", "COLOR"),
            "SEMANTICS": _field("char", "SEMANTICS", imm=True),
            "EXTRA": _field("crm_status_extra", "Additional Fields"),
        }
    )


HANDLERS = {
    "crm.status.list": status_list,
    "crm.status.get": status_get,
    "crm.status.add": status_add,
    "crm.status.update": status_update,
    "crm.status.delete": status_delete,
    "crm.status.fields": status_fields,
    "crm.status.entity.types": entity_types,
    "crm.status.entity.items": entity_items,
}
