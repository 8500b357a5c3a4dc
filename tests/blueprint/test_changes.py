"""Typed changes: one class per kind, one fixed apply order, and a lossless plan JSON."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest

from funnelkit.blueprint import parse_blueprint
from funnelkit.blueprint.applier import apply_plan
from funnelkit.blueprint.plan import Plan, load_plan
from funnelkit.blueprint.planner import plan
from funnelkit.blueprint.state import PortalIds
from funnelkit.errors import InputError
from funnelkit.model import (
    APPLY_ORDER,
    Change,
    ChangeResult,
    CreateFunnel,
    CreateLossReason,
    CreateStage,
    DeleteFunnel,
    DeleteLossReason,
    DeleteStage,
    FunnelKind,
    MergeStage,
    MoveDeals,
    NewStage,
    RenameFunnel,
    RenameStage,
    ReorderStages,
    Semantics,
    Stage,
    UpdateStage,
    Vendor,
    phase_of,
)
from tests.blueprint.portal import deals_in, snapshot
from tests.blueprint.test_planner import sales_portal

# Every kind of change, each field away from its default, so a lost field shows.
WHERE = {"funnel_key": "sales", "funnel_id": "3", "deal_count": 4, "summary": "s"}
STAGE = {**WHERE, "stage_key": "offer", "stage_id": "C3:OFFER", "reuse_code": "NEW"}
TARGET = {
    "target_funnel_key": "refusals",
    "target_funnel_id": "5",
    "target_stage_key": "price",
    "target_stage_id": "C5:PRICE",
}
EXAMPLES: tuple[Change, ...] = (
    CreateFunnel(
        **WHERE,
        name="Продажи",
        sort=20,
        funnel_kind=FunnelKind.LEAD,
        stages=(NewStage(key="a", name="А", sort=10, semantics=Semantics.PROCESS, color="#fff"),),
        won_name="Успех",
        lost_name="Отказ",
        closing_stage_keys={"142": "won", "143": "lost"},
        unsafe_reason="u",
    ),
    CreateStage(
        **WHERE,
        stage_key="offer",
        name="КП",
        sort=30,
        semantics=Semantics.FAILURE,
        color="#abc",
        code="OFFER",
    ),
    RenameFunnel(**WHERE, name="Новое", old_name="Старое"),
    RenameStage(**STAGE, name="Отправлено КП", old_name="КП отправлено", unsafe_reason="u"),
    UpdateStage(**STAGE, color="#ff0000", old_color="#00ff00"),
    ReorderStages(
        **WHERE, order=("C3:NEW", None), stage_keys=("new", "offer"), reuse_codes=(None, "NEW")
    ),
    CreateLossReason(reason_key="price", name="Дорого", sort=10, summary="s"),
    MoveDeals(**STAGE, **TARGET, unsafe_reason="u"),
    MergeStage(**STAGE, **TARGET, unsafe_reason="u"),
    DeleteStage(**STAGE, replaces_old=True, unsafe_reason="u"),
    DeleteLossReason(reason_key="old", reason_id="17", name="Старая", summary="s"),
    DeleteFunnel(**WHERE, unsafe_reason="u"),
)


def _union_members() -> set[type]:
    union = typing.get_args(Change)[0]
    return set(typing.get_args(union))


def test_every_change_class_has_one_place_in_the_apply_order() -> None:
    ordered = [cls for row in APPLY_ORDER for cls in row]
    assert len(ordered) == len(set(ordered))
    assert set(ordered) == _union_members() == {type(c) for c in EXAMPLES}


def test_creates_run_before_moves_and_moves_before_deletes() -> None:
    phase = phase_of
    assert phase(CreateFunnel) < phase(CreateStage) < phase(RenameStage) < phase(ReorderStages)
    assert phase(RenameStage) == phase(UpdateStage) == phase(RenameFunnel)
    assert phase(CreateLossReason) < phase(MoveDeals) < phase(MergeStage) < phase(DeleteStage)
    assert phase(DeleteStage) == phase(DeleteLossReason) < phase(DeleteFunnel)
    creates = [phase(c) for c in (CreateFunnel, CreateStage, CreateLossReason)]
    deletes = [phase(c) for c in (MergeStage, DeleteStage, DeleteLossReason, DeleteFunnel)]
    assert max(creates) < phase(MoveDeals) < min(deletes)


def test_each_change_class_round_trips_through_the_plan_json(tmp_path: Path) -> None:
    saved = Plan(blueprint="t", vendor=Vendor.AMOCRM, domain="x.kommo.com", changes=EXAMPLES)
    path = tmp_path / "plan.json"
    saved.with_checksum().save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [c["op"] for c in data["changes"]] == [c.op for c in EXAMPLES]
    for row in data["changes"]:
        assert "fields" not in row and not any(k.startswith("_") for k in row), row
    loaded = load_plan(path)
    assert loaded.changes == EXAMPLES
    assert [type(c) for c in loaded.changes] == [type(c) for c in EXAMPLES]
    assert data["counts"] == {"create": 3, "update": 3, "reorder": 1, "move": 1, "delete": 4}


BP = """\
name: t
funnels:
  - key: sales
    role: primary-sales
    names: {ru: Продажи}
    stages:
      - {key: new, names: {ru: Новая заявка}}
      - {key: offer, names: {ru: Отправлено КП}, renamed_from: [КП отправлено]}
      - {key: meet, names: {ru: Встреча назначена}}
      - {key: think, names: {ru: Клиент думает}, merge_into: offer}
      - {key: old, names: {ru: Старый этап}, absent: true, move_deals_to: new}
      - {key: paid, names: {ru: Оплачено}, semantics: success}
      - {key: lost, names: {ru: Отказ}, semantics: failure}
