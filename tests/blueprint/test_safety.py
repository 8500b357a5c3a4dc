"""Safety: refusals, --force, thresholds, saved plans and their checksum binding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funnelkit.blueprint import parse_blueprint
from funnelkit.blueprint.library import load_bundled
from funnelkit.blueprint.plan import check_binding, load_plan
from funnelkit.blueprint.planner import PlanOptions, plan
from funnelkit.errors import InputError, PlanMismatchError, UnsafePlanError
from funnelkit.model import Vendor
from funnelkit.model.changes import Thresholds
from tests.blueprint.portal import deals_in, fresh_b24, snapshot
from tests.blueprint.test_planner import _absent, sales_portal

BIG_HEAD = (
    "name: t\nfunnels:\n  - key: big\n    role: other\n    names: {ru: Большая}\n    stages:\n"
)


def test_refusal_is_not_overridden_by_force() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal(), deals_in("3", "C3:OFFER", 3))
    result = plan(snap, parse_blueprint(_absent(None)))
    for force in (False, True):
        with pytest.raises(UnsafePlanError) as info:
            result.raise_if_unsafe(force)
        assert info.value.exit_code == 4 and "move_deals_to" in str(info.value.hint)


def test_move_and_delete_need_force() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal(), deals_in("3", "C3:OFFER", 3))
    result = plan(snap, parse_blueprint(_absent("new")))
    with pytest.raises(UnsafePlanError, match="--force"):
        result.raise_if_unsafe(False)
    result.raise_if_unsafe(True)


def test_unknown_deal_count_is_treated_as_deals() -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal(), with_deals=False)
    result = plan(snap, parse_blueprint(_absent(None)))
    assert "unknown number" in result.refusals[0]
    counted = plan(
        snap, parse_blueprint(_absent(None)), options=PlanOptions(count_deals=lambda f, s: 0)
    )
    assert counted.refusals == () and counted.changes[0].op == "delete_stage"


def prefix(i: int) -> str:
    return "Новый " if i < 4 else ""


def test_thresholds_are_configurable() -> None:
    names = [f"Этап {i}" for i in range(10)]
    from funnelkit.model import Funnel, Stage

    funnel = Funnel(id="5", name="Большая")
    stages = [Stage(funnel_id="5", id=f"C5:S{i}", name=n, sort=i) for i, n in enumerate(names)]
    rows = "".join(
        f"      - {{key: s{i}, names: {{ru: {prefix(i)}{n}}}, previous_names: ['{n}']}}\n"
        for i, n in enumerate(names)
    )
    text = BIG_HEAD + rows
    snap = snapshot(Vendor.BITRIX24, [(funnel, stages)])
    strict = plan(snap, parse_blueprint(text))
    assert strict.threshold_problems  # 4 of 10 > 30 %
    with pytest.raises(UnsafePlanError):
        strict.raise_if_unsafe(False)
    strict.raise_if_unsafe(True)
    lenient = plan(
        snap, parse_blueprint(text), options=PlanOptions(thresholds=Thresholds(update_pct=0.5))
    )
    assert lenient.threshold_problems == ()
    lenient.raise_if_unsafe(False)


def test_saved_plan_round_trips_and_binds(tmp_path: Path) -> None:
    result = plan(fresh_b24(), load_bundled("000"))
    path = tmp_path / "plan.json"
    result.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "funnelkit.plan/1" and data["counts"]["create"] > 0
    loaded = load_plan(path)
    assert loaded == result
    check_binding(loaded, plan(fresh_b24(), load_bundled("000")))
    changed = plan(fresh_b24(deals_in("0", "NEW", 1)), load_bundled("003"))
    with pytest.raises(PlanMismatchError) as info:
        check_binding(loaded, changed)
    assert info.value.exit_code == 4


def test_edited_plan_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    plan(fresh_b24(), load_bundled("000")).save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["changes"][0]["name"] = "Другое"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="checksum"):
        load_plan(path)
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="not a funnelkit plan"):
        load_plan(path)
