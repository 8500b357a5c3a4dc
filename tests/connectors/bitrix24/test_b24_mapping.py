"""Mapping of recorded real Bitrix24 responses into the model."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from funnelkit.connectors.bitrix24 import mapping, mapping_events
from funnelkit.model import ActivityKind, EntityKind, Semantics, TransitionKind
from funnelkit.model.timeutil import parse_iso

DATA = Path(__file__).parent / "data"


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_recorded_stage_lists_map_with_vendor_ids() -> None:
    portals = json.loads((DATA / "deal_category_stages.json").read_text(encoding="utf-8"))
    categories = portals["portal_A_bankruptcy_firm"]["categories"]
    stages = [mapping.stage(row, cat) for cat, rows in categories.items() for row in rows]
    assert len(stages) == sum(len(rows) for rows in categories.values()) == 15 + 16 + 20 + 8
    two = [s for s in stages if s.funnel_id == "2"]
    assert two[0].id == "C2:NEW" and two[0].name == "Сбор документов" and two[0].sort == 10
    assert all(s.id.startswith("C2:") for s in two)
    assert len({s.key for s in stages}) == len(stages)
    clinic = [mapping.stage(r, "0") for r in portals["portal_B_clinic"]["categories"]["0"]]
    assert [s.id for s in clinic][:2] == ["NEW", "PREPARATION"]


def test_status_row_with_extra_semantics_and_colour() -> None:
    row = {
        "ID": "9",
        "ENTITY_ID": "DEAL_STAGE_7",
        "STATUS_ID": "C7:APOLOGY",
        "NAME": "Анализ",
        "SORT": "80",
        "SYSTEM": "N",
        "SEMANTICS": "F",
        "EXTRA": {"SEMANTICS": "apology", "COLOR": "#FF5752"},
    }
    stage = mapping.stage(row)
    assert stage.funnel_id == "7"
    assert stage.semantics is Semantics.FAILURE
    assert stage.color == "#FF5752"
    won = mapping.stage(
        {
            "ENTITY_ID": "STATUS",
            "STATUS_ID": "CONVERTED",
            "SORT": 60,
            "SEMANTICS": "S",
            "SYSTEM": "Y",
        }
    )
    assert (won.funnel_id, won.semantics, won.system) == ("LEAD", Semantics.SUCCESS, True)
    assert mapping.entity_of_funnel("0") == "DEAL_STAGE"
    assert mapping.entity_of_funnel("7") == "DEAL_STAGE_7"
    assert mapping.category_of_entity("DEAL_STAGE") == "0"


def test_recorded_stage_history_parses_dates_and_kinds() -> None:
    rows = _csv("stagehistory_uc_kw9988.csv")
    out = mapping_events.transitions(rows, lead=False)
    assert len(out) == len(rows) == 490
    first = out[0]
    assert first.id == "7365" and first.deal_id == "523" and first.funnel_id == "0"
    assert first.at == parse_iso("2022-01-25T07:18:00+00:00")
    created = [t for t, r in zip(out, rows, strict=True) if r["TYPE_ID"] == "1"]
    assert created and all(t.kind is TransitionKind.CREATED for t in created)
    # A deal's second row leaves the stage its first row entered.
    seen: dict[str, str] = {}
    for t in out:
        assert t.from_stage_id == seen.get(t.deal_id)
        seen[t.deal_id] = t.to_stage_id


def test_history_funnel_change_and_leads() -> None:
    rows = [
        {
            "ID": 1,
            "TYPE_ID": 1,
            "OWNER_ID": 5,
            "CREATED_TIME": "2024-04-25T14:59:11+00:00",
            "CATEGORY_ID": 0,
            "STAGE_ID": "NEW",
        },
        {
            "ID": 4,
            "TYPE_ID": 3,
            "OWNER_ID": 5,
            "CREATED_TIME": "2024-04-26T10:00:00+00:00",
            "CATEGORY_ID": 2,
            "STAGE_ID": "C2:NEW",
        },
    ]
    out = mapping_events.transitions(rows, lead=False)
    assert out[1].kind is TransitionKind.FUNNEL_CHANGED
    assert (out[1].from_funnel_id, out[1].from_stage_id) == ("0", "NEW")
    leads = mapping_events.transitions(
        [
            {
                "ID": 3,
                "TYPE_ID": 1,
                "OWNER_ID": 8,
                "CREATED_TIME": "2024-04-25T14:59:11+03:00",
                "STATUS_ID": "NEW",
            }
        ],
        lead=True,
    )
    assert (leads[0].id, leads[0].deal_id, leads[0].funnel_id) == ("3", "L8", "LEAD")


def test_deal_item_and_legacy_rows() -> None:
    item = {
        "id": 253,
        "title": "Deal",
        "categoryId": 2,
        "stageId": "C2:NEW",
        "assignedById": 1,
        "createdBy": 1,
        "contactIds": [3, 4],
        "companyId": 0,
        "opportunity": 19000,
        "currencyId": "RUB",
        "createdTime": "2024-01-01T10:00:00+03:00",
        "closed": "N",
        "updatedTime": "2024-01-02T10:00:00+03:00",
    }
    deal = mapping.deal(item)
    assert (deal.id, deal.funnel_id, deal.stage_id) == ("253", "2", "C2:NEW")
    assert deal.contact_ids == ("3", "4") and deal.company_id is None
    assert deal.amount == 19000.0 and deal.created_at == parse_iso("2024-01-01T07:00:00Z")
    legacy = mapping.deal(
        {
            "ID": "37",
            "CATEGORY_ID": "0",
            "STAGE_ID": "WON",
            "CLOSED": "Y",
            "DATE_CREATE": "2024-01-01T10:00:00+03:00",
            "OPPORTUNITY": "19999.99",
            "CLOSEDATE": "2024-02-01T00:00:00+03:00",
            "CONTACT_ID": "7",
        }
    )
    assert legacy.closed and legacy.closed_at is not None and legacy.amount == 19999.99
    assert legacy.contact_ids == ("7",)
    lead = mapping.lead(
        {
            "ID": "12",
            "STATUS_ID": "JUNK",
            "STATUS_SEMANTIC_ID": "F",
            "DATE_CREATE": "2024-01-01T10:00:00+03:00",
        }
    )
    assert (lead.id, lead.funnel_id, lead.entity, lead.closed) == (
        "L12",
        "LEAD",
        EntityKind.LEAD,
        True,
    )


def test_tasks_activities_users() -> None:
    task = mapping_events.task(
        {
            "id": "8017",
            "title": "Call",
            "deadline": "2025-10-24T19:00:00+02:00",
            "createdDate": "2025-06-04T16:15:55+02:00",
            "responsibleId": "547",
            "status": "2",
            "ufCrmTask": ["D_10", "C_7"],
        }
    )
    assert (task.id, task.deal_id, task.contact_id, task.done) == ("T8017", "10", "7", False)
    act = mapping_events.activity(
        {
            "ID": "5",
            "OWNER_TYPE_ID": "1",
            "OWNER_ID": "9",
            "TYPE_ID": "2",
            "PROVIDER_ID": "VOXIMPLANT_CALL",
            "COMPLETED": "Y",
            "CREATED": "2024-01-01T10:00:00+03:00",
            "LAST_UPDATED": "2024-01-01T10:05:00+03:00",
        }
    )
    assert (act.kind, act.deal_id, act.done) == (ActivityKind.CALL, "L9", True)
    assert act.completed_at == parse_iso("2024-01-01T07:05:00Z")
    user = mapping.user(
        {"ID": "1", "ACTIVE": True, "NAME": "Vadim", "LAST_NAME": "Valeev", "UF_DEPARTMENT": [1]}
    )
    assert (user.name, user.departments, user.active) == ("Vadim Valeev", ("1",), True)
    fields = list(
        mapping.custom_fields(
            "deal",
            {
                "TITLE": {"type": "string"},
                "UF_CRM_1": {"type": "enumeration", "isMultiple": True, "listLabel": "Замерщик"},
            },
        )
    )
    assert [(f.id, f.name, f.multiple) for f in fields] == [("UF_CRM_1", "Замерщик", True)]


def test_minimal_history_rows_default_to_moves_in_the_general_funnel() -> None:
    rows = _csv("stagehistory_executing.csv")  # only ID, OWNER_ID, CREATED_TIME, STAGE_ID
    out = mapping_events.transitions(rows, lead=False)
    assert [t.to_stage_id for t in out] == ["EXECUTING"] * 9
    assert {t.funnel_id for t in out} == {"0"}
    assert all(t.kind is TransitionKind.MOVED for t in out)
    assert out[-1].at == parse_iso("2023-01-11T07:00:19Z")
    assert [t.at for t in out] == sorted(t.at for t in out)
