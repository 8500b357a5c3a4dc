"""Bitrix24 rows → model (pure). Legacy UPPER_CASE and crm.item camelCase keys both accepted.

Id conventions (funnelkit/emulator/state.py): deal funnels are category ids, the lead funnel
is "LEAD", leads are "L<n>", tasks "T<n>"; stage ids are STATUS_ID strings as the portal
gives them (§6.3: never assembled by hand).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from funnelkit.model import (
    Company,
    Contact,
    CustomField,
    Deal,
    EntityKind,
    Funnel,
    FunnelKind,
    Semantics,
    SmartProcess,
    Stage,
    User,
    spa_funnel_id,
    spa_item_id,
)
from funnelkit.model.timeutil import from_epoch, parse_iso

LEAD_FUNNEL_ID = "LEAD"
LEAD_PREFIX = "L"
TASK_PREFIX = "T"
Row = Mapping[str, Any]

# §6.3: SEMANTICS null/""=process, S, F; EXTRA.SEMANTICS also says "apology" (a failure group).
_SEMANTICS = {
    "": Semantics.PROCESS,
    "P": Semantics.PROCESS,
    "S": Semantics.SUCCESS,
    "F": Semantics.FAILURE,
    "PROCESS": Semantics.PROCESS,
    "SUCCESS": Semantics.SUCCESS,
    "FAILURE": Semantics.FAILURE,
    "APOLOGY": Semantics.FAILURE,
}


def get(row: Row, *names: str) -> Any:
    """The first present, non-empty value among several spellings of a field."""
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return value
    return None


def text(row: Row, *names: str) -> str | None:
    """A field as a string, or None."""
    value = get(row, *names)
    return None if value is None else str(value)


def ts(row: Row, *names: str) -> int | None:
    """A vendor datetime (`2024-04-25T14:59:11+03:00`) as epoch seconds, or None."""
    value = get(row, *names)
    if value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    try:
        return parse_iso(str(value).replace(" ", "T", 1))
    except ValueError:
        return None


def wire_time(seconds: int) -> str:
    """Epoch seconds as the vendor writes datetimes, `2024-08-29T10:34:19+00:00` (§2.5)."""
    return from_epoch(seconds).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def flag(value: Any) -> bool:
    """`"Y"`/`"N"`, booleans, 1/0 (§2.5)."""
    if isinstance(value, bool):
        return value
    return str(value).strip().upper() in ("Y", "1", "TRUE")


def number(value: Any) -> float | None:
    """A decimal that the legacy API sends as a string."""
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def semantics(row: Row) -> Semantics:
    """A stage's semantics from EXTRA.SEMANTICS when present, else SEMANTICS (§17.7)."""
    extra = row.get("EXTRA")
    if isinstance(extra, Mapping) and extra.get("SEMANTICS"):
        return _SEMANTICS.get(str(extra["SEMANTICS"]).upper(), Semantics.PROCESS)
    return _SEMANTICS.get(str(row.get("SEMANTICS") or "").upper(), Semantics.PROCESS)


def funnel_of_category(row: Row) -> Funnel:
    """crm.category.list item → a deal funnel."""
    return Funnel(
        id=str(get(row, "id", "ID")),
        name=str(get(row, "name", "NAME") or ""),
        kind=FunnelKind.DEAL,
        sort=int(get(row, "sort", "SORT") or 0),
        is_default=flag(get(row, "isDefault", "IS_DEFAULT") or "N"),
    )


def lead_funnel(name: str = "Leads") -> Funnel:
    """The lead statuses as one funnel."""
    return Funnel(id=LEAD_FUNNEL_ID, name=name, kind=FunnelKind.LEAD, sort=0)


def category_of_entity(entity_id: str) -> str | None:
    """`DEAL_STAGE` → "0", `DEAL_STAGE_7` → "7", `STATUS` → "LEAD", others None (§6.3)."""
    if entity_id == "STATUS":
        return LEAD_FUNNEL_ID
    if entity_id == "DEAL_STAGE":
        return "0"
    if entity_id.startswith("DEAL_STAGE_"):
        return entity_id.removeprefix("DEAL_STAGE_")
    if entity_id.startswith("DYNAMIC_") and "_STAGE_" in entity_id:
        kind, _, category = entity_id.removeprefix("DYNAMIC_").partition("_STAGE_")
        return spa_funnel_id(int(kind), category)
    return None


