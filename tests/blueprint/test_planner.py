"""The planner on snapshots built in tests: vendor rules, matching, order, removals."""

from __future__ import annotations

from funnelkit.blueprint import parse_blueprint
from funnelkit.blueprint.library import load_bundled
from funnelkit.blueprint.plan import Plan
from funnelkit.blueprint.planner import PlanOptions, plan
from funnelkit.blueprint.state import PortalIds
from funnelkit.model import (
    Change,
    CreateFunnel,
    CreateStage,
    DeleteFunnel,
    DeleteStage,
    Funnel,
    MoveDeals,
    RenameStage,
    ReorderStages,
    Stage,
    StageChange,
    UpdateStage,
    Vendor,
)
from tests.blueprint.portal import (
    amo_pipeline,
    b24_category,
    deals_in,
    fresh_amo,
    fresh_b24,
    snapshot,
)

SALES = """\
name: t
funnels:
  - key: sales
    role: primary-sales
    names: {ru: Продажи}
    stages:
      - {key: new, names: {ru: Новая заявка}}
      - {key: offer, names: {ru: Отправлено КП}, previous_names: [КП отправлено]}
      - {key: paid, names: {ru: Оплачено}, semantics: success}
      - {key: lost, names: {ru: Отказ}, semantics: failure}
"""

BIG_HEAD = (
    "name: t\nfunnels:\n  - key: big\n    role: other\n    names: {ru: Большая}\n    stages:\n"
)


def sales_portal(
    *extra: Stage, sorts: tuple[int, int] = (10, 20)
) -> list[tuple[Funnel, list[Stage]]]:
    funnel = Funnel(id="3", name="Продажи", sort=10)
    stages = [
        Stage(funnel_id="3", id="C3:NEW", name="Новая заявка", sort=sorts[0], system=True),
        Stage(funnel_id="3", id="C3:OFFER", name="КП отправлено", sort=sorts[1]),
        Stage(
            funnel_id="3", id="C3:WON", name="Оплачено", sort=60, semantics="success", system=True
        ),
        Stage(funnel_id="3", id="C3:LOSE", name="Отказ", sort=70, semantics="failure", system=True),
        *extra,
    ]
    return [(funnel, stages)]


def binding_code(change: Change) -> str | None:
    """The vendor default code a change in a new funnel is bound to."""
    return change.reuse_code if isinstance(change, StageChange) else None


def stage_key(change: Change) -> str | None:
    return change.stage_key if isinstance(change, StageChange | CreateStage) else None


def stage_id(change: Change) -> str | None:
    return change.stage_id if isinstance(change, StageChange) else None


def ops(result: Plan) -> list[tuple[str, str | None]]:
    return [(c.op, stage_key(c)) for c in result.changes]


def test_main_funnel_never_relabels_a_default_funnel_of_another_name() -> None:
    result = plan(fresh_b24(), load_bundled("000"))
    primary = [c for c in result.changes if c.funnel_key == "primary-sales"]
    assert isinstance(primary[0], CreateFunnel)
    assert not any(c.funnel_id == "0" for c in result.changes)  # category 0 is not touched
    unmanaged = {(u.kind, u.id) for u in result.unmanaged}
    assert ("funnel", "0") in unmanaged
    assert not any(isinstance(c, DeleteFunnel) for c in result.changes)


def test_main_funnel_of_the_same_name_is_matched_by_name() -> None:
    text = SALES.replace("names: {ru: Продажи}", "names: {ru: Общая}\n    main: true", 1)
    snap = snapshot(Vendor.BITRIX24, [b24_category("0", "Общая", default=True)])
    result = plan(snap, parse_blueprint(text))
    assert not any(isinstance(c, CreateFunnel) for c in result.changes)
    # the default stages of another name stay as they are, reported; none is renamed
    assert not any(isinstance(c, RenameStage | UpdateStage) for c in result.changes)
    assert {u.id for u in result.unmanaged} >= {"NEW", "PREPARATION", "WON"}
    created = {c.name for c in result.changes if isinstance(c, CreateStage)}
    assert created == {"Новая заявка", "Отправлено КП", "Отказ"}  # one success stage: kept
    assert any("keeps its success stage" in w for w in result.warnings)


