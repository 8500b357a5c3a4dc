"""Round trips against the real emulators over HTTP, on both vendors."""

from __future__ import annotations

from collections import Counter

import pytest

from funnelkit.blueprint import parse_blueprint
from funnelkit.blueprint.export import export_blueprint
from funnelkit.blueprint.library import load_bundled
from funnelkit.blueprint.schema import Blueprint
from funnelkit.blueprint.state import PortalIds
from funnelkit.errors import ApplyError, UnsafePlanError, VendorApiError
from funnelkit.model import Change, ChangeResult, Deal, RenameStage, Vendor
from tests.blueprint.emu import Live, live_portal

VENDORS = [Vendor.BITRIX24, Vendor.AMOCRM]

RT = """\
name: rt
funnels:
  - key: sales
    role: primary-sales
    main: true
    names: {ru: Продажи}
    stages:
      - {key: new, names: {ru: Новая заявка}}
      - {key: offer, names: {ru: КП отправлено}}
      - {key: invoice, names: {ru: Счёт выставлен}}
      - {key: paid, names: {ru: Оплачено}, semantics: success}
      - {key: lost, names: {ru: Отказ}, semantics: failure}
  - key: base
    role: client-base
    names: {ru: База}
    stages:
      - {key: active, names: {ru: Активный клиент}}
      - {key: again, names: {ru: Повторная заявка}}
      - {key: repeat, names: {ru: Повторная покупка}, semantics: success}
      - {key: gone, names: {ru: Ушёл}, semantics: failure}
"""


def converge(live: Live, bp: Blueprint) -> None:
    live.apply(live.plan(bp))
    again = live.plan(bp)
    assert again.changes == (), [c.summary for c in again.changes]
    assert again.refusals == ()


def deal_stages(live: Live) -> Counter[tuple[str, str]]:
    return Counter((d.funnel_id, d.stage_id) for d in live.state.deals.values())


def add_deals(live: Live, funnel_id: str, stage_id: str, count: int) -> None:
    for i in range(count):
        deal_id = str(500 + len(live.state.deals) + i)
        live.state.deals[deal_id] = Deal(
            id=deal_id, funnel_id=funnel_id, stage_id=stage_id, created_at=1_700_000_000
        )


@pytest.mark.parametrize("vendor", VENDORS)
def test_fresh_portal_apply_000_then_plan_is_empty(vendor: Vendor) -> None:
    with live_portal(vendor) as live:
        converge(live, load_bundled("000"))
        structure = live.connector.pull_structure().structure
        funnels = {f.name for f in structure.funnels}
        assert {"Первичные продажи", "Отказы", "NPS", "Партнерская программа"} <= funnels
        keys = [s.key for s in structure.stages]
        assert len(keys) == len(set(keys))
        if vendor is Vendor.AMOCRM:  # status ids are account-wide but 142/143 (amocrm.md §5.1)
            ids = [s.id for s in structure.stages if s.id not in ("142", "143")]
            assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", ["002", "003", "004"])
@pytest.mark.parametrize("vendor", VENDORS)
def test_every_bundled_blueprint_converges(vendor: Vendor, name: str) -> None:
    with live_portal(vendor) as live:
        converge(live, load_bundled(name))


@pytest.mark.parametrize("vendor", VENDORS)
def test_export_then_plan_is_empty(vendor: Vendor) -> None:
    with live_portal(vendor) as live:
        converge(live, parse_blueprint(RT))
        snap = live.connector.pull_structure()
        bp = Blueprint.model_validate(export_blueprint(snap, "exported"))
        live.ids = PortalIds()  # the exported `id:`s alone pin the objects
        assert live.plan(bp).changes == ()


@pytest.mark.parametrize("vendor", VENDORS)
def test_rename_keeps_deals_and_removal_needs_move_and_force(vendor: Vendor) -> None:
    with live_portal(vendor) as live:
        converge(live, parse_blueprint(RT))
        funnel_id, offer = live.ids.funnels["sales"], live.ids.stages["sales/offer"]
        add_deals(live, funnel_id, offer, 4)
        renamed = RT.replace(
            "{key: offer, names: {ru: КП отправлено}}",
            "{key: offer, names: {ru: Отправлено КП}, previous_names: [КП отправлено]}",
        )
        result = live.plan(parse_blueprint(renamed))
        assert [type(c) for c in result.changes] == [RenameStage]
        converge(live, parse_blueprint(renamed))
        assert deal_stages(live)[(funnel_id, offer)] == 4

        gone = renamed.replace("previous_names: [КП отправлено]}", "absent: true}")
        refused = live.plan(parse_blueprint(gone))
        assert refused.refusals and "4 deals" in refused.refusals[0]
        with pytest.raises(UnsafePlanError):
            refused.raise_if_unsafe(True)

        moving = gone.replace("absent: true}", "absent: true, move_deals_to: invoice}")
        result = live.plan(parse_blueprint(moving))
        with pytest.raises(UnsafePlanError):
            result.raise_if_unsafe(False)
        result.raise_if_unsafe(True)
        live.apply(result)
        invoice = live.ids.stages["sales/invoice"]
        assert deal_stages(live)[(funnel_id, invoice)] == 4
        assert deal_stages(live)[(funnel_id, offer)] == 0
        assert live.plan(parse_blueprint(moving)).changes == ()


class FailOnce:
    """Wraps a real connector; the n-th write fails once, as a vendor error would."""

    def __init__(self, inner: object, fail_at: int) -> None:
        self.inner, self.fail_at, self.calls = inner, fail_at, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def apply_change(self, change: Change) -> ChangeResult:
        self.calls += 1
        if self.calls == self.fail_at:
            raise VendorApiError("injected failure", method="test")
        return self.inner.apply_change(change)  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("fail_at", [2, 4])
@pytest.mark.parametrize("vendor", VENDORS)
def test_apply_stops_at_first_failure_and_rerun_converges(vendor: Vendor, fail_at: int) -> None:
    bp = load_bundled("000")
    with live_portal(vendor) as live:
        result = live.plan(bp)
        real = live.connector
        live.connector = FailOnce(real, fail_at=fail_at)  # type: ignore[assignment]
        with pytest.raises(ApplyError) as info:
            live.apply(result)
        error = info.value
        assert error.exit_code == 5
        assert len(error.done) == fail_at - 1 and len(error.failed) == 1
        assert len(error.remaining) == len(result.changes) - fail_at
        live.connector = real
        rest = live.plan(bp)
        rest.raise_if_unsafe(False)  # finishing the interrupted funnels is not "unsafe"
        assert len(rest.changes) < len(result.changes)
        converge(live, bp)
        names = Counter(f.name for f in real.pull_structure().structure.funnels)
        assert max(names.values()) == 1  # no duplicate funnels