def entity_of_funnel(funnel_id: str) -> str:
    """The crm.status ENTITY_ID of a funnel; category 0 is DEAL_STAGE, never DEAL_STAGE_0."""
    if funnel_id == LEAD_FUNNEL_ID:
        return "STATUS"
    if funnel_id.startswith("DT") and "_" in funnel_id:  # §12: DYNAMIC_{type}_STAGE_{cat}
        kind, _, category = funnel_id.removeprefix("DT").partition("_")
        return f"DYNAMIC_{kind}_STAGE_{category}"
    return "DEAL_STAGE" if funnel_id == "0" else f"DEAL_STAGE_{funnel_id}"


def stage(row: Row, funnel_id: str | None = None) -> Stage:
    """crm.status.list item (or a dealcategory.stage.list item) → a stage."""
    fid = funnel_id or category_of_entity(str(row.get("ENTITY_ID") or "")) or "0"
    extra = row.get("EXTRA")
    color = row.get("COLOR") or (extra.get("COLOR") if isinstance(extra, Mapping) else None)
    return Stage(
        funnel_id=fid,
        id=str(row["STATUS_ID"]),
        name=str(row.get("NAME") or ""),
        sort=int(row.get("SORT") or 0),
        semantics=semantics(row),
        color=str(color) if color else None,
        system=flag(row.get("SYSTEM") or "N"),
    )


def user(row: Row) -> User:
    """user.get item → a user."""
    name = " ".join(p for p in (text(row, "NAME"), text(row, "LAST_NAME")) if p)
    departments = row.get("UF_DEPARTMENT") or []
    if not isinstance(departments, list):
        departments = [departments]
    return User(
        id=str(row["ID"]),
        name=name or str(get(row, "EMAIL", "ID")),
        active=flag(row.get("ACTIVE", True)),
        departments=tuple(str(d) for d in departments if d not in (None, "")),
    )


def _ids(value: Any) -> tuple[str, ...]:
    if value in (None, "", 0, "0"):
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v not in (None, "", 0, "0"))
    return (str(value),)


def deal(row: Row) -> Deal:
    """crm.item.list (entityTypeId 2) or crm.deal.list item → a deal."""
    closed = flag(get(row, "closed", "CLOSED") or "N")
    contacts = _ids(get(row, "contactIds", "CONTACT_IDS")) or _ids(
        get(row, "contactId", "CONTACT_ID")
    )
    return Deal(
        id=str(get(row, "id", "ID")),
        funnel_id=str(get(row, "categoryId", "CATEGORY_ID") or 0),
        stage_id=str(get(row, "stageId", "STAGE_ID")),
        created_at=ts(row, "createdTime", "DATE_CREATE") or 0,
        entity=EntityKind.DEAL,
        title=str(get(row, "title", "TITLE") or ""),
        responsible_id=text(row, "assignedById", "ASSIGNED_BY_ID"),
        creator_id=text(row, "createdBy", "CREATED_BY_ID"),
        contact_ids=contacts,
        company_id=_first(_ids(get(row, "companyId", "COMPANY_ID"))),
        amount=number(get(row, "opportunity", "OPPORTUNITY")),
        currency=text(row, "currencyId", "CURRENCY_ID"),
        modified_at=ts(row, "updatedTime", "DATE_MODIFY"),
        closed_at=ts(row, "closedate", "CLOSEDATE") if closed else None,
        closed=closed,
        last_activity_at=ts(row, "lastActivityTime", "LAST_ACTIVITY_TIME"),
        source=text(row, "sourceId", "SOURCE_ID"),
    )


def lead(row: Row) -> Deal:
    """crm.lead.list item → a deal row of entity lead, id "L<n>" in the "LEAD" funnel."""
    semantic = str(get(row, "STATUS_SEMANTIC_ID", "statusSemanticId") or "P").upper()
    closed = semantic in ("S", "F")
    return Deal(
        id=LEAD_PREFIX + str(get(row, "ID", "id")),
        funnel_id=LEAD_FUNNEL_ID,
        stage_id=str(get(row, "STATUS_ID", "statusId", "stageId")),
        created_at=ts(row, "DATE_CREATE", "createdTime") or 0,
        entity=EntityKind.LEAD,
        title=str(get(row, "TITLE", "title") or ""),
        responsible_id=text(row, "ASSIGNED_BY_ID", "assignedById"),
        creator_id=text(row, "CREATED_BY_ID", "createdBy"),
        contact_ids=_ids(get(row, "CONTACT_IDS", "contactIds")) or _ids(get(row, "CONTACT_ID")),
        company_id=_first(_ids(get(row, "COMPANY_ID", "companyId"))),
        amount=number(get(row, "OPPORTUNITY", "opportunity")),
        currency=text(row, "CURRENCY_ID", "currencyId"),
        modified_at=ts(row, "DATE_MODIFY", "updatedTime"),
        closed_at=ts(row, "DATE_CLOSED", "closedate") if closed else None,
        closed=closed,
        last_activity_at=ts(row, "LAST_ACTIVITY_TIME", "lastActivityTime"),
        source=text(row, "SOURCE_ID", "sourceId"),
    )


