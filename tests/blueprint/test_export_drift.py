"""Export of messy portals, drift categories and accepted drift, tunnel verification, state."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnelkit.blueprint import parse_blueprint
from funnelkit.blueprint.checks import check_blueprint
from funnelkit.blueprint.drift import drift, parse_drift_ignores
from funnelkit.blueprint.export import export_blueprint, slug, split_blueprint
from funnelkit.blueprint.library import load_bundled
from funnelkit.blueprint.planner import PlanOptions, plan
from funnelkit.blueprint.schema import Blueprint
from funnelkit.blueprint.state import StateFile, load_state, portal_ids, save_state, state_path
from funnelkit.blueprint.tunnels import Ends, verify_tunnel
from funnelkit.errors import ConfigError, InputError
from funnelkit.model import (
    CreateLossReason,
    DataSet,
    DataState,
    DataStatus,
    Deal,
    DeleteLossReason,
    Funnel,
    Snapshot,
    Stage,
    StageTransition,
    TunnelMode,
    Vendor,
)
from funnelkit.yamlio import dump_yaml, parse_yaml
from tests.blueprint.portal import amo_pipeline, b24_category, fresh_b24, snapshot
from tests.blueprint.test_planner import SALES, sales_portal


def messy_b24() -> list[tuple[Funnel, list[Stage]]]:
    funnel, stages = b24_category("4", "Продажи 2024!")
    stages.append(Stage(funnel_id="4", id="C4:X1", name="Клиент думает", sort=51))
    stages.append(Stage(funnel_id="4", id="C4:X2", name="Клиент думает", sort=52))
    return [b24_category("0", "Общее", default=True), (funnel, stages)]


@pytest.mark.parametrize(
    "parts",
    [messy_b24(), [amo_pipeline("7", "Воронка", ["Новая", "Новая", "КП"], main=True)]],
)
def test_export_is_valid_deterministic_and_plans_empty(
    parts: list[tuple[Funnel, list[Stage]]],
) -> None:
    vendor = Vendor.BITRIX24 if parts[0][0].id == "0" else Vendor.AMOCRM
    snap = snapshot(vendor, parts)
    data = export_blueprint(snap, "Клиент")
    again = export_blueprint(snap, "Клиент")
    assert dump_yaml(data) == dump_yaml(again)
    bp = Blueprint.model_validate(parse_yaml(dump_yaml(data)).data)
    assert check_blueprint(bp) == []
    # the exported `id:`s pin the objects without any state
    result = plan(snap, bp, options=PlanOptions())
    assert result.changes == () and result.refusals == ()
    # a portal's second stage of the same name is left out of the blueprint: unmanaged
    assert [u.name for u in result.unmanaged] in ([], ["Клиент думает"], ["Новая"])
    assert len(split_blueprint(data)) == len(parts)


def test_slugs_transliterate() -> None:
    assert slug("Отложенный спрос", "s") == "otlozhennyy-spros"
    assert slug("Підігрів", "s") == "pidigriv"
    assert slug("2024", "funnel") == "funnel-2024"


def test_drift_categories_and_accepted_drift() -> None:
    parts = [*sales_portal(Stage(funnel_id="3", id="C3:T", name="Клиент думает", sort=30))]
    snap = snapshot(Vendor.BITRIX24, parts)
    text = SALES.replace("{key: new, names: {ru: Новая заявка}}", "{key: new, names: {ru: Заявка}}")
    text += "  - key: base\n    role: client-base\n    names: {ru: База}\n    stages:\n"
    text += "      - {key: a, names: {ru: Активный}}\n"
    report = drift(snap, parse_blueprint(text))
    categories = sorted(i.category for i in report.items)
    # «Новая заявка» lost its name match: a new stage is missing, the old one unmanaged
    assert categories == ["changed", "missing", "missing", "unmanaged", "unmanaged"]
    assert not report.in_sync
    assert sorted(i.category for i in report.drifted) == ["changed", "missing", "missing"]
    strict = drift(snap, parse_blueprint(text), fail_on_unmanaged=True)
    assert len(strict.drifted) == 5
    ignores = parse_drift_ignores(
        [
            {"category": "unmanaged", "funnel": "Прод*", "stage": "Клиент*", "reason": "known"},
            {"funnel": "*", "reason": "old", "expires": "2020-01-01"},
        ]
    )
    accepted = drift(snap, parse_blueprint(text), ignores=ignores, fail_on_unmanaged=True)
    drifted = sorted(i.category for i in accepted.drifted)
    assert drifted == ["changed", "missing", "missing", "unmanaged"]
    assert [i.stage for i in accepted.items if i.accepted == "known"] == ["Клиент думает"]
    with pytest.raises(ConfigError, match="reason"):
        parse_drift_ignores([{"funnel": "*"}])


def test_in_sync_portal() -> None:
    text = SALES.replace("[КП отправлено]", "[]").replace("Отправлено КП", "КП отправлено")
    report = drift(snapshot(Vendor.BITRIX24, sales_portal()), parse_blueprint(text))
    assert report.in_sync and report.items == ()
    assert '"in_sync": true' in report.to_json()


def _history(snap_deals: list[Deal], rows: list[StageTransition]) -> Snapshot:
    base = snapshot(Vendor.BITRIX24, [b24_category("1", "A"), b24_category("2", "B")], snap_deals)
    data = dict(base.manifest.data)
    data[DataSet.STAGE_HISTORY] = DataStatus(state=DataState.PULLED)
    manifest = base.manifest.model_copy(update={"data": data})
    from dataclasses import replace

    return replace(base, manifest=manifest, transitions=tuple(rows))


def test_move_tunnel_verified_by_funnel_change_history() -> None:
    ends: Ends = ("1", ["C1:WON"], "2", "C2:NEW")
    empty = _history([], [])
    assert verify_tunnel(empty, ends, TunnelMode.MOVE)[0] == "pending"
    moved = StageTransition(
        id="1", deal_id="9", funnel_id="2", to_stage_id="C2:NEW", at=5, from_funnel_id="1"
    )
    assert verify_tunnel(_history([], [moved]), ends, TunnelMode.MOVE)[0] == "verified"
    no_history = snapshot(Vendor.BITRIX24, [b24_category("1", "A")])
    assert verify_tunnel(no_history, ends, TunnelMode.MOVE)[0] == "unverifiable"


def test_copy_tunnel_verified_by_a_deal_for_the_same_contact() -> None:
    ends: Ends = ("1", ["C1:WON"], "2", "C2:NEW")
    source = Deal(id="1", funnel_id="1", stage_id="C1:WON", created_at=0, contact_ids=("c1",))
    reached = StageTransition(id="1", deal_id="1", funnel_id="1", to_stage_id="C1:WON", at=10)
    copy = Deal(id="2", funnel_id="2", stage_id="C2:NEW", created_at=11, contact_ids=("c1",))
    stranger = Deal(id="3", funnel_id="2", stage_id="C2:NEW", created_at=11, contact_ids=("c9",))
    alone = _history([source, stranger], [reached])
    assert verify_tunnel(alone, ends, TunnelMode.COPY)[0] == "pending"
    copied = _history([source, copy], [reached])
    assert verify_tunnel(copied, ends, TunnelMode.COPY)[0] == "verified"


def test_state_file_is_per_portal_identity_and_ids_are_rechecked(tmp_path: Path) -> None:
    snap = snapshot(Vendor.BITRIX24, sales_portal())
    path = state_path(tmp_path, "bitrix24:a.example")
    assert path.name == "bitrix24_a.example.json"
    assert load_state(path) == StateFile()
    state = StateFile(portal="bitrix24:a.example")
    state.ids("acme").funnels.update({"sales": "3", "gone": "99"})
    state.ids("acme").stages.update({"sales/offer": "C3:OFFER", "sales/old": "C3:NOPE"})
    save_state(state, path)
    assert load_state(path).ids("acme").funnels == {"sales": "3", "gone": "99"}
    # read back for a plan, only what the portal still has is trusted
    key_file = state_path(tmp_path, f"bitrix24:{snap.manifest.domain}")
    save_state(state, key_file)
    ids = portal_ids(tmp_path, snap, "acme")
    assert ids.funnels == {"sales": "3"} and ids.stages == {"sales/offer": "C3:OFFER"}
    assert portal_ids(tmp_path, snap, "other").funnels == {}
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(InputError, match="not a funnelkit state file"):
        load_state(path)


def test_bundled_plans_on_a_fresh_portal_need_no_force() -> None:
    for name in ("000", "002", "003", "004"):
        result = plan(fresh_b24(), load_bundled(name))
        result.raise_if_unsafe(False)
        assert result.refusals == ()


def test_snapshot_file_plans_and_counts_deals_from_its_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from funnelkit.cli import app
    from funnelkit.cli.common import run_main
    from funnelkit.store import save_snapshot
    from tests.blueprint.portal import deals_in

    monkeypatch.chdir(tmp_path)
    snap = snapshot(Vendor.BITRIX24, sales_portal(), deals_in("3", "C3:OFFER", 2))
    path = save_snapshot(snap, tmp_path / "snap.json")
    bp = tmp_path / "bp.yaml"
    bp.write_text(
        SALES.replace(
            "{key: offer, names: {ru: Отправлено КП}, previous_names: [КП отправлено]}",
            "{key: offer, names: {ru: КП отправлено}, absent: true, move_deals_to: new}",
        ),
        encoding="utf-8",
    )
    assert run_main(app, ["plan", str(bp), "--snapshot", str(path), "--exit-code"]) == 1
    out = capsys.readouterr().out
    assert "move 2 deals" in out and "needs --force" in out
    assert run_main(app, ["drift", str(bp), "--snapshot", str(path), "--format", "json"]) == 1


def test_amocrm_loss_reasons_are_written_or_become_manual_steps() -> None:
    from funnelkit.model import LossReason

    text = SALES + "loss_reasons:\n  - {key: price, names: {ru: Дорого}}\n"
    text += "  - {key: old, names: {ru: Старая причина}, absent: true}\n"
    base = snapshot(Vendor.AMOCRM, [amo_pipeline("7", "Продажи", ["Новая заявка", "КП"])])
    reasons = (LossReason(id="1", name="Старая причина"), LossReason(id="2", name="Чужая"))
    structure = base.structure.model_copy(update={"loss_reasons": reasons})
    from dataclasses import replace

    snap = replace(base, structure=structure)
    result = plan(snap, parse_blueprint(text))
    ops = {
        (c.op, c.name) for c in result.changes if isinstance(c, CreateLossReason | DeleteLossReason)
    }
    assert ops == {("create_loss_reason", "Дорого"), ("delete_loss_reason", "Старая причина")}
    assert [u.name for u in result.unmanaged if u.kind == "loss_reason"] == ["Чужая"]
    limits = snap.manifest.limits.model_copy(update={"loss_reasons_writable": False})
    manual = plan(snap, parse_blueprint(text), limits=limits)
    assert [m.kind for m in manual.manual] == ["loss_reason", "loss_reason"]
