"""Plans render to HTML through the report layer, escaped and in three languages."""

from __future__ import annotations

from funnelkit.blueprint.library import load_bundled
from funnelkit.blueprint.planner import plan
from funnelkit.model import Manifest, Portal, Snapshot, Structure, Vendor
from funnelkit.report.plan_html import plan_to_html


def empty_portal() -> Snapshot:
    return Snapshot(
        manifest=Manifest(vendor=Vendor.AMOCRM, domain="<b>x</b>.kommo.com", pulled_at=0),
        structure=Structure(portal=Portal(vendor=Vendor.AMOCRM, domain="x.kommo.com")),
    )


def test_plan_html() -> None:
    result = plan(empty_portal(), load_bundled("000-six-funnels")).with_checksum()
    page = plan_to_html(result, "ru")
    assert "План изменений" in page and "создать" in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert result.checksum in page
    for external in ("https://", "<script src", "<link"):
        assert external not in page
