"""Vendor field lists of every entity served, read from the vendor-neutral state rows.

Field names and order follow the official examples: crm.deal.get (A.27),
crm.lead.list (A.31), crm.item.update (A.33), crm.stagehistory.list (A.34),
crm.activity.list (A.35), tasks.task.list (A.37), crm.contact.list (A.38),
user.get (A.39). Values the model does not hold are the vendor's defaults.
"""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.bitrix24.fields import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    LIST,
    RAW,
    STR,
    YN,
    Field,
    Schema,
)
from funnelkit.emulator.bitrix24.fields import num_id as _n
from funnelkit.emulator.state import PortalState
from funnelkit.model import ActivityKind, Semantics, TransitionKind

SEMANTIC_LETTER = {Semantics.PROCESS: "P", Semantics.SUCCESS: "S", Semantics.FAILURE: "F"}


def _c(value: Any) -> Any:
    return lambda _r: value


def _f(upper: str, camel: str, kind: str, get: Any) -> Field:
    return Field(upper, camel, kind, get)


class Ctx:
    """Lookups the getters need: a stage's semantics."""

    def __init__(self, state: PortalState) -> None:
        self.state = state

    def letter(self, funnel_id: str, stage_id: str) -> str:
        """P / S / F for a stage (P when the stage is unknown)."""
        stage = self.state.stages.get((funnel_id, stage_id))
        return SEMANTIC_LETTER[stage.semantics] if stage else "P"


def _common_money(ctx: Ctx) -> list[Field]:
    return [
        _f("CURRENCY_ID", "currencyId", STR, lambda d: d.currency or ctx.state.currency),
        _f("OPPORTUNITY", "opportunity", FLOAT, lambda d: d.amount or 0.0),
        _f("IS_MANUAL_OPPORTUNITY", "isManualOpportunity", YN, _c(False)),
    ]


def _people(prefix_time: str = "") -> list[Field]:
    return [
        _f("ASSIGNED_BY_ID", "assignedById", INT, lambda d: _n(d.responsible_id)),
        _f("CREATED_BY_ID", "createdBy", INT, lambda d: _n(d.creator_id or d.responsible_id)),
        _f("MODIFY_BY_ID", "updatedBy", INT, lambda d: _n(d.creator_id or d.responsible_id)),
        _f("DATE_CREATE", "createdTime", DATE, lambda d: d.created_at),
        _f("DATE_MODIFY", "updatedTime", DATE, lambda d: d.modified_at or d.created_at),
    ]


def _tail() -> list[Field]:
    utm = [_f(f"UTM_{k}", f"utm{k.title()}", STR, _c(None)) for k in ("SOURCE", "MEDIUM")]
    utm += [_f(f"UTM_{k}", f"utm{k.title()}", STR, _c(None)) for k in ("CAMPAIGN", "CONTENT")]
    utm.append(_f("UTM_TERM", "utmTerm", STR, _c(None)))
    return [
        _f("ORIGINATOR_ID", "originatorId", STR, _c(None)),
        _f("ORIGIN_ID", "originId", STR, _c(None)),
        # MOVED_* approximated by the last modification (the model keeps no mover; unverified).
        _f("MOVED_BY_ID", "movedBy", INT, lambda d: _n(d.responsible_id)),
        _f("MOVED_TIME", "movedTime", DATE, lambda d: d.modified_at or d.created_at),
        _f("LAST_ACTIVITY_TIME", "lastActivityTime", DATE, lambda d: d.last_activity_at),
        *utm,
        _f("LAST_ACTIVITY_BY", "lastActivityBy", INT, lambda d: _n(d.responsible_id)),
    ]


