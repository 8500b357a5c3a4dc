"""What each Bitrix24 list is read with: method, id field, wrapper, narrow `select` (§3, §7–10)."""

from __future__ import annotations

from funnelkit.connectors.bitrix24.paging import ListSpec

# crm.item.list is the supported way to read deals with all their contacts (§7.1: crm.deal.list
# cannot select CONTACT_IDS; §7.3 lists the camelCase keys).
DEALS = ListSpec(
    "deals",
    "crm.item.list",
    id_field="id",
    row_id="id",
    wrapper="items",
    base={
        "entityTypeId": 2,
        "select": [
            "id",
            "title",
            "categoryId",
            "stageId",
            "assignedById",
            "createdBy",
            "contactIds",
            "companyId",
            "opportunity",
            "currencyId",
            "createdTime",
            "updatedTime",
            "closedate",
            "closed",
            "lastActivityTime",
            "sourceId",
        ],
    },
)
LEADS = ListSpec(
    "leads",
    "crm.lead.list",
    base={
        "select": [
            "ID",
            "TITLE",
            "STATUS_ID",
            "STATUS_SEMANTIC_ID",
            "ASSIGNED_BY_ID",
            "CREATED_BY_ID",
            "CONTACT_ID",
            "COMPANY_ID",
            "OPPORTUNITY",
            "CURRENCY_ID",
            "DATE_CREATE",
            "DATE_MODIFY",
            "DATE_CLOSED",
            "SOURCE_ID",
            "LAST_ACTIVITY_TIME",
        ]
    },
)
_HISTORY_SELECT = [
    "ID",
    "TYPE_ID",
    "OWNER_ID",
    "CREATED_TIME",
    "CATEGORY_ID",
    "STAGE_ID",
    "STATUS_ID",
]
DEAL_HISTORY = ListSpec(
    "deal_history",
    "crm.stagehistory.list",
    wrapper="items",
    base={"entityTypeId": 2, "select": _HISTORY_SELECT},
)
LEAD_HISTORY = ListSpec(
    "lead_history",
    "crm.stagehistory.list",
    wrapper="items",
    base={"entityTypeId": 1, "select": _HISTORY_SELECT},
)
ACTIVITIES = ListSpec(
    "activities",
    "crm.activity.list",
    base={
        "select": [
            "ID",
            "OWNER_ID",
            "OWNER_TYPE_ID",
            "TYPE_ID",
            "PROVIDER_ID",
            "SUBJECT",
            "CREATED",
            "LAST_UPDATED",
            "DEADLINE",
            "COMPLETED",
            "RESPONSIBLE_ID",
            "END_TIME",
        ]
    },
)
# §9.3: tasks answer in camelCase with string values under `tasks`; CRM links need UF_CRM_TASK.
TASKS = ListSpec(
    "tasks",
    "tasks.task.list",
    row_id="id",
    wrapper="tasks",
    base={
        "select": [
            "ID",
            "TITLE",
            "RESPONSIBLE_ID",
            "DEADLINE",
            "CREATED_DATE",
            "CLOSED_DATE",
            "STATUS",
            "CHANGED_DATE",
            "UF_CRM_TASK",
        ]
    },
)
CONTACTS = ListSpec(
    "contacts",
    "crm.contact.list",
    base={
        "select": [
            "ID",
            "NAME",
            "LAST_NAME",
            "COMPANY_ID",
            "ASSIGNED_BY_ID",
            "DATE_CREATE",
            "LAST_ACTIVITY_TIME",
        ]
    },
)
COMPANIES = ListSpec(
    "companies",
    "crm.company.list",
    base={"select": ["ID", "TITLE", "ASSIGNED_BY_ID", "DATE_CREATE"]},
)
# §10: user.get sorts with `sort`/`order` strings and supports start=-1.
USERS = ListSpec(
    "users",
    "user.get",
    user_sort=True,
    base={"select": ["ID", "NAME", "LAST_NAME", "ACTIVE", "UF_DEPARTMENT", "EMAIL"]},
)

# Ids-only sweeps for incremental pulls: 2,500 ids per request find deleted rows.
DEAL_IDS = ListSpec(
    "deal_ids",
    "crm.item.list",
    id_field="id",
    row_id="id",
    wrapper="items",
    base={"entityTypeId": 2, "select": ["id"]},
)
LEAD_IDS = ListSpec("lead_ids", "crm.lead.list", base={"select": ["ID"]})
