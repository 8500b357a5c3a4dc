"""The emulator's messy portals: every planted defect of the answer key is found."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from funnelkit.audit import result_to_dict, run_audit
from funnelkit.audit.context import AuditContext
from funnelkit.model import Snapshot, Vendor

generator = pytest.importorskip("funnelkit.emulator.generate.messy")
truth = pytest.importorskip("funnelkit.emulator.generate.truth")


def _materialised(snapshot: Snapshot, code: str, entity: str, entity_id: str) -> bool:
    """False for planted deals whose defect never happened in the data.

    The generator plants some FK202 / FK203 deals (dragged to won, lost without reason)
    that are still open at its `now`; such a deal cannot carry the defect yet. Reported
    to the generator's owner; everything else must be found.
    """
    if entity != "deal" or code not in ("FK202", "FK203"):
        return True
    ctx = AuditContext(snapshot, snapshot.manifest.pulled_at)
    deal = next(d for d in snapshot.deals if d.id == entity_id)
    return not ctx.is_open(deal)


@pytest.mark.parametrize("vendor", [Vendor.AMOCRM, Vendor.BITRIX24])
def test_every_planted_defect_is_found(vendor: Vendor) -> None:
    state = generator.generate(vendor, 1500, 11)
    snapshot = truth.state_to_snapshot(state)
    result = run_audit(snapshot, None, state.now)
    skipped = {o.code for o in result.outcomes if o.status == "skipped"}
    found: dict[str, set[str]] = defaultdict(set)
    for f in result.findings:
        found[f.code].add(f.subject.id)
        found[f.code].update(f.related)
    missing = [
        (p.code, p.entity, p.entity_id)
        for p in state.planted
        if p.code not in skipped
        and p.entity_id not in found[p.code]
        and _materialised(snapshot, p.code, p.entity, p.entity_id)
    ]
    assert missing == []
    json.dumps(result_to_dict(result))  # evidence holds plain JSON values only
    assert {p.code for p in state.planted} - skipped <= set(found)
    if vendor is Vendor.BITRIX24:
        assert skipped == {"FK302"}  # Bitrix24 keeps no task deadline history
    else:
        assert skipped == set()


def test_bitrix24_handoff_uses_the_proxy_and_says_so() -> None:
    state = generator.generate(Vendor.BITRIX24, 1500, 11)
    result = run_audit(truth.state_to_snapshot(state), None, state.now)
    handoffs = [f for f in result.findings if f.code == "FK405"]
    assert handoffs and all("proxy" in str(f.evidence["method"]) for f in handoffs)
    assert "history" in handoffs[0].text()


def _bundled() -> list[str]:
    library = pytest.importorskip("funnelkit.blueprint.library")
    return list(library.bundled_files())


@pytest.mark.parametrize("vendor", [Vendor.AMOCRM, Vendor.BITRIX24])
def test_healthy_portals_from_bundled_blueprints_raise_no_serious_finding(vendor: Vendor) -> None:
    import yaml

    healthy = pytest.importorskip("funnelkit.emulator.generate.healthy")
    from funnelkit.blueprint.library import bundled_text

    names = _bundled()
    assert names
    for name in names:
        text = bundled_text(name)
        blueprint = yaml.safe_load(text[1] if isinstance(text, tuple) else text)
        state = healthy.from_blueprint(blueprint, vendor, 300, 5)
        result = run_audit(truth.state_to_snapshot(state), None, state.now)
        serious = [(f.code, f.subject.id) for f in result.findings if f.severity.rank >= 3]
        assert serious == [], name
        assert result.exit_code == 0


@pytest.mark.parametrize("vendor", [Vendor.AMOCRM, Vendor.BITRIX24])
def test_portal_from_a_bundled_blueprint_audits_clean_against_it(
    vendor: Vendor, tmp_path: object
) -> None:
    """Served --from-blueprint, audited --blueprint of the same file: nothing at low or above."""
    from pathlib import Path

    from funnelkit.audit.settings import settings_from_data
    from funnelkit.blueprint.library import bundled_text
    from funnelkit.cli.audit_inputs import blueprint_settings
    from funnelkit.cli.plan import load_any

    healthy = pytest.importorskip("funnelkit.emulator.generate.healthy")
    for name in _bundled():
        file_name, text = bundled_text(name)
        path = Path(str(tmp_path)) / file_name
        path.write_text(text, encoding="utf-8")
        loaded = load_any(str(path))
        blueprint = loaded.model_dump(mode="json", by_alias=True)
        state = healthy.from_blueprint(blueprint, vendor, 300, 9)
        snap = truth.state_to_snapshot(state)
        settings = settings_from_data(blueprint_settings(path, snap), None)
        result = run_audit(snap, settings, state.now)
        found = [(f.code, f.subject.id) for f in result.findings if f.severity.rank >= 1]
        assert found == [], name