def deal_schema(ctx: Ctx) -> Schema:
    """crm.deal.* / crm.item.* (entityTypeId 2)."""
    return Schema(
        [
            _f("ID", "id", INT, lambda d: _n(d.id)),
            _f("TITLE", "title", STR, lambda d: d.title),
            _f("TYPE_ID", "typeId", STR, _c("SALE")),
            _f("STAGE_ID", "stageId", STR, lambda d: d.stage_id),
            _f("PROBABILITY", "probability", INT, _c(None)),
            *_common_money(ctx),
            _f("TAX_VALUE", "taxValue", FLOAT, _c(0.0)),
            _f("LEAD_ID", "leadId", INT, _c(None)),
            _f("COMPANY_ID", "companyId", INT, lambda d: _n(d.company_id) or 0),
            _f(
                "CONTACT_ID",
                "contactId",
                INT,
                lambda d: _n(d.contact_ids[0]) if d.contact_ids else 0,
            ),
            _f("QUOTE_ID", "quoteId", INT, _c(None)),
            _f("BEGINDATE", "begindate", DATE, lambda d: d.created_at),
            _f("CLOSEDATE", "closedate", DATE, lambda d: d.closed_at),
            *_people(),
            _f("OPENED", "opened", YN, _c(True)),
            _f("CLOSED", "closed", YN, lambda d: d.closed),
            _f("COMMENTS", "comments", STR, _c("")),
            _f("ADDITIONAL_INFO", "additionalInfo", STR, _c(None)),
            _f("LOCATION_ID", "locationId", STR, _c(None)),
            _f("CATEGORY_ID", "categoryId", INT, lambda d: _n(d.funnel_id) or 0),
            _f(
                "STAGE_SEMANTIC_ID",
                "stageSemanticId",
                STR,
                lambda d: ctx.letter(d.funnel_id, d.stage_id),
            ),
            _f("IS_NEW", "isNew", YN, _c(False)),
            _f("IS_RECURRING", "isRecurring", YN, _c(False)),
            _f("IS_RETURN_CUSTOMER", "isReturnCustomer", YN, _c(False)),
            _f("IS_REPEATED_APPROACH", "isRepeatedApproach", YN, _c(False)),
            _f("SOURCE_ID", "sourceId", STR, lambda d: d.source),
            _f("SOURCE_DESCRIPTION", "sourceDescription", STR, _c(None)),
            *_tail(),
            _f("CONTACT_IDS", "contactIds", LIST, lambda d: [_n(c) for c in d.contact_ids]),
        ]
    )


def lead_schema(ctx: Ctx) -> Schema:
    """crm.lead.list / crm.item.* (entityTypeId 1): the stage field is STATUS_ID."""
    name = [_f(k, c, STR, _c(None)) for k, c in (("HONORIFIC", "honorific"), ("NAME", "name"))]
    name += [
        _f(k, c, STR, _c(None))
        for k, c in (("SECOND_NAME", "secondName"), ("LAST_NAME", "lastName"))
    ]
    return Schema(
        [
            _f("ID", "id", INT, lambda d: _n(d.id)),
            _f("TITLE", "title", STR, lambda d: d.title),
            *name,
            _f("COMPANY_TITLE", "companyTitle", STR, _c(None)),
            _f("COMPANY_ID", "companyId", INT, lambda d: _n(d.company_id) or 0),
            _f(
                "CONTACT_ID",
                "contactId",
                INT,
                lambda d: _n(d.contact_ids[0]) if d.contact_ids else None,
            ),
            _f("IS_RETURN_CUSTOMER", "isReturnCustomer", YN, _c(False)),
            _f("BIRTHDATE", "birthdate", STR, _c("")),
            _f("SOURCE_ID", "sourceId", STR, lambda d: d.source),
            _f("SOURCE_DESCRIPTION", "sourceDescription", STR, _c(None)),
            _f("STATUS_ID", "stageId", STR, lambda d: d.stage_id),
            _f("STATUS_DESCRIPTION", "statusDescription", STR, _c(None)),
            _f("POST", "post", STR, _c(None)),
            _f("COMMENTS", "comments", STR, _c(None)),
            *_common_money(ctx),
            _f("HAS_PHONE", "hasPhone", YN, _c(False)),
            _f("HAS_EMAIL", "hasEmail", YN, _c(False)),
            _f("HAS_IMOL", "hasImol", YN, _c(False)),
            *_people(),
            _f("DATE_CLOSED", "closedate", DATE, lambda d: d.closed_at),
            _f(
                "STATUS_SEMANTIC_ID",
                "stageSemanticId",
                STR,
                lambda d: ctx.letter(d.funnel_id, d.stage_id),
            ),
            _f("OPENED", "opened", YN, _c(True)),
            *[_f(k, k.lower(), STR, _c(None)) for k in _LEAD_ADDRESS],
            *_tail(),
        ]
    )