"""


def _messy_plan() -> Plan:
    think = Stage(funnel_id="3", id="C3:THINK", name="Клиент думает", sort=30)
    old = Stage(funnel_id="3", id="C3:OLD", name="Старый этап", sort=40)
    deals = [*deals_in("3", "C3:THINK", 2), *deals_in("3", "C3:OLD", 3, start=10)]
    return plan(snapshot(Vendor.BITRIX24, sales_portal(think, old), deals), parse_blueprint(BP))


def test_a_plan_lists_creates_then_renames_then_moves_then_merges_then_deletes() -> None:
    result = _messy_plan()
    assert [type(c) for c in result.changes] == [
        CreateStage,
        RenameStage,
        MoveDeals,
        MergeStage,
        DeleteStage,
    ]
    assert [c.phase for c in result.changes] == sorted(c.phase for c in result.changes)
    merge = result.changes[3]
    assert isinstance(merge, MergeStage) and merge.deal_count == 2
    assert (merge.stage_id, merge.target_stage_id) == ("C3:THINK", "C3:OFFER")


class Recorder:
    """A connector that only notes what it was asked to do, in order."""

    vendor = Vendor.BITRIX24

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def apply_change(self, change: Change) -> ChangeResult:
        stage = getattr(change, "stage_id", None)
        self.calls.append((change.op, stage))
        return ChangeResult(vendor_id=stage or "new-id")


def test_apply_moves_a_merged_stages_deals_before_deleting_it() -> None:
    recorder = Recorder()
    apply_plan(_messy_plan(), recorder, PortalIds())  # type: ignore[arg-type]
    assert recorder.calls == [
        ("create_stage", None),
        ("rename_stage", "C3:OFFER"),
        ("move_deals", "C3:OLD"),
        ("move_deals", "C3:THINK"),  # the merge: its move first …
        ("delete_stage", "C3:THINK"),  # … then its delete
        ("delete_stage", "C3:OLD"),
    ]


def test_an_empty_merged_stage_is_only_deleted() -> None:
    empty = MergeStage(**{**STAGE, "deal_count": 0}, **TARGET)
    assert [s.op for s in empty.steps()] == ["delete_stage"]
    unknown = MergeStage(**{**STAGE, "deal_count": None}, **TARGET)
    assert [s.op for s in unknown.steps()] == ["move_deals", "delete_stage"]


def test_a_plan_file_with_an_unknown_change_names_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    Plan(blueprint="t", vendor=Vendor.AMOCRM, domain="x", changes=EXAMPLES).with_checksum().save(
        path
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    data["changes"][1] = {"op": "update_stage", "funnel_key": "sales", "fields": {"name": "X"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"first: changes\.1\.update_stage") as caught:
        load_plan(path)
    assert caught.value.hint is not None and "--save-plan" in caught.value.hint
