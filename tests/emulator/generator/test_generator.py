"""The messy-portal generator: determinism, invariants, and an answer key naming every rule."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from funnelkit.emulator.fixture.load import dump_fixture, state_from_fixture
from funnelkit.emulator.generate.messy import answer_key, generate
from funnelkit.emulator.state import LEAD_FUNNEL_ID, PortalState
from funnelkit.model import (
    ActivityKind,
    FunnelKind,
    Semantics,
    StageTransition,
    TransitionKind,
    Vendor,
)

NOW = 1_767_225_600
CODES = [
    "FK101",
    "FK102",
    "FK103",
    "FK104",
    "FK105",
    "FK201",
    "FK202",
    "FK203",
    "FK204",
    "FK301",
    "FK302",
    "FK303",
    "FK401",
    "FK402",
    "FK403",
    "FK404",
    "FK405",
    "FK406",
    "FK501",
    "FK502",
]


@pytest.fixture(scope="module", params=[Vendor.BITRIX24, Vendor.AMOCRM])
def portal(request: pytest.FixtureRequest) -> PortalState:
    return generate(request.param, 1500, seed=11, now=NOW)


def test_every_rule_code_is_planted(portal: PortalState) -> None:
    key = answer_key(portal)
    assert {row["code"] for row in key} == set(CODES)
    assert json.loads(json.dumps(key)) == key
    assert key == sorted(key, key=lambda r: (r["code"], r["entity"], r["entity_id"]))


def test_deterministic_by_seed() -> None:
    a = generate(Vendor.AMOCRM, 400, seed=5, now=NOW)
    b = generate(Vendor.AMOCRM, 400, seed=5, now=NOW)
    c = generate(Vendor.AMOCRM, 400, seed=6, now=NOW)
    for table in ("deals", "transitions", "activities", "contacts", "stages", "planted"):
        assert getattr(a, table) == getattr(b, table), table
    assert a.transitions != c.transitions


def test_exact_deal_count(portal: PortalState) -> None:
    assert len(portal.deals) == 1500
    assert len(portal.transitions) > 3 * len(portal.deals)


def test_transitions_sorted_by_id_and_time(portal: PortalState) -> None:
    ids = [int(t.id) for t in portal.transitions]
    assert ids == list(range(1, len(ids) + 1))
    ats = [t.at for t in portal.transitions]
    assert ats == sorted(ats)
    assert max(ats) <= portal.now


def test_current_stage_is_last_transition(portal: PortalState) -> None:
    last: dict[str, StageTransition] = {}
    first: dict[str, StageTransition] = {}
    for t in portal.transitions:
        last[t.deal_id] = t
        first.setdefault(t.deal_id, t)
    assert set(last) == set(portal.deals)
    for deal in portal.deals.values():
        row = last[deal.id]
        assert (row.funnel_id, row.to_stage_id) == (deal.funnel_id, deal.stage_id)
        assert first[deal.id].kind == TransitionKind.CREATED
        assert first[deal.id].at == deal.created_at
        stage = portal.stages[(deal.funnel_id, deal.stage_id)]
        assert deal.closed == (stage.semantics != Semantics.PROCESS)
        assert (deal.closed_at is not None) == deal.closed


def test_every_stage_belongs_to_its_funnel(portal: PortalState) -> None:
    for (funnel_id, stage_id), stage in portal.stages.items():
        assert funnel_id in portal.funnels and stage.funnel_id == funnel_id
        assert stage.id == stage_id
    for t in portal.transitions:
        assert (t.funnel_id, t.to_stage_id) in portal.stages
        if t.from_stage_id is not None:
            assert (t.from_funnel_id, t.from_stage_id) in portal.stages
    for funnel_id in portal.funnels:
        sems = Counter(s.semantics for s in portal.stages_of(funnel_id))
        assert sems[Semantics.SUCCESS] == 1 and sems[Semantics.FAILURE] >= 1


def test_deals_in_id_order_and_references_resolve(portal: PortalState) -> None:
    numbers = [int(d.id.lstrip("L")) for d in portal.deals.values()]
    leads = [d.entity == "lead" for d in portal.deals.values()]
    assert leads == sorted(leads)  # deals first, then Bitrix24 leads
    deals_only = [n for n, lead in zip(numbers, leads, strict=True) if not lead]
    assert deals_only == sorted(deals_only)
    for deal in portal.deals.values():
        assert deal.responsible_id in portal.users
        assert all(c in portal.contacts for c in deal.contact_ids)
        assert deal.company_id is None or deal.company_id in portal.companies
        assert deal.loss_reason_id is None or deal.loss_reason_id in portal.loss_reasons
    tasks = [a for a in portal.activities if a.kind == ActivityKind.TASK]
    assert tasks and all(a.id.startswith("T") for a in tasks)
    assert {d.task_id for d in portal.deadline_changes} <= {a.id for a in tasks}


def test_bitrix24_conventions() -> None:
    portal = generate(Vendor.BITRIX24, 600, seed=2, now=NOW)
    assert portal.funnels["0"].is_default
    assert portal.funnels[LEAD_FUNNEL_ID].kind == FunnelKind.LEAD
    for funnel_id, stage_id in portal.stages:
        if portal.funnels[funnel_id].kind is FunnelKind.SPA:  # DT{type}_{category}:CODE
            assert stage_id.startswith(f"{funnel_id}:")
        elif funnel_id not in ("0", LEAD_FUNNEL_ID):
            assert stage_id.startswith(f"C{funnel_id}:")
    leads = [d for d in portal.deals.values() if d.funnel_id == LEAD_FUNNEL_ID]
    assert leads and all(re.fullmatch(r"L\d+", d.id) and d.entity == "lead" for d in leads)
    assert all(t.by is None for t in portal.transitions)  # Bitrix24 history has no author
    assert not portal.responsible_changes
    handed = [d for d in portal.deals.values() if d.creator_id != d.responsible_id]
    assert handed  # FK405 on Bitrix24: creator ≠ responsible for late-stage deals


def test_amocrm_conventions() -> None:
    portal = generate(Vendor.AMOCRM, 600, seed=2, now=NOW)
    for funnel_id in portal.funnels:
        stages = portal.stages_of(funnel_id)
        assert funnel_id.isdigit()
        assert stages[0].extras.get("type") == "1"  # unsorted first
        assert [s.id for s in stages[-2:]] == ["142", "143"]
    assert portal.loss_reasons
    assert portal.responsible_changes
    assert any(t.by for t in portal.transitions)
    lost = [d for d in portal.deals.values() if d.stage_id == "143"]
    assert any(d.loss_reason_id for d in lost) and any(d.loss_reason_id is None for d in lost)


def test_planted_deals_look_the_part() -> None:
    portal = generate(Vendor.AMOCRM, 1000, seed=4, now=NOW)
    key = answer_key(portal)
    history: dict[str, list[str]] = {}
    for t in portal.transitions:
        history.setdefault(t.deal_id, []).append(t.to_stage_id)
    year = 365 * 86_400
    for row in key:
        deal = portal.deals.get(row["entity_id"]) if row["entity"] == "deal" else None
        if row["code"] == "FK201" and deal:
            assert not deal.closed and deal.modified_at is not None
            assert portal.now - deal.modified_at > year
        if row["code"] == "FK202" and deal:
            assert deal.stage_id == "142" and len(history[deal.id]) <= 3
        if row["code"] == "FK203" and deal:
            assert deal.stage_id == "143" and deal.loss_reason_id is None
    stuck = {r["entity_id"] for r in key if r["code"] == "FK201"}
    for deal in portal.deals.values():  # nothing else is open that long
        if not deal.closed and deal.id not in stuck:
            assert portal.now - (deal.modified_at or 0) < year


@pytest.mark.parametrize("vendor", list(Vendor))
def test_generated_portal_round_trips_through_a_fixture(vendor: Vendor) -> None:
    portal = generate(vendor, 300, seed=9, now=NOW)
    again = state_from_fixture(dump_fixture(portal))
    for table in [
        "users",
        "funnels",
        "stages",
        "loss_reasons",
        "custom_fields",
        "tunnels",
        "deals",
        "transitions",
        "responsible_changes",
        "activities",
        "deadline_changes",
        "contacts",
        "companies",
    ]:
        assert getattr(again, table) == getattr(portal, table), table


@pytest.mark.parametrize("vendor", list(Vendor))
@pytest.mark.parametrize("deals", [1, 30, 120])
@pytest.mark.parametrize("seed", [0, 9])
def test_small_portals_still_plant_every_code(vendor: Vendor, deals: int, seed: int) -> None:
    portal = generate(vendor, deals, seed=seed, now=NOW)
    assert {row["code"] for row in answer_key(portal)} == set(CODES)
    if deals >= 100:
        assert len(portal.deals) == deals


def test_negative_seed_and_vendor_text() -> None:
    portal = generate("bitrix24", 120, seed=-3, now=NOW)  # type: ignore[arg-type]
    assert portal.vendor == Vendor.BITRIX24 and len(portal.deals) == 120
