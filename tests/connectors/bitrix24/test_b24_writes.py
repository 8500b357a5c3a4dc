"""Writes for apply over real HTTP: categories, stages, lead statuses, moves, refusals."""

from __future__ import annotations

import pytest

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.errors import ConnectorError
from funnelkit.model import Change, ChangeOp, Semantics
from tests.connectors.bitrix24.portal import build_state, running


def _change(op: ChangeOp, **kw: object) -> Change:
    return Change(op=op, funnel_key="f", **kw)


def test_category_and_stage_lifecycle() -> None:
    state = build_state(deals=30, leads=5)
    with running(state) as portal:
        c = portal.connector()
        made = c.apply_change(_change(ChangeOp.CREATE_FUNNEL, fields={"name": "NPS", "sort": 70}))
        fid = made.vendor_id
        assert fid is not None and state.funnels[fid].name == "NPS"
        assert made.created_ids["NEW"] == f"C{fid}:NEW"  # default stages of a new category
        stage = c.apply_change(_change(
            ChangeOp.CREATE_STAGE, funnel_id=fid, stage_key="ask",
            fields={"code": "ASK", "name": "Опрос", "sort": 25, "semantics": "process",
                    "color": "#00FF00"}))  # fmt: skip
        assert stage.vendor_id == f"C{fid}:ASK"
        assert state.stages[(fid, f"C{fid}:ASK")].color == "#00FF00"
        c.apply_change(_change(ChangeOp.UPDATE_STAGE, funnel_id=fid, stage_id=f"C{fid}:ASK",
                               fields={"name": "Опрос клиента"}))  # fmt: skip
        assert state.stages[(fid, f"C{fid}:ASK")].name == "Опрос клиента"
        with pytest.raises(ConnectorError, match="SEMANTICS"):
            c.apply_change(_change(ChangeOp.UPDATE_STAGE, funnel_id=fid, stage_id=f"C{fid}:ASK",
                                   fields={"semantics": "failure"}))  # fmt: skip
        order = [s.id for s in state.stages_of(fid)]
        order.remove(f"C{fid}:ASK")
        order.insert(0, f"C{fid}:ASK")
        c.apply_change(_change(ChangeOp.REORDER_STAGES, funnel_id=fid, fields={"order": order}))
        assert state.stages_of(fid)[0].id == f"C{fid}:ASK"
        c.apply_change(_change(ChangeOp.DELETE_STAGE, funnel_id=fid, stage_id=f"C{fid}:ASK"))
        assert (fid, f"C{fid}:ASK") not in state.stages
        c.apply_change(_change(ChangeOp.UPDATE_FUNNEL, funnel_id=fid, fields={"name": "NPS 2"}))
        assert state.funnels[fid].name == "NPS 2"
        c.apply_change(_change(ChangeOp.DELETE_FUNNEL, funnel_id=fid))
        assert fid not in state.funnels
        c.close()


def test_refusals_and_moves() -> None:
    state = build_state(deals=40, leads=5)
    with running(state) as portal:
        c = portal.connector()
        with pytest.raises(ConnectorError, match="cannot be deleted"):
            c.apply_change(_change(ChangeOp.DELETE_FUNNEL, funnel_id="0"))
        with pytest.raises(ConnectorError, match="Deals related"):
            c.apply_change(_change(ChangeOp.DELETE_FUNNEL, funnel_id="2"))
        with pytest.raises(ConnectorError, match="system stage"):
            c.apply_change(_change(ChangeOp.DELETE_STAGE, funnel_id="0", stage_id="NEW"))
        in_new = c.count_deals("0", "NEW")
        assert in_new == sum(
            1 for d in state.deals.values() if (d.funnel_id, d.stage_id) == ("0", "NEW")
        )
        moved = c.apply_change(_change(
            ChangeOp.MOVE_DEALS, funnel_id="0", stage_id="NEW", target_funnel_id="2",
            target_stage_id="C2:NEW"))  # fmt: skip
        assert moved.moved == in_new > 0
        assert c.count_deals("0", "NEW") == 0
        lead = c.apply_change(_change(
            ChangeOp.CREATE_STAGE, funnel_id="LEAD", stage_key="q",
            fields={"code": "QUALIFY", "name": "Квалификация", "sort": 15,
                    "semantics": Semantics.PROCESS.value}))  # fmt: skip
        assert lead.vendor_id == "QUALIFY"
        snap = c.pull(PullScope(), NullProgress())
        c.close()
    # crm.stagehistory.list keeps only the current category's stages (bitrix24.md): the
    # moved deals are in funnel 2 and show no funnel-0 row any more
    moved_ids = {d.id for d in snap.deals if d.funnel_id == "2" and d.stage_id == "C2:NEW"}
    assert len(moved_ids) >= in_new
    assert not any(t.deal_id in moved_ids and t.funnel_id == "0" for t in snap.transitions)
    assert any(s.id == "QUALIFY" and s.funnel_id == "LEAD" for s in snap.structure.stages)
