"""Writes for apply over real HTTP: categories, stages, lead statuses, moves, refusals."""

from __future__ import annotations

import pytest

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.emulator.generate.messy import generate
from funnelkit.errors import ConnectorError
from funnelkit.model import (
    CreateFunnel,
    CreateLossReason,
    CreateStage,
    DeleteFunnel,
    DeleteStage,
    MoveDeals,
    RenameFunnel,
    RenameStage,
    ReorderStages,
    Semantics,
    UpdateStage,
    Vendor,
)
from tests.connectors.bitrix24.portal import running
from tests.lookup import deal_funnels, open_stages


def test_category_and_stage_lifecycle() -> None:
    state = generate(Vendor.BITRIX24, 35, 1)
    with running(state) as portal:
        c = portal.connector()
        made = c.apply_change(CreateFunnel(funnel_key="f", name="NPS", sort=70))
        fid = made.vendor_id
        assert fid is not None and state.funnels[fid].name == "NPS"
        assert made.created_ids["NEW"] == f"C{fid}:NEW"  # default stages of a new category
        stage = c.apply_change(
            CreateStage(
                funnel_key="f",
                funnel_id=fid,
                stage_key="ask",
                code="ASK",
                name="Опрос",
                sort=25,
                semantics=Semantics.PROCESS,
                color="#00FF00",
            )
        )
        assert stage.vendor_id == f"C{fid}:ASK"
        assert state.stages[(fid, f"C{fid}:ASK")].color == "#00FF00"
        ask = {"funnel_key": "f", "funnel_id": fid, "stage_id": f"C{fid}:ASK"}
        c.apply_change(RenameStage(**ask, name="Опрос клиента", old_name="Опрос"))
        assert state.stages[(fid, f"C{fid}:ASK")].name == "Опрос клиента"
        c.apply_change(UpdateStage(**ask, color="#0000FF", old_color="#00FF00"))
        assert state.stages[(fid, f"C{fid}:ASK")].color == "#0000FF"
        assert state.stages[(fid, f"C{fid}:ASK")].semantics is Semantics.PROCESS
        order = [s.id for s in state.stages_of(fid)]
        order.remove(f"C{fid}:ASK")
        order.insert(0, f"C{fid}:ASK")
        keys = tuple(f"s{i}" for i in range(len(order)))
        c.apply_change(
            ReorderStages(funnel_key="f", funnel_id=fid, order=tuple(order), stage_keys=keys)
        )
        assert state.stages_of(fid)[0].id == f"C{fid}:ASK"
        c.apply_change(DeleteStage(**ask))
        assert (fid, f"C{fid}:ASK") not in state.stages
        c.apply_change(RenameFunnel(funnel_key="f", funnel_id=fid, name="NPS 2", old_name="NPS"))
        assert state.funnels[fid].name == "NPS 2"
        c.apply_change(DeleteFunnel(funnel_key="f", funnel_id=fid))
        assert fid not in state.funnels
        c.close()


def test_refusals_and_moves() -> None:
    state = generate(Vendor.BITRIX24, 45, 1)
    # Category 0 and its NEW stage are the vendor's own (bitrix24.md §6.1); the other funnel
    # is whichever deal funnel holds deals, so that deleting it is refused.
    other = next(
        f.id
        for f in deal_funnels(state)[1:]
        if any(d.funnel_id == f.id for d in state.deals.values())
    )
    target = open_stages(state, other)[0].id
    with running(state) as portal:
        c = portal.connector()
        with pytest.raises(ConnectorError, match="cannot be deleted"):
            c.apply_change(DeleteFunnel(funnel_key="f", funnel_id="0"))
        with pytest.raises(ConnectorError, match="Deals related"):
            c.apply_change(DeleteFunnel(funnel_key="f", funnel_id=other))
        with pytest.raises(ConnectorError, match="system stage"):
            c.apply_change(DeleteStage(funnel_key="f", funnel_id="0", stage_id="NEW"))
        with pytest.raises(ConnectorError, match="not possible on Bitrix24"):
            c.apply_change(CreateLossReason(reason_key="r", name="Дорого", sort=10))
        in_new = c.count_deals("0", "NEW")
        assert in_new == sum(
            1 for d in state.deals.values() if (d.funnel_id, d.stage_id) == ("0", "NEW")
        )
        moved = c.apply_change(
            MoveDeals(
                funnel_key="f",
                funnel_id="0",
                stage_id="NEW",
                target_funnel_key="g",
                target_funnel_id=other,
                target_stage_key="new",
                target_stage_id=target,
            )
        )
        assert moved.moved == in_new > 0
        assert c.count_deals("0", "NEW") == 0
        lead = c.apply_change(
            CreateStage(
                funnel_key="f",
                funnel_id="LEAD",
                stage_key="q",
                code="QUALIFY",
                name="Квалификация",
                sort=15,
            )
        )
        assert lead.vendor_id == "QUALIFY"
        snap = c.pull(PullScope(), NullProgress())
        c.close()
    # crm.stagehistory.list keeps only the current category's stages (bitrix24.md): the
    # moved deals are in the other funnel and show no funnel-0 row any more
    moved_ids = {d.id for d in snap.deals if (d.funnel_id, d.stage_id) == (other, target)}
    assert len(moved_ids) >= in_new
    assert not any(t.deal_id in moved_ids and t.funnel_id == "0" for t in snap.transitions)
    assert any(s.id == "QUALIFY" and s.funnel_id == "LEAD" for s in snap.structure.stages)
