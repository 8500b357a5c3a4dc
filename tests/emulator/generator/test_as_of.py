"""A portal is laid relative to the emulator's clock; the audit's clock is explicit."""

from __future__ import annotations

from pathlib import Path

from funnelkit.cli.emulator import VendorName, build_options, build_portal, parse_as_of
from funnelkit.model.timeutil import DAY

PORTALS = Path(__file__).parents[3] / "funnelkit" / "emulator" / "fixture" / "portals"
TWO_YEARS = 730 * DAY


def _ages(state: object) -> list[int]:
    now = state.now  # type: ignore[attr-defined]
    return sorted(now - d.created_at for d in state.deals.values())  # type: ignore[attr-defined]


def test_fixture_anchor_moves_to_as_of() -> None:
    fixture = PORTALS / "small_bitrix24.yaml"
    as_of = parse_as_of("2027-05-01")
    assert as_of is not None
    here = build_portal(VendorName.BITRIX24, fixture=fixture, as_of=as_of)
    later = build_portal(VendorName.BITRIX24, fixture=fixture, as_of=as_of + TWO_YEARS)
    assert here.now == as_of and later.now == as_of + TWO_YEARS
    assert _ages(here) == _ages(later)
    moved = [t.at for t in later.transitions]
    assert moved == [t.at + TWO_YEARS for t in here.transitions]


def test_generated_portal_same_whatever_day() -> None:
    base = parse_as_of("2026-12-03T10:00Z")
    assert base is not None
    a = build_portal(VendorName.AMOCRM, seed=5, deals=300, as_of=base)
    b = build_portal(VendorName.AMOCRM, seed=5, deals=300, as_of=base + TWO_YEARS)
    assert _ages(a) == _ages(b)
    assert max(d.created_at for d in b.deals.values()) <= b.now


def test_clock_starts_at_as_of() -> None:
    from funnelkit.cli.emulator import Switch

    options = build_options(Switch.OFF, Switch.OFF, 1.0, None, 2_000_000_000)
    assert abs(options.clock.now() - 2_000_000_000) < 60