_LEAD_ADDRESS = (
    "ADDRESS", "ADDRESS_2", "ADDRESS_CITY", "ADDRESS_POSTAL_CODE", "ADDRESS_REGION",
    "ADDRESS_PROVINCE", "ADDRESS_COUNTRY", "ADDRESS_COUNTRY_CODE", "ADDRESS_LOC_ADDR_ID",
)  # fmt: skip


def history_type(kind: TransitionKind, semantic: str) -> int:
    """bitrix24.md §8: 1 created, 2 intermediate stage, 3 final stage, 5 funnel changed."""
    if kind is TransitionKind.CREATED:
        return 1
    if kind is TransitionKind.FUNNEL_CHANGED:
        return 5
    return 3 if semantic in ("S", "F") else 2


def history_schema(ctx: Ctx, lead: bool) -> Schema:
    """crm.stagehistory.list: integers, not strings (A.34); leads carry STATUS_* names."""
    stage = "STATUS" if lead else "STAGE"
    fields = [
        _f("ID", "id", INT, lambda t: _n(t.id)),
        _f(
            "TYPE_ID",
            "typeId",
            INT,
            lambda t: history_type(t.kind, ctx.letter(t.funnel_id, t.to_stage_id)),
        ),
        _f("OWNER_ID", "ownerId", INT, lambda t: _n(t.deal_id)),
        _f("CREATED_TIME", "createdTime", DATE, lambda t: t.at),
    ]
    if not lead:
        fields.append(_f("CATEGORY_ID", "categoryId", INT, lambda t: _n(t.funnel_id) or 0))
    fields.append(
        _f(
            f"{stage}_SEMANTIC_ID",
            "semanticId",
            STR,
            lambda t: ctx.letter(t.funnel_id, t.to_stage_id),
        )
    )
    fields.append(_f(f"{stage}_ID", "stageId", STR, lambda t: t.to_stage_id))
    return Schema(fields)


# crm.activity.list TYPE_ID / PROVIDER_ID per kind (bitrix24.md §9.1; type numbers unverified).
ACTIVITY_KINDS: dict[ActivityKind, tuple[str, str, str]] = {
    ActivityKind.MEETING: ("1", "CRM_MEETING", "MEETING"),
    ActivityKind.CALL: ("2", "VOXIMPLANT_CALL", "CALL"),
    ActivityKind.EMAIL: ("4", "CRM_EMAIL", "EMAIL"),
    ActivityKind.MESSAGE: ("6", "IMOPENLINES_SESSION", "OPENLINE"),
    ActivityKind.NOTE: ("6", "CRM_TODO", "TODO"),
    ActivityKind.TASK: ("6", "CRM_TODO", "TODO"),
}


_ACTIVITY_RESULTS = ("RESULT_VALUE", "RESULT_SUM", "RESULT_CURRENCY_ID", "RESULT_SOURCE_ID")


def _owner(a: Any) -> tuple[int | None, int | None]:
    if a.deal_id:
        return _n(a.deal_id), 1 if a.deal_id.startswith("L") else 2
    if a.contact_id:
        return _n(a.contact_id), 3
    return None, None


