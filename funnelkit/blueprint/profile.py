"""Vendor facts the planner needs, in one object instead of vendor branches across blueprint/.

The connector describes its vendor in the snapshot (`manifest.vendor` and the
`VendorLimits` it fills); `profile_of` turns that into the capabilities planning asks
about. Planning code asks "does this portal create a pipeline with its statuses?", never
"is this amoCRM?". Each fact cites the vendor doc section it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from funnelkit.blueprint.vendorrules import AMO_LOST, AMO_WON
from funnelkit.model import Snapshot, Vendor, VendorLimits


@dataclass(frozen=True)
class VendorProfile:
    """What one vendor does by itself or refuses, as planning sees it."""

    vendor: Vendor
    # bitrix24.md §6.1: one lead funnel per portal, with no name of its own, not creatable.
    lead_funnel_singleton: bool
    # amocrm.md §5.2: a pipeline is created together with all its statuses in one request.
    funnel_created_with_stages: bool
    # amocrm.md §5.2: the server renumbers sorts on every write.
    renumbers_sorts: bool
    # amocrm.md §5.1: exactly one won and one lost status per pipeline, fixed ids 142 / 143,
    # named only when the pipeline is created, never edited or deleted afterwards.
    fixed_closing_ids: tuple[str, str] | None
    # bitrix24.md §6.3: a new stage needs a Latin STATUS_ID code chosen by the client.
    stage_codes: bool
    # amocrm.md §9 / bitrix24.md §13: loss reasons are an entity of their own.
    loss_reasons: bool

    @property
    def won_id(self) -> str | None:
        """The vendor's fixed won stage id (amoCRM 142), if it has one."""
        return self.fixed_closing_ids[0] if self.fixed_closing_ids else None

    @property
    def lost_id(self) -> str | None:
        """The vendor's fixed lost stage id (amoCRM 143), if it has one."""
        return self.fixed_closing_ids[1] if self.fixed_closing_ids else None


def profile_for(vendor: Vendor, limits: VendorLimits) -> VendorProfile:
    """The profile of `vendor` as its connector described it in `limits`."""
    amo = vendor is Vendor.AMOCRM
    return VendorProfile(
        vendor=vendor,
        lead_funnel_singleton=limits.lead_funnel or vendor is Vendor.BITRIX24,
        funnel_created_with_stages=amo,
        renumbers_sorts=amo,
        fixed_closing_ids=(AMO_WON, AMO_LOST) if amo else None,
        stage_codes=vendor is Vendor.BITRIX24,
        loss_reasons=vendor is not Vendor.BITRIX24,
    )


def profile_of(snapshot: Snapshot) -> VendorProfile:
    """The profile of the portal a snapshot was read from."""
    return profile_for(snapshot.manifest.vendor, snapshot.manifest.limits)
