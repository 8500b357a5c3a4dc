"""Healthy portals from blueprints: the ground the audit must not raise alarms on."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

from funnelkit.emulator.generate.healthy import from_blueprint
from funnelkit.emulator.state import PortalState
from funnelkit.model import ActivityKind, Semantics, Vendor

BUNDLED = Path(__file__).resolve().parents[3] / "blueprints"
NOW = 1_767_225_600
DAY = 86_400

MINIMAL: dict[str, Any] = {
    "funnels": [
        {
            "key": "sales",
            "kind": "deal",
            "role": "primary-sales",
            "main": True,
            "names": {"ru": "Продажи", "uk": "Продажі", "en": "Sales"},
            "stages": [
                {"key": "new", "names": {"ru": "Новая заявка"}, "sla_days": 1},
                {"key": "offer", "names": {"ru": "КП отправлено"}, "sla_days": 5},
                {"key": "won", "names": {"ru": "Оплачено"}, "semantics": "success"},
                {"key": "lost", "names": {"ru": "Отказ"}, "semantics": "failure"},
            ],
        },
        {
            "key": "base",
            "role": "client-base",
            "names": {"ru": "Клиенты"},
            "stages": [
                {"key": "active", "names": {"ru": "Активный клиент"}, "sla_days": 30},
                {"key": "paid", "names": {"ru": "Оплата получена"}, "semantics": "success"},
                {"key": "lost", "names": {"ru": "Ушёл"}, "semantics": "failure"},
            ],
        },
    ],
    "tunnels": [
        {
            "from": {"funnel": "sales", "stage": "won"},
            "to": {"funnel": "base"},
            "mode": "copy",
            "on": "won",
        }
    ],
}


def _blueprints() -> list[tuple[str, dict[str, Any]]]:
    found = [("minimal", MINIMAL)]
    for path in sorted(BUNDLED.glob("*.yaml")):
        found.append((path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))))
    return found


CASES = [(name, bp, v) for name, bp in _blueprints() for v in Vendor]


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{v.value}" for n, _b, v in CASES])
def portal(request: pytest.FixtureRequest) -> PortalState:
    _name, blueprint, vendor = request.param
    return from_blueprint(blueprint, vendor, deals=200, seed=3, now=NOW)


def test_size_and_determinism() -> None:
    a = from_blueprint(MINIMAL, Vendor.AMOCRM, 150, seed=1, now=NOW)
    b = from_blueprint(MINIMAL, Vendor.AMOCRM, 150, seed=1, now=NOW)
    assert 150 <= len(a.deals) <= 160
    assert a.deals == b.deals and a.transitions == b.transitions


def test_every_open_deal_has_a_future_task_and_a_recent_call(portal: PortalState) -> None:
    live: set[str] = set()
    called: dict[str, int] = {}
    for a in portal.activities:
        if a.kind == ActivityKind.TASK and not a.done and (a.deadline or 0) > portal.now:
            live.add(a.deal_id or "")
        if a.kind != ActivityKind.TASK and a.deal_id:
            called[a.deal_id] = max(called.get(a.deal_id, 0), a.created_at)
    for deal in portal.deals.values():
        if not deal.closed:
            assert deal.id in live
            assert portal.now - called[deal.id] <= 7 * DAY
            assert deal.last_activity_at == called[deal.id]
    for contact in portal.contacts.values():
        assert portal.now - (contact.last_activity_at or 0) <= 7 * DAY
    assert not portal.deadline_changes and not portal.responsible_changes


def test_every_contact_has_exactly_one_open_deal(portal: PortalState) -> None:
    open_by_contact: dict[str, int] = defaultdict(int)
    funnels_by_contact: dict[str, list[str]] = defaultdict(list)
    for deal in portal.deals.values():
        (contact,) = deal.contact_ids
        open_by_contact[contact] += not deal.closed
        funnels_by_contact[contact].append(deal.funnel_id)
    assert set(open_by_contact) == set(portal.contacts)
    assert set(open_by_contact.values()) == {1}
    for funnels in funnels_by_contact.values():  # nobody re-enters a funnel
        assert len(funnels) == len(set(funnels))


def test_moves_go_forward_within_sla(portal: PortalState) -> None:
    by_deal: dict[str, list[Any]] = defaultdict(list)
    for t in portal.transitions:
        by_deal[t.deal_id].append(t)
    for rows in by_deal.values():
        for before, after in pairwise(rows):
            if before.funnel_id != after.funnel_id:
                continue
            a = portal.stages[(before.funnel_id, before.to_stage_id)]
            b = portal.stages[(after.funnel_id, after.to_stage_id)]
            assert b.sort > a.sort or b.semantics != Semantics.PROCESS
            assert after.at - before.at <= 60 * DAY  # no blueprint SLA here exceeds that
        deal = portal.deals[rows[0].deal_id]
        assert (rows[-1].funnel_id, rows[-1].to_stage_id) == (deal.funnel_id, deal.stage_id)


def test_lost_deals_have_a_reason(portal: PortalState) -> None:
    for deal in portal.deals.values():
        stage = portal.stages[(deal.funnel_id, deal.stage_id)]
        if stage.semantics != Semantics.FAILURE:
            continue
        if portal.vendor == Vendor.AMOCRM:
            assert deal.loss_reason_id in portal.loss_reasons
        else:
            failures = [
                s for s in portal.stages_of(deal.funnel_id) if s.semantics == Semantics.FAILURE
            ]
            assert len(failures) == 1 or stage.id != failures[0].id


def test_tunnels_are_followed(portal: PortalState) -> None:
    targets = {t.to_funnel_id for t in portal.tunnels}
    sources = {(t.from_funnel_id, t.to_funnel_id) for t in portal.tunnels}
    by_contact: dict[str, list[Any]] = defaultdict(list)
    for deal in portal.deals.values():
        by_contact[deal.contact_ids[0]].append(deal)
    for t in portal.transitions:  # moved deals changed funnel along a tunnel
        if t.from_funnel_id is not None and t.from_funnel_id != t.funnel_id:
            assert (t.from_funnel_id, t.funnel_id) in sources
    for deals in by_contact.values():
        deals.sort(key=lambda d: d.created_at)
        for later in deals[1:]:  # a copy lands only where a tunnel leads
            assert later.funnel_id in targets


def test_accepts_a_validated_blueprint_dump() -> None:
    from funnelkit.blueprint.library import load_bundled

    data = load_bundled("000-six-funnels.yaml").model_dump(mode="json", by_alias=True)
    portal = from_blueprint(data, Vendor.BITRIX24, deals=120, seed=2, now=NOW)
    assert len(portal.tunnels) == len(data["tunnels"])
    assert portal.funnels["0"].is_default
    moved = [t for t in portal.transitions if t.kind == "funnel_changed"]
    assert moved  # `mode: move` tunnels carry the same deal into the next funnel