def activity_schema() -> Schema:
    """crm.activity.list (A.35)."""
    kinds = ACTIVITY_KINDS
    return Schema(
        [
            _f("ID", "id", INT, lambda a: _n(a.id)),
            _f("OWNER_ID", "ownerId", INT, lambda a: _owner(a)[0]),
            _f("OWNER_TYPE_ID", "ownerTypeId", INT, lambda a: _owner(a)[1]),
            _f("TYPE_ID", "typeId", STR, lambda a: kinds[a.kind][0]),
            _f("PROVIDER_ID", "providerId", STR, lambda a: kinds[a.kind][1]),
            _f("PROVIDER_TYPE_ID", "providerTypeId", STR, lambda a: kinds[a.kind][2]),
            _f("PROVIDER_GROUP_ID", "providerGroupId", STR, _c(None)),
            _f("ASSOCIATED_ENTITY_ID", "associatedEntityId", INT, _c(0)),
            _f("SUBJECT", "subject", STR, lambda a: a.subject),
            _f("CREATED", "created", DATE, lambda a: a.created_at),
            _f("LAST_UPDATED", "lastUpdated", DATE, lambda a: a.completed_at or a.created_at),
            _f("START_TIME", "startTime", DATE, lambda a: a.created_at),
            _f("END_TIME", "endTime", DATE, lambda a: a.deadline),
            _f("DEADLINE", "deadline", DATE, lambda a: a.deadline),
            _f("COMPLETED", "completed", YN, lambda a: a.done),
            _f("STATUS", "status", INT, lambda a: 2 if a.done else 1),
            _f("RESPONSIBLE_ID", "responsibleId", INT, lambda a: _n(a.responsible_id)),
            _f("PRIORITY", "priority", INT, _c(2)),
            _f("DESCRIPTION", "description", STR, _c("")),
            _f("DIRECTION", "direction", INT, _c(0)),
            _f("SETTINGS", "settings", RAW, _c([])),
            _f("ORIGINATOR_ID", "originatorId", STR, _c(None)),
            _f("ORIGIN_ID", "originId", STR, _c(None)),
            _f("AUTHOR_ID", "authorId", INT, lambda a: _n(a.responsible_id)),
            _f("EDITOR_ID", "editorId", INT, lambda a: _n(a.responsible_id)),
            _f("PROVIDER_PARAMS", "providerParams", RAW, _c([])),
            _f("NOTIFY_TYPE", "notifyType", INT, _c(1)),
            _f("NOTIFY_VALUE", "notifyValue", INT, _c(15)),
            _f("DESCRIPTION_TYPE", "descriptionType", INT, _c(1)),
            _f("LOCATION", "location", STR, _c("")),
            _f("PROVIDER_DATA", "providerData", STR, _c(None)),
            *[
                _f(k, k.lower(), INT, _c(0))
                for k in ("RESULT_MARK", "RESULT_STATUS", "RESULT_STREAM")
            ],
            *[_f(k, k.lower(), STR, _c(None)) for k in _ACTIVITY_RESULTS],
            _f("AUTOCOMPLETE_RULE", "autocompleteRule", INT, _c(0)),
        ]
    )


def _crm_binding(a: Any) -> list[str]:
    """UF_CRM_TASK values `D_10`, `L_4`, `C_7` (bitrix24.md §9.3)."""
    if a.deal_id:
        prefix = "L" if a.deal_id.startswith("L") else "D"
        return [f"{prefix}_{_n(a.deal_id)}"]
    return [f"C_{_n(a.contact_id)}"] if a.contact_id else []


def task_schema() -> Schema:
    """tasks.task.list: camelCase keys, string values (A.37). STATUS 5 = completed, 2 = pending."""
    return Schema(
        [
            _f("ID", "id", INT, lambda a: _n(a.id)),
            _f("TITLE", "title", STR, lambda a: a.subject),
            _f("DESCRIPTION", "description", STR, _c("")),
            _f("DEADLINE", "deadline", DATE, lambda a: a.deadline),
            _f("CREATED_DATE", "createdDate", DATE, lambda a: a.created_at),
            _f("CHANGED_DATE", "changedDate", DATE, lambda a: a.completed_at or a.created_at),
            _f("CLOSED_DATE", "closedDate", DATE, lambda a: a.completed_at),
            _f("RESPONSIBLE_ID", "responsibleId", INT, lambda a: _n(a.responsible_id)),
            _f("CREATED_BY", "createdBy", INT, lambda a: _n(a.responsible_id)),
            _f("PRIORITY", "priority", INT, _c(1)),
            _f("STATUS", "status", INT, lambda a: 5 if a.done else 2),
            _f("REAL_STATUS", "realStatus", INT, lambda a: 5 if a.done else 2),
            _f("UF_CRM_TASK", "ufCrmTask", LIST, _crm_binding),
        ]
    )