def _first(values: tuple[str, ...]) -> str | None:
    return values[0] if values else None


def contact(row: Row) -> Contact:
    """crm.contact.list item → a contact."""
    name = " ".join(p for p in (text(row, "NAME"), text(row, "LAST_NAME")) if p)
    return Contact(
        id=str(row["ID"]),
        name=name,
        company_id=_first(_ids(row.get("COMPANY_ID"))),
        responsible_id=text(row, "ASSIGNED_BY_ID"),
        created_at=ts(row, "DATE_CREATE"),
        last_activity_at=ts(row, "LAST_ACTIVITY_TIME"),
    )


def company(row: Row) -> Company:
    """crm.company.list item → a company."""
    return Company(
        id=str(row["ID"]),
        name=str(row.get("TITLE") or ""),
        responsible_id=text(row, "ASSIGNED_BY_ID"),
        created_at=ts(row, "DATE_CREATE"),
    )


def custom_fields(entity: str, fields: Mapping[str, Any]) -> Iterable[CustomField]:
    """crm.deal.fields / crm.lead.fields → the user fields (`UF_CRM_*`) only."""
    for code, meta in fields.items():
        if not str(code).startswith("UF_") or not isinstance(meta, Mapping):
            continue
        label = get(meta, "listLabel", "formLabel", "filterLabel", "title") or code
        yield CustomField(
            entity=entity,
            id=str(code),
            name=str(label),
            type=str(meta.get("type") or "string"),
            multiple=flag(meta.get("isMultiple", False)),
            mandatory=flag(meta.get("isRequired", False)),
        )


def spa_funnel(row: Row, entity_type_id: int) -> Funnel:
    """crm.category.list item of a smart process → an SPA funnel `DT{type}_{id}` (§12)."""
    return Funnel(
        id=spa_funnel_id(entity_type_id, str(get(row, "id", "ID"))),
        name=str(get(row, "name", "NAME") or ""),
        kind=FunnelKind.SPA,
        entity_type_id=entity_type_id,
        sort=int(get(row, "sort", "SORT") or 0),
        is_default=flag(get(row, "isDefault", "IS_DEFAULT") or "N"),
    )


def smart_process(row: Row) -> SmartProcess:
    """crm.type.list item → a smart process, keyed by `entityTypeId` (§12, A.40)."""
    return SmartProcess(
        entity_type_id=int(row["entityTypeId"]),
        title=str(row.get("title") or ""),
        id=text(row, "id"),
        code=str(row.get("code") or ""),
        categories_enabled=flag(row.get("isCategoriesEnabled", "Y")),
    )


def item(row: Row, entity_type_id: int, finals: frozenset[str]) -> Deal:
    """crm.item.list item of a smart process → a deal row of entity item.

    Smart-process items carry no `closed` flag (the crm.item.get example of the smart-process
    docs has none), so an item is closed when its stage is a success or failure stage
    (`finals`), and closed at its `movedTime`, when it entered that stage.
    """
    stage_id = str(get(row, "stageId", "STAGE_ID"))
    closed = stage_id in finals
    return Deal(
        id=spa_item_id(entity_type_id, str(get(row, "id", "ID"))),
        funnel_id=spa_funnel_id(entity_type_id, str(get(row, "categoryId") or 0)),
        stage_id=stage_id,
        created_at=ts(row, "createdTime") or 0,
        entity=EntityKind.ITEM,
        title=str(get(row, "title") or ""),
        responsible_id=text(row, "assignedById"),
        creator_id=text(row, "createdBy"),
        contact_ids=_ids(get(row, "contactIds")) or _ids(get(row, "contactId")),
        company_id=_first(_ids(get(row, "companyId"))),
        amount=number(get(row, "opportunity")),
        currency=text(row, "currencyId"),
        modified_at=ts(row, "updatedTime"),
        closed_at=ts(row, "movedTime", "updatedTime") if closed else None,
        closed=closed,
        source=text(row, "sourceId"),
    )
