"""Every official response example in the notes' appendix, reproduced for the same request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.bitrix24.conftest import Portal
from tests.emulator.bitrix24.shape import example, shape_diff

# (section, method, params, exact keys?) - params follow the example's request, with ids of
# the test portal (category 2 instead of 1/9/1152: the emulator serves deals, not SPAs).
CASES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("A.1", "user.current", {}, False),
    ("A.8", "crm.category.list", {"entityTypeId": 2}, True),
    ("A.9", "crm.category.get", {"entityTypeId": 2, "id": 2}, True),
    ("A.13", "crm.category.fields", {"entityTypeId": 2}, True),
    (
        "A.15",
        "crm.status.list",
        {"order": {"SORT": "ASC"}, "filter": {"ENTITY_ID": "DEAL_STAGE"}},
        True,
    ),
    ("A.16", "crm.status.get", {"id": 1}, False),
    ("A.20", "crm.status.fields", {}, True),
    ("A.22", "crm.status.entity.items", {"entityId": "DEAL_STAGE"}, True),
    (
        "A.26",
        "crm.deal.list",
        {
            "SELECT": [
                "ID",
                "TITLE",
                "TYPE_ID",
                "CATEGORY_ID",
                "STAGE_ID",
                "OPPORTUNITY",
                "IS_MANUAL_OPPORTUNITY",
                "ASSIGNED_BY_ID",
                "DATE_CREATE",
            ],
            "FILTER": {"CATEGORY_ID": 2, "@ASSIGNED_BY_ID": [1, 6]},
            "ORDER": {"TITLE": "ASC"},
        },
        True,
    ),
    ("A.27", "crm.deal.get", {"ID": 3}, False),
    ("A.30", "crm.deal.fields", {}, False),
    ("A.31", "crm.lead.list", {"select": ["*", "UF_*"], "order": {"STATUS_ID": "ASC"}}, True),
    (
        "A.32",
        "crm.item.list",
        {
            "entityTypeId": 1,
            "select": [
                "id",
                "assignedById",
                "stageId",
                "opportunity",
                "sourceId",
                "title",
                "name",
                "lastName",
                "isManualOpportunity",
            ],
        },
        True,
    ),
    (
        "A.34",
        "crm.stagehistory.list",
        {"entityTypeId": 2, "order": {"ID": "ASC"}, "filter": {"OWNER_ID": 1}},
        True,
    ),
    (
        "A.35",
        "crm.activity.list",
        {
            "order": {"ID": "DESC"},
            "filter": {"OWNER_TYPE_ID": 2},
            "select": ["*", "COMMUNICATIONS"],
            "start": 0,
        },
        False,
    ),
    (
        "A.38",
        "crm.contact.list",
        {"SELECT": ["ID", "NAME", "LAST_NAME", "EXPORT", "ASSIGNED_BY_ID", "DATE_CREATE", "EMAIL"]},
        False,
    ),
    ("A.39", "user.get", {}, False),
]


@pytest.mark.parametrize(("section", "method", "params", "exact"), CASES, ids=[c[0] for c in CASES])
def test_response_matches_official_example(
    portal: Portal, section: str, method: str, params: dict[str, Any], exact: bool
) -> None:
    theirs = example(section)
    ours = portal.ok(method, params)
    assert set(theirs) - {"time", "next"} <= set(ours), (
        f"envelope keys {set(ours)} vs {set(theirs)}"
    )
    problems = shape_diff(ours["result"], theirs["result"], exact=exact)
    assert not problems, problems
    if section != "A.35":  # A.35 prints operating_reset_at as a date string: a doc error (§2.2)
        assert not shape_diff(ours["time"], theirs["time"])
    assert set(ours["time"]) == {
        "start",
        "finish",
        "duration",
        "processing",
        "date_start",
        "date_finish",
        "operating_reset_at",
        "operating",
    }
    if "total" in theirs:
        assert isinstance(ours["total"], int)


def test_writes_match_examples(portal: Portal) -> None:
    """A.10/A.11/A.12 (category), A.17/A.18/A.19 (status), A.28/A.29 (deal), A.33 (item)."""
    added = portal.ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "N", "sort": 50}})
    assert not shape_diff(added["result"], example("A.10")["result"])
    ident = added["result"]["category"]["id"]
    updated = portal.ok(
        "crm.category.update",
        {"entityTypeId": 2, "id": ident, "fields": {"name": "New Funnel Name", "sort": 1000}},
    )
    assert updated["result"]["category"]["name"] == "New Funnel Name"
    assert not shape_diff(updated["result"], example("A.11")["result"])
    status = portal.ok(
        "crm.status.add",
        example("A.17", kind="request")
        | {
            "fields": {
                "ENTITY_ID": f"DEAL_STAGE_{ident}",
                "STATUS_ID": "DECISION",
                "NAME": "Decision making",
                "SORT": 55,
                "COLOR": "#FFA900",
            }
        },
    )
    assert isinstance(status["result"], int)
    assert (
        portal.ok("crm.status.update", {"id": status["result"], "fields": {"NAME": "X"}})["result"]
        is True
    )
    assert portal.ok("crm.status.delete", {"id": status["result"]})["result"] is True
    assert portal.ok("crm.category.delete", {"entityTypeId": 2, "id": ident})["result"] is None
    deal = portal.ok(
        "crm.deal.add",
        {
            "FIELDS": {
                "TITLE": "New Deal #1",
                "CATEGORY_ID": 0,
                "STAGE_ID": "PREPARATION",
                "OPPORTUNITY": 1000000,
            }
        },
    )
    assert isinstance(deal["result"], int)
    request = example("A.29", kind="request") | {"ID": deal["result"]}
    assert portal.ok("crm.deal.update", request)["result"] is True
    item = portal.ok(
        "crm.item.update",
        {
            "entityTypeId": 2,
            "id": deal["result"],
            "fields": {"title": "REST Deal #1", "stageId": "NEW"},
        },
    )
    problems = shape_diff(item["result"], example("A.33")["result"])
    assert not problems, problems


def test_entity_types_match_example(portal: Portal) -> None:
    """A.21 (fixed trailing comma): STATUS, DEAL_STAGE and DEAL_STAGE_n rows."""
    theirs = {row["ID"]: row for row in example("A.21")["result"]}
    ours = {row["ID"]: row for row in portal.ok("crm.status.entity.types")["result"]}
    assert not shape_diff(ours["STATUS"], theirs["STATUS"], exact=True)
    assert not shape_diff(ours["DEAL_STAGE"], theirs["DEAL_STAGE"], exact=True)
    assert not shape_diff(ours["DEAL_STAGE_2"], theirs["DEAL_STAGE_1"], exact=True)
    assert ours["DEAL_STAGE_2"]["PREFIX"] == "C2"
    assert ours["DEAL_STAGE_2"]["SEMANTIC_INFO"]["FINAL_SUCCESS_FIELD"] == "C2:WON"


def test_errors_have_the_documented_envelope(portal: Portal) -> None:
    """A.3 shape; A.9/A.16/A.17/A.32 codes and statuses."""
    keys = set(example("A.3"))
    missing = portal.call("crm.category.get", {"entityTypeId": 2, "id": 999})
    assert missing.status_code == 400 and missing.json() == example("A.9", 1)
    spa = portal.call("crm.category.list", {"entityTypeId": 1152})
    assert spa.json() == example("A.8", 1)
    status = portal.call("crm.status.get", {"id": 99999})
    assert status.json() == example("A.16", 1)
    no_code = portal.call("crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE", "NAME": "x"}})
    assert no_code.json() == example("A.17", 1)
    bad_filter = portal.call("crm.item.list", {"entityTypeId": 2, "filter": {"FIELD": 1}})
    assert bad_filter.json() == example("A.32", 1)
    for response in (missing, spa, status, no_code, bad_filter):
        assert set(response.json()) == keys


def test_batch_matches_example(portal: Portal) -> None:
    """A.2 success envelope (result/result_error/... maps, outer time without operating)."""
    theirs = example("A.2", 0)
    ours = portal.ok(
        "batch",
        {
            "halt": 0,
            "cmd": {
                "get_user": "user.current",
                "get_department": "crm.status.entity.items?entityId=DEAL_STAGE",
            },
        },
    )
    assert set(ours["result"]) == set(theirs["result"])
    assert not shape_diff(
        ours["result"]["result"]["get_user"], theirs["result"]["result"]["get_user"]
    )
    assert ours["result"]["result_error"] == [] and ours["result"]["result_next"] == []
    assert set(ours["time"]) == set(theirs["time"])
    assert set(ours["result"]["result_time"]["get_user"]) >= set(
        theirs["result"]["result_time"]["get_user"]
    )
    numeric = portal.ok("batch", {"halt": 0, "cmd": {"205364": "user.current"}})
    assert isinstance(numeric["result"]["result"], dict)  # B.3: object for non-sequential keys
