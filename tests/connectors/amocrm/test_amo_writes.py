"""Pipeline, status, loss-reason and lead-move writes against the amoCRM emulator."""

from __future__ import annotations

import pytest

from funnelkit.connectors.amocrm.mapping import PALETTE
from funnelkit.emulator.generate.messy import generate
from funnelkit.errors import ConnectorError, VendorApiError
from funnelkit.model import (
    CreateFunnel,
    CreateLossReason,
    CreateStage,
    DeleteFunnel,
    DeleteLossReason,
    DeleteStage,
    MergeStage,
    MoveDeals,
    NewStage,
    RenameStage,
    ReorderStages,
    Vendor,
)
from tests.connectors.amocrm.portal import running
from tests.lookup import busiest, deal_funnels, main_funnel, open_stages


def test_create_pipeline_and_statuses_then_reorder_rename_delete() -> None:
    state = generate(Vendor.AMOCRM, 20, 1)
    with running(state) as run:
        c = run.connector
        made = c.apply_change(
            CreateFunnel(
                funnel_key="f",
                name="Производство",
                sort=0,
                won_name="Сдано",
                stages=(NewStage(key="cut", name="Раскрой", sort=10, color="#ff0000"),),
            )
        )
        pid = made.vendor_id
        assert pid is not None and {"unsorted", "142", "143", "cut"} <= set(made.created_ids)
        second = c.apply_change(
            CreateStage(
                funnel_key="f",
                funnel_id=pid,
                stage_key="build",
                name="Сборка",
                sort=0,
                color="#99ccff",
            )
        )
        c.apply_change(
            ReorderStages(
                funnel_key="f",
                funnel_id=pid,
                order=(second.vendor_id, made.created_ids["cut"]),
                stage_keys=("build", "cut"),
            )
        )
        c.apply_change(
            RenameStage(
                funnel_key="f",
                funnel_id=pid,
                stage_id=second.vendor_id,
                name="Сборка изделия",
                old_name="Сборка",
            )
        )
        snap = c.pull_structure()
        stages = snap.structure.stages_of(pid)
        names = [s.name for s in stages]
        assert names == [
            "Неразобранное",
            "Сборка изделия",
            "Раскрой",
            "Сдано",
            "Закрыто и не реализовано",
        ]
        assert all(s.color in PALETTE for s in stages if not s.system)
        assert stages[1].color == "#98cbff"
        with pytest.raises(VendorApiError):
            c.apply_change(
                RenameStage(funnel_key="f", funnel_id=pid, stage_id="142", name="X", old_name="Y")
            )
        c.apply_change(DeleteStage(funnel_key="f", funnel_id=pid, stage_id=second.vendor_id))
        c.apply_change(DeleteFunnel(funnel_key="f", funnel_id=pid))
        after = c.pull_structure()
    assert after.structure.funnel(pid) is None


def test_lead_moves_counts_and_vendor_refusals() -> None:
    state = generate(Vendor.AMOCRM, 300, 1)
    sales = main_funnel(state).id
    first = open_stages(state, sales)[0]  # where amoCRM puts a deleted status's leads
    second = busiest(state, sales, skip=(first.id,))
    refusals = deal_funnels(state)[1].id
    parked = open_stages(state, refusals)[0].id
    with running(state) as run:
        c = run.connector
        in_first = c.count_deals(sales, first.id)
        assert in_first == sum(
            1 for d in state.deals.values() if (d.funnel_id, d.stage_id) == (sales, first.id)
        )
        result = c.apply_change(
            MoveDeals(
                funnel_key="sales",
                funnel_id=sales,
                stage_id=first.id,
                target_funnel_key="refusals",
                target_funnel_id=refusals,
                target_stage_key="r",
                target_stage_id=parked,
            )
        )
        assert result.moved == in_first > 0 and c.count_deals(sales, first.id) == 0
        # amocrm.md §5.9: deleting a status moves its leads to the first stage.
        holding = c.count_deals(sales, second.id)
        assert holding > 0
        c.apply_change(DeleteStage(funnel_key="sales", funnel_id=sales, stage_id=second.id))
        assert c.count_deals(sales, first.id) == holding
        with pytest.raises(ConnectorError) as caught:
            c.apply_change(DeleteFunnel(funnel_key="sales", funnel_id=sales))
        assert caught.value.exit_code == 3
        reason = c.apply_change(CreateLossReason(reason_key="money", name="Нет денег", sort=10))
        assert reason.vendor_id is not None
        names = {r.name for r in c.pull_structure().structure.loss_reasons}
        assert "Нет денег" in names
        c.apply_change(
            DeleteLossReason(reason_key="money", reason_id=reason.vendor_id, name="Нет денег")
        )
        assert "Нет денег" not in {r.name for r in c.pull_structure().structure.loss_reasons}
        merge = MergeStage(
            funnel_key="sales",
            funnel_id=sales,
            stage_id=first.id,
            target_funnel_key="sales",
            target_stage_key="x",
        )
        with pytest.raises(ConnectorError, match="not one amoCRM call"):
            c.apply_change(merge)  # the applier splits a merge; a connector never sees one
