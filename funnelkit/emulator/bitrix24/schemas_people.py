"""Vendor field lists of activities, tasks, users, contacts and companies.

Field names follow crm.activity.list (A.35), tasks.task.list (A.37), user.get
(A.39) and crm.contact.list (A.38); values the model lacks are vendor defaults.
"""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.bitrix24.fields import BOOL, DATE, INT, LIST, RAW, STR, YN, Schema
from funnelkit.emulator.bitrix24.fields import num_id as _n
from funnelkit.emulator.bitrix24.schemas import _c, _f
from funnelkit.model import ActivityKind

# crm.activity.list TYPE_ID / PROVIDER_ID per kind (bitrix24.md §9.1; type numbers unverified).
ACTIVITY_KINDS: dict[ActivityKind, tuple[str, str, str]] = {
    ActivityKind.MEETING: ("1", "CRM_MEETING", "MEETING"),
    ActivityKind.CALL: ("2", "VOXIMPLANT_CALL", "CALL"),
    ActivityKind.EMAIL: ("4", "CRM_EMAIL", "EMAIL"),
    ActivityKind.MESSAGE: ("6", "IMOPENLINES_SESSION", "OPENLINE"),
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
            _f("UF_DEPARTMENT", "ufDepartment", LIST, lambda u: [_n(d) for d in u.departments]),
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
            # The model keeps no edit time for contacts: creation stands in for it, so a
            # `>=DATE_MODIFY` filter (§10) selects the contacts added since.
            _f("DATE_MODIFY", "updatedTime", DATE, lambda c: c.created_at),
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
            _f("DATE_MODIFY", "updatedTime", DATE, lambda c: c.created_at),
            _f("OPENED", "opened", YN, _c(True)),
        ]
    )
