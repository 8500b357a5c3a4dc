"""Smart-process funnels in blueprints: export, plan, apply and drift against the emulator."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pydantic import ValidationError

from funnelkit.blueprint.applier import apply_plan
from funnelkit.blueprint.checks import check_blueprint
from funnelkit.blueprint.drift import drift_from_plan
from funnelkit.blueprint.export import export_blueprint
from funnelkit.blueprint.plan import Plan
from funnelkit.blueprint.planner import PlanOptions, plan
from funnelkit.blueprint.schema import Blueprint
from funnelkit.blueprint.state import PortalIds
from funnelkit.connectors.bitrix24.connector import Bitrix24Connector
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.state import PortalState
from funnelkit.errors import VendorApiError
from funnelkit.model import (
    CreateFunnel,
    DeleteStage,
    FunnelKind,
    MoveDeals,
    Snapshot,
    Vendor,
    spa_item_id,
)
from funnelkit.report.plan_text import plan_text
from funnelkit.yamlio import dump_yaml, parse_yaml
from tests.blueprint.portal import fresh_amo
from tests.connectors.bitrix24.portal import NOW, running

SERVICE = 1042  # «Сервисные заявки» of the generated portal (emulator/generate/spa.py)


@contextmanager
def portal(state: PortalState) -> Iterator[Bitrix24Connector]:
    with running(state) as served:
        connector = served.connector()
        try:
            yield connector
        finally:
            connector.close()


def _plan(connector: Bitrix24Connector, bp: Blueprint, ids: PortalIds) -> Plan:
    snap = connector.pull_structure()
    return plan(snap, bp, options=PlanOptions(ids=ids, count_deals=connector.count_deals))


def _exported(snap: Snapshot) -> dict[str, Any]:
    data = export_blueprint(snap, "portal")
    return parse_yaml(dump_yaml(data)).data  # type: ignore[no-any-return]


def _spa_doc(key: str, name: str, title: str = "Сервисные заявки") -> dict[str, Any]:
    return {
        "key": key,
        "kind": "spa",
        "process": {"title": title},
        "role": "production",
        "names": {"ru": name},
        "stages": [
            {"key": "new", "names": {"ru": "Заявка на выезд получена"}},
            {"key": "visit", "names": {"ru": "Выезд инженера назначен"}},
            {"key": "done", "names": {"ru": "Выезд выполнен"}, "semantics": "success"},
            {"key": "cancel", "names": {"ru": "Выезд отменён"}, "semantics": "failure"},
        ],
    }


def test_structure_pull_reads_smart_processes_and_export_plans_clean() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        snap = connector.pull_structure()
        assert {p.entity_type_id for p in snap.structure.smart_processes} == set(
            state.smart_processes
        )
        spa = {f.id for f in snap.structure.funnels if f.kind is FunnelKind.SPA}
        assert spa == {f.id for f in state.funnels.values() if f.kind is FunnelKind.SPA}
        assert {s.key for s in snap.structure.stages if s.funnel_id in spa} == {
            k for k in state.stages if k[0] in spa
        }
        data = _exported(snap)
        kinds = [f.get("kind") for f in data["funnels"]]
        assert kinds.count("spa") == len(spa)
        service = [f for f in data["funnels"] if f.get("process", {}).get("id") == str(SERVICE)]
        assert {f["process"]["title"] for f in service} == {"Сервисные заявки"}
        bp = Blueprint.model_validate(data)
        result = _plan(connector, bp, PortalIds())
        assert result.changes == () and result.unmanaged == () and result.refusals == ()


def test_exported_spa_funnels_match_by_process_title_on_another_portal() -> None:
    """On another portal the entityTypeId means nothing; the title finds the process."""
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        snap = connector.pull_structure()
        data = _exported(snap)
        data["exported_from"] = "bitrix24:elsewhere.bitrix24.ru"
        for funnel in data["funnels"]:
            if funnel.get("kind") == "spa":
                funnel["process"]["id"] = "4099"
        result = plan(snap, Blueprint.model_validate(data), options=PlanOptions())
        assert result.changes == () and result.unmanaged == ()


def test_a_new_spa_funnel_applies_and_plans_empty_after() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        data = _exported(connector.pull_structure())
        data["funnels"].append(_spa_doc("vyezd", "Выездной сервис"))
        bp = Blueprint.model_validate(data)
        ids = PortalIds()
        first = _plan(connector, bp, ids)
        created = [c for c in first.changes if isinstance(c, CreateFunnel)]
        assert [(c.funnel_kind, c.entity_type_id) for c in created] == [(FunnelKind.SPA, SERVICE)]
        assert "создать воронку «Выездной сервис» в смарт-процессе" in plan_text(first, "ru")
        apply_plan(first, connector, ids)
        new = [f for f in state.funnels.values() if f.name == "Выездной сервис"]
        assert len(new) == 1 and new[0].entity_type_id == SERVICE
        names = [s.name for s in state.stages_of(new[0].id)]
        assert names == [
            "Заявка на выезд получена",
            "Выезд инженера назначен",
            "Выезд выполнен",
            "Выезд отменён",
        ]
        assert all(s.id.startswith(f"{new[0].id}:") for s in state.stages_of(new[0].id))
        again = _plan(connector, bp, ids)
        assert again.changes == () and again.unmanaged == ()


def test_a_spa_stage_holding_items_is_never_deleted_without_a_home() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        data = _exported(connector.pull_structure())
        funnel = next(f for f in data["funnels"] if f.get("kind") == "spa")
        held = next(
            s
            for s in funnel["stages"]
            if s.get("semantics") is None
            and not s["id"].endswith(":NEW")  # a system stage: never deleted at all
            and any(i.stage_id == s["id"] for i in state.items.values())
        )
        held["absent"] = True
        result = _plan(connector, Blueprint.model_validate(data), PortalIds())
        assert not [c for c in result.changes if isinstance(c, DeleteStage)]
        assert any("holds" in r and held["names"]["ru"] in r for r in result.refusals)
        # With a home inside the same funnel, the items move first, then the stage goes.
        home = next(s["key"] for s in funnel["stages"] if s["key"] != held["key"])
        held["move_deals_to"] = home
        bp = Blueprint.model_validate(data)
        result = _plan(connector, bp, PortalIds())
        kinds = [type(c) for c in result.changes]
        assert kinds == [MoveDeals, DeleteStage]
        count = result.changes[0].deal_count
        assert count == sum(i.stage_id == held["id"] for i in state.items.values()) > 0
        apply_plan(result, connector, PortalIds())
        assert not any(i.stage_id == held["id"] for i in state.items.values())
        assert (funnel["id"], held["id"]) not in state.stages


def test_the_emulator_refuses_deleting_a_spa_stage_holding_items() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    item = next(i for i in state.items.values() if i.stage_id.endswith(":PREPARATION"))
    with portal(state) as connector:
        rows = connector.client.call(
            "crm.status.list", {"filter": {"ENTITY_ID": _entity(item.funnel_id)}}
        )["result"]
        row = next(r for r in rows if r["STATUS_ID"] == item.stage_id)
        with pytest.raises(VendorApiError, match="active items"):
            connector.client.call("crm.status.delete", {"id": int(row["ID"])})


def _entity(funnel_id: str) -> str:
    kind, _, category = funnel_id.removeprefix("DT").partition("_")
    return f"DYNAMIC_{kind}_STAGE_{category}"


def test_drift_reports_a_renamed_spa_stage() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        snap = connector.pull_structure()
        data = _exported(snap)
        funnel = next(f for f in data["funnels"] if f.get("kind") == "spa")
        stage = funnel["stages"][1]
        key = (funnel["id"], stage["id"])
        state.stages[key] = state.stages[key].model_copy(update={"name": "Переименовано"})
        report = drift_from_plan(_plan(connector, Blueprint.model_validate(data), PortalIds()))
        assert [i for i in report.items if "Переименовано" in i.detail]


def test_spa_funnels_need_a_known_process() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        data = _exported(connector.pull_structure())
        data["funnels"].append(_spa_doc("chuzhoy", "Чужой процесс", title="Нет такого"))
        result = _plan(connector, Blueprint.model_validate(data), PortalIds())
        assert result.changes == ()
        assert any("Нет такого" in w for w in result.warnings)
        assert "нет смарт-процесса «Нет такого»" in plan_text(result, "ru")


def test_schema_and_checks_keep_records_in_their_own_kind() -> None:
    base: dict[str, Any] = {"name": "x", "funnels": [_spa_doc("a", "А")]}
    Blueprint.model_validate(base)
    no_process = copy.deepcopy(base)
    del no_process["funnels"][0]["process"]
    with pytest.raises(ValidationError, match="process"):
        Blueprint.model_validate(no_process)
    deal_with_process = copy.deepcopy(base)
    deal_with_process["funnels"][0]["kind"] = "deal"
    with pytest.raises(ValidationError, match="process"):
        Blueprint.model_validate(deal_with_process)
    cross = copy.deepcopy(base)
    deal = {"key": "sales", "role": "primary-sales", "names": {"ru": "Продажи"},
            "stages": [{"key": "s1", "names": {"ru": "Первый"}}]}  # fmt: skip
    cross["funnels"].append(deal)
    cross["funnels"][0]["stages"][1]["absent"] = True
    cross["funnels"][0]["stages"][1]["move_deals_to"] = "sales/s1"
    problems = check_blueprint(Blueprint.model_validate(cross))
    assert any("same process" in message for _, message in problems)


def test_spa_item_moves_in_the_emulator_stay_in_their_process() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    item = next(i for i in state.items.values() if i.funnel_id.startswith(f"DT{SERVICE}_"))
    number = int(item.id.rsplit("_", 1)[1])
    assert spa_item_id(SERVICE, number) == item.id
    other = next(
        f for f in state.funnels.values() if f.entity_type_id == SERVICE and f.id != item.funnel_id
    )
    category = int(other.id.rsplit("_", 1)[1])
    with portal(state) as connector:
        answer = connector.client.call(
            "crm.item.update",
            {"entityTypeId": SERVICE, "id": number, "fields": {"categoryId": category}},
        )
    assert answer["result"]["item"]["categoryId"] == category
    assert state.items[item.id].funnel_id == other.id


def test_a_declared_rename_of_a_spa_funnel_applies() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        data = _exported(connector.pull_structure())
        funnel = next(f for f in data["funnels"] if f.get("process", {}).get("id") == "1038")
        old = funnel["names"]["ru"]
        del funnel["id"]
        funnel["names"] = {"ru": "Договоры с заказчиками"}
        funnel["renamed_from"] = [old]
        bp = Blueprint.model_validate(data)
        ids = PortalIds()
        apply_plan(_plan(connector, bp, ids), connector, ids)
        names = {f.name for f in state.funnels.values() if f.entity_type_id == 1038}
        assert names == {"Договоры с заказчиками"}
        assert _plan(connector, bp, ids).changes == ()


def test_amocrm_makes_a_spa_funnel_an_ordinary_pipeline() -> None:
    """As a lead funnel does (README, across vendors): nothing exported is silently dropped."""
    bp = Blueprint.model_validate({"name": "x", "funnels": [_spa_doc("vyezd", "Выезд")]})
    amo = plan(fresh_amo(), bp, options=PlanOptions())
    created = [c for c in amo.changes if isinstance(c, CreateFunnel)]
    assert [(c.name, c.funnel_kind) for c in created] == [("Выезд", FunnelKind.DEAL)]
    assert any("ordinary pipeline" in w for w in amo.warnings)
    assert "обычной воронкой" in plan_text(amo, "ru")


def test_no_funnel_is_planned_where_the_process_cannot_take_one() -> None:
    bp = Blueprint.model_validate({"name": "x", "funnels": [_spa_doc("vyezd", "Выезд")]})
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        snap = connector.pull_structure()
    off = tuple(
        p.model_copy(update={"categories_enabled": p.entity_type_id != SERVICE})
        for p in snap.structure.smart_processes
    )
    snap = dataclasses.replace(
        snap, structure=snap.structure.model_copy(update={"smart_processes": off})
    )
    result = plan(snap, bp, options=PlanOptions())
    assert not [c for c in result.changes if c.funnel_key == "vyezd"]
    assert any("switched off" in w for w in result.warnings)


def test_retyping_a_spa_stage_holding_items_moves_them_first() -> None:
    """SEMANTICS is fixed (bitrix24.md §6.3): create → move the items → delete, all unsafe."""
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    with portal(state) as connector:
        data = _exported(connector.pull_structure())
        funnel = next(f for f in data["funnels"] if f.get("process", {}).get("id") == "1038")
        stage = next(s for s in funnel["stages"] if s["id"].endswith(":CLIENT"))
        held = sum(i.stage_id == stage["id"] for i in state.items.values())
        assert held > 0
        stage["semantics"] = "failure"
        bp = Blueprint.model_validate(data)
        result = _plan(connector, bp, PortalIds())
        moves = [c for c in result.changes if isinstance(c, MoveDeals)]
        assert [(m.deal_count, bool(m.unsafe_reason)) for m in moves] == [(held, True)]
        apply_plan(result, connector, PortalIds())
        assert (funnel["id"], stage["id"]) not in state.stages
        retyped = [s for s in state.stages_of(funnel["id"]) if s.name == stage["names"]["ru"]]
        assert [s.semantics for s in retyped] == ["failure"]
        assert sum(i.stage_id == retyped[0].id for i in state.items.values()) == held
        assert _plan(connector, bp, PortalIds()).changes == ()