_USER_BLANKS = (
    "PERSONAL_GENDER", "PERSONAL_WWW", "PERSONAL_BIRTHDAY", "PERSONAL_MOBILE", "PERSONAL_CITY",
    "WORK_PHONE",
)  # fmt: skip
# crm.item.* deal keys the model has no data for (A.33), answered with their empty values.
ITEM_EXTRAS: dict[str, Any] = {
    "dateCreateShort": None, "dateModifyShort": None, "productId": None,
    "begindateShort": None, "closedateShort": None, "eventDate": None, "eventDateShort": None,
    "eventId": None, "eventDescription": None, "webformId": 0, "searchContent": "",
    "orderStage": None, "isWork": None, "isWon": None, "isLose": None, "receivedAmount": None,
    "lostAmount": None, "hasProducts": None, "observers": [],
}  # fmt: skip


def user_schema() -> Schema:
    """user.get (A.39): ACTIVE is a real boolean, UF_DEPARTMENT a list of numbers."""

    def part(u: Any, i: int) -> str:
        bits = u.name.split(" ", 1)
        return bits[i] if len(bits) > i else ""

    return Schema(
        [
            _f("ID", "id", INT, lambda u: _n(u.id)),
            _f("ACTIVE", "active", BOOL, lambda u: u.active),
            _f("NAME", "name", STR, lambda u: part(u, 0)),
            _f("LAST_NAME", "lastName", STR, lambda u: part(u, 1)),
            _f("SECOND_NAME", "secondName", STR, _c("")),
            _f("EMAIL", "email", STR, lambda u: f"user{u.id}@example.com"),
            _f("LAST_LOGIN", "lastLogin", DATE, _c(None)),
            _f("DATE_REGISTER", "dateRegister", DATE, _c(None)),
            _f("TIME_ZONE", "timeZone", STR, _c("")),
            _f("IS_ONLINE", "isOnline", YN, _c(False)),
            _f("TIMESTAMP_X", "timestampX", RAW, _c({})),
            _f("LAST_ACTIVITY_DATE", "lastActivityDate", RAW, _c({})),
            *[_f(k, k.lower(), STR, _c("")) for k in _USER_BLANKS],
            _f("WORK_POSITION", "workPosition", STR, _c("")),
            _f("UF_EMPLOYMENT_DATE", "ufEmploymentDate", STR, _c("")),
            _f("UF_DEPARTMENT", "ufDepartment", RAW, lambda u: [_n(d) for d in u.departments]),
            _f("USER_TYPE", "userType", STR, _c("employee")),
        ]
    )


def contact_schema() -> Schema:
    """crm.contact.list (A.38)."""

    def part(c: Any, i: int) -> str | None:
        bits = c.name.split(" ", 1)
        return bits[i] if len(bits) > i else None

    return Schema(
        [
            _f("ID", "id", INT, lambda c: _n(c.id)),
            _f("NAME", "name", STR, lambda c: part(c, 0)),
            _f("LAST_NAME", "lastName", STR, lambda c: part(c, 1)),
            _f("SECOND_NAME", "secondName", STR, _c(None)),
            _f("COMPANY_ID", "companyId", INT, lambda c: _n(c.company_id)),
            _f("ASSIGNED_BY_ID", "assignedById", INT, lambda c: _n(c.responsible_id)),
            _f("DATE_CREATE", "createdTime", DATE, lambda c: c.created_at),
            _f("LAST_ACTIVITY_TIME", "lastActivityTime", DATE, lambda c: c.last_activity_at),
            _f("EXPORT", "export", YN, _c(True)),
            # Multi-fields come back only when named in `select` (§10).
            _f("PHONE", "phone", LIST, _c([])),
            _f("EMAIL", "email", LIST, _c([])),
            _f("OPENED", "opened", YN, _c(True)),
        ]
    )


def company_schema() -> Schema:
    """crm.company.list (same legacy pattern as contacts, bitrix24.md §10)."""
    return Schema(
        [
            _f("ID", "id", INT, lambda c: _n(c.id)),
            _f("TITLE", "title", STR, lambda c: c.name),
            _f("ASSIGNED_BY_ID", "assignedById", INT, lambda c: _n(c.responsible_id)),
            _f("DATE_CREATE", "createdTime", DATE, lambda c: c.created_at),
            _f("OPENED", "opened", YN, _c(True)),
        ]
    )
