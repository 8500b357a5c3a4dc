"""Vendor field lists of every entity served, read from the vendor-neutral state rows.

Field names and order follow the official examples: crm.deal.get (A.27),
crm.lead.list (A.31), crm.item.update (A.33), crm.stagehistory.list (A.34),
crm.activity.list (A.35), tasks.task.list (A.37), crm.contact.list (A.38),
user.get (A.39). Values the model does not hold are the vendor's defaults.
"""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.bitrix24.fields import (
    DATE,
    FLOAT,
    INT,
    LIST,
    STR,
    YN,
    Field,
    Schema,
)
from funnelkit.emulator.bitrix24.fields import num_id as _n
from funnelkit.emulator.state import PortalState
from funnelkit.model import Semantics, TransitionKind

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


def _people() -> list[Field]:
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


# crm.item.* deal keys the model has no data for (A.33), answered with their empty values.
ITEM_EXTRAS: dict[str, Any] = {
    "dateCreateShort": None, "dateModifyShort": None, "productId": None,
    "begindateShort": None, "closedateShort": None, "eventDate": None, "eventDateShort": None,
    "eventId": None, "eventDescription": None, "webformId": 0, "searchContent": "",
    "orderStage": None, "isWork": None, "isWon": None, "isLose": None, "receivedAmount": None,
    "lostAmount": None, "hasProducts": None, "observers": [],
}  # fmt: skip