def test_new_category_reuses_its_default_stages() -> None:
    result = plan(fresh_b24(), load_bundled("000"))
    refusals = [c for c in result.changes if c.funnel_key == "refusals"]
    assert isinstance(refusals[0], CreateFunnel)
    reused = [binding_code(c) for c in refusals if isinstance(c, RenameStage)]
    assert reused[:2] == ["NEW", "PREPARATION"] and "WON" in reused and "LOSE" in reused
    deleted = [binding_code(c) for c in refusals if isinstance(c, DeleteStage)]
    assert deleted == ["APOLOGY"]  # system stages are never deleted
    created = [c for c in refusals if isinstance(c, CreateStage)]
    assert [c.code for c in created] == ["NOT_A_LEAD", "POSTPONED"]
    assert all(c.sort < 60 for c in created)  # before WON: bitrix24.md §6.3


def test_rename_by_previous_name_is_an_update_that_keeps_deals() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal(), deals_in("3", "C3:OFFER", 5))
    result = plan(snap, parse_blueprint(SALES))
    assert ops(result) == [("rename_stage", "offer")]
    change = result.changes[0]
    assert isinstance(change, RenameStage) and change.stage_id == "C3:OFFER"
    assert (change.name, change.old_name) == ("Отправлено КП", "КП отправлено")
    assert result.unsafe_changes() == []


def test_state_ids_win_over_names() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal())
    ids = PortalIds(funnels={"sales": "3"}, stages={"sales/new": "C3:OFFER"})
    result = plan(snap, parse_blueprint(SALES), options=PlanOptions(ids=ids))
    renamed = {c.stage_id: c.name for c in result.changes if isinstance(c, RenameStage)}
    assert renamed["C3:OFFER"] == "Новая заявка"


def test_order_not_sort_numbers() -> None:
    spaced = snapshot(Vendor.BITRIX24, sales_portal(sorts=(5, 45)))
    bp = parse_blueprint(SALES)
    assert [type(c) for c in plan(spaced, bp).changes] == [RenameStage]
    swapped = snapshot(Vendor.BITRIX24, sales_portal(sorts=(40, 20)))
    result = plan(swapped, bp)
    reorder = [c for c in result.changes if isinstance(c, ReorderStages)]
    assert len(reorder) == 1
    assert reorder[0].order[:2] == ("C3:NEW", "C3:OFFER")


def test_unmanaged_objects_are_reported_and_never_touched() -> None:
    extra = Stage(funnel_id="3", id="C3:THINK", name="Клиент думает", sort=30)
    parts = [*sales_portal(extra), b24_category("9", "Чужая")]
    result = plan(snapshot(Vendor.BITRIX24, parts), parse_blueprint(SALES))
    names = {(u.kind, u.name) for u in result.unmanaged}
    assert ("stage", "Клиент думает") in names and ("funnel", "Чужая") in names
    touched = {stage_id(c) for c in result.changes} | {c.funnel_id for c in result.changes}
    assert "C3:THINK" not in touched and "9" not in touched


def _absent(move: str | None) -> str:
    line = "      - {key: old, names: {ru: КП отправлено}, absent: true"
    line += f", move_deals_to: {move}}}\n" if move else "}\n"
    return SALES.replace(
        "      - {key: offer, names: {ru: Отправлено КП}, previous_names: [КП отправлено]}\n", line
    )


def test_removing_a_stage_with_deals_needs_move_deals_to() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal(), deals_in("3", "C3:OFFER", 3))
    refused = plan(snap, parse_blueprint(_absent(None)))
    assert refused.refusals and "holds 3 deals" in refused.refusals[0]
    assert not any(isinstance(c, DeleteStage) for c in refused.changes)
    moved = plan(snap, parse_blueprint(_absent("new")))
    assert ops(moved) == [("move_deals", "old"), ("delete_stage", "old")]
    move = moved.changes[0]
    assert isinstance(move, MoveDeals)
    assert (move.stage_id, move.target_stage_id, move.deal_count) == ("C3:OFFER", "C3:NEW", 3)
    assert all(c.unsafe_reason for c in moved.changes)


def test_removing_an_empty_stage_is_safe() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal())
    result = plan(snap, parse_blueprint(_absent(None)))
    assert ops(result) == [("delete_stage", "old")]
    assert result.unsafe_changes() == [] and result.refusals == ()


