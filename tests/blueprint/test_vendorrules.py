"""Vendor details the planner relies on: STATUS_ID codes, palette colours, default stages."""

from __future__ import annotations

from funnelkit.blueprint.profile import profile_for
from funnelkit.blueprint.vendorrules import (
    code_of,
    is_reusable_default,
    nearest_colour,
    stage_code,
    virtual_defaults,
)
from funnelkit.model import FunnelKind, Semantics, Stage, Vendor, VendorLimits
from tests.blueprint.portal import AMO_PALETTE


def test_status_codes_are_latin_deterministic_and_fit_the_limit() -> None:
    limits = profile_for(Vendor.BITRIX24, VendorLimits(stage_id_max_length=21))
    key = "very-long-stage-key-for-a-funnel"
    code = stage_code(key, "12", limits, set())
    assert code == stage_code(key, "12", limits, set())
    assert len("C12:" + code) <= 21 and code.replace("_", "").isalnum() and code.isupper()
    second = stage_code(key, "12", limits, {code})
    assert second != code and len("C12:" + second) <= 21
    assert len(stage_code(key, None, limits, set())) <= 21 - len("C9999:")
    assert stage_code("offer", "0", limits, set()) == "OFFER"


def test_codes_and_defaults() -> None:
    assert code_of("C10:PREPAYMENT_INVOIC") == "PREPAYMENT_INVOIC"
    assert code_of("NEW") == "NEW"
    truncated = Stage(funnel_id="10", id="C10:PREPAYMENT_INVOIC", name="x", sort=30)
    b24 = profile_for(Vendor.BITRIX24, VendorLimits())
    amo = profile_for(Vendor.AMOCRM, VendorLimits())
    assert is_reusable_default(b24, FunnelKind.DEAL, truncated)
    custom = Stage(funnel_id="10", id="C10:OFFER", name="x", sort=30)
    assert not is_reusable_default(b24, FunnelKind.DEAL, custom)
    assert not is_reusable_default(amo, FunnelKind.DEAL, truncated)
    stages = virtual_defaults(b24, "new-x")
    assert [s.semantics for s in stages].count(Semantics.SUCCESS) == 1
    assert virtual_defaults(amo, "new-x") == []


def test_colours_map_to_the_nearest_palette_colour() -> None:
    assert nearest_colour("#FFFEB0", AMO_PALETTE) == "#fffeb2"
    assert nearest_colour("#0000FF", AMO_PALETTE) == "#98cbff"
    assert nearest_colour("#ABCDEF", None) == "#abcdef"