def test_semantics_change_is_create_move_delete_and_unsafe() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal(), deals_in("3", "C3:OFFER", 2))
    text = SALES.replace(
        "previous_names: [КП отправлено]}", "previous_names: [КП отправлено], semantics: failure}"
    )
    result = plan(snap, parse_blueprint(text))
    offer = [c for c in result.changes if stage_key(c) == "offer"]
    assert [type(c) for c in offer] == [CreateStage, MoveDeals, DeleteStage]
    create = offer[0]
    assert isinstance(create, CreateStage)
    assert create.semantics == "failure" and create.code == "OFFER_F"
    assert [c.unsafe_reason is not None for c in offer] == [
        False,
        True,
        True,
    ]


def test_amocrm_new_pipeline_carries_its_statuses_and_closing_names() -> None:
    result = plan(fresh_amo(), load_bundled("000"))
    create = next(c for c in result.changes if c.funnel_key == "refusals")
    assert isinstance(create, CreateFunnel)
    assert [s.name for s in create.stages][:2] == ["Дорого", "Нашел дешевле"]
    assert create.won_name == "Клиент вернулся"
    assert not [c for c in result.changes if c.funnel_key == "refusals" and stage_key(c)]


def test_amocrm_won_and_lost_are_not_renamed_later() -> None:
    snap = snapshot(
        Vendor.AMOCRM, [amo_pipeline("7", "Продажи", ["Новая заявка", "Отправлено КП"])]
    )
    result = plan(snap, parse_blueprint(SALES))
    assert not any(stage_id(c) in ("142", "143") for c in result.changes)
    assert any("142" in w or "won/lost" in w for w in result.warnings)
    assert not [u for u in result.unmanaged if u.name == "Неразобранное"]


def test_amocrm_colours_map_to_the_palette() -> None:
    snap = snapshot(
        Vendor.AMOCRM, [amo_pipeline("7", "Продажи", ["Новая заявка", "Отправлено КП"])]
    )
    text = SALES.replace(
        "{key: new, names: {ru: Новая заявка}}",
        "{key: new, names: {ru: Новая заявка}, colour: '#fffeb0'}",
    )
    result = plan(snap, parse_blueprint(text))
    change = next(c for c in result.changes if stage_key(c) == "new")
    assert isinstance(change, UpdateStage) and change.color == "#fffeb2"


def test_thresholds_need_force_beyond_30_percent() -> None:
    names = [f"Этап {i}" for i in range(12)]
    funnel = Funnel(id="5", name="Большая")
    stages = [Stage(funnel_id="5", id=f"C5:S{i}", name=n, sort=i * 10) for i, n in enumerate(names)]
    rows = "".join(
        f"      - {{key: s{i}, names: {{ru: Новый {i}}}, previous_names: ['{n}']}}\n"
        for i, n in enumerate(names)
    )
    text = BIG_HEAD + rows
    result = plan(snapshot(Vendor.BITRIX24, [(funnel, stages)]), parse_blueprint(text))
    assert result.threshold_problems and "12 of 12" in result.threshold_problems[0]


def test_plans_are_deterministic() -> None:
    first = plan(fresh_b24(), load_bundled("002"))
    second = plan(fresh_b24(), load_bundled("002"))
    assert first.checksum == second.checksum and len(first.checksum) == 64
    phases = [c.phase for c in first.changes]
    assert phases == sorted(phases)


def test_a_rename_of_a_stage_with_deals_shows_them_and_needs_a_declaration() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal(), deals_in("3", "C3:OFFER", 33))
    declared = plan(snap, parse_blueprint(SALES))
    renames = [c for c in declared.changes if isinstance(c, RenameStage)]
    assert [c.summary for c in renames] == [
        "rename stage «КП отправлено» → «Отправлено КП» (33 deals) in «Продажи»"
    ]
    assert renames[0].deal_count == 33
    # the same rename known only from the state's id is refused, even under --force
    silent = SALES.replace(", previous_names: [КП отправлено]", "")
    ids = PortalIds(funnels={"sales": "3"}, stages={"sales/offer": "C3:OFFER"})
    refused = plan(snap, parse_blueprint(silent), options=PlanOptions(ids=ids))
    assert refused.refusals and "holds 33 deals" in refused.refusals[0]
    assert "renamed_from: КП отправлено" in refused.refusals[0]
    # without the state, the old stage is simply not the blueprint's: a new one is created
    fresh = plan(snap, parse_blueprint(silent))
    assert ("create_stage", "offer") in ops(fresh)
    assert "КП отправлено" in [u.name for u in fresh.unmanaged]
