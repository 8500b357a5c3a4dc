"""Vendor facts planning needs, in one object instead of vendor branches across blueprint/.

The connector describes its vendor in the snapshot: `manifest.vendor` and the
`VendorLimits` it fills (default stages of a new funnel, STATUS_ID length, whether the
portal has a lead funnel, …). `profile_of` joins that with what each vendor's
documentation says is fixed, into the capabilities planning asks about. Planning code
asks "does this portal create a pipeline with its statuses?", never "is this amoCRM?";
the fixed-id literals (amoCRM 142/143) and the Bitrix24 default stage codes live here
and nowhere else in blueprint/. Each fact cites the vendor doc section it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from funnelkit.model import FunnelKind, Semantics, Snapshot, Vendor, VendorLimits

# bitrix24.md §6.3: a new deal category arrives with these stages (C{id}: prefix added).
B24_DEAL_DEFAULTS: tuple[tuple[str, Semantics, bool], ...] = (
    ("NEW", Semantics.PROCESS, True),
    ("PREPARATION", Semantics.PROCESS, False),
    ("PREPAYMENT_INVOICE", Semantics.PROCESS, False),
    ("EXECUTING", Semantics.PROCESS, False),
    ("FINAL_INVOICE", Semantics.PROCESS, False),
    ("WON", Semantics.SUCCESS, True),
    ("LOSE", Semantics.FAILURE, True),
    ("APOLOGY", Semantics.FAILURE, False),
)
# bitrix24.md §6.3: a new smart-process funnel arrives with 5 stages, NEW, SUCCESS and FAIL
# system ones (DT{type}_{id}: prefix added). PREPARATION and CLIENT are the codes the
# docs' crm.item.get example shows; that they are the two defaults is unverified.
B24_SPA_DEFAULTS: tuple[tuple[str, Semantics, bool], ...] = (
    ("NEW", Semantics.PROCESS, True),
    ("PREPARATION", Semantics.PROCESS, False),
    ("CLIENT", Semantics.PROCESS, False),
    ("SUCCESS", Semantics.SUCCESS, True),
    ("FAIL", Semantics.FAILURE, True),
)
B24_SPA_STATUS_ID_MAX = 50  # bitrix24.md §6.3 crm.status.add: "other directories ≤50"
B24_NEW_SPA_PREFIX_GUESS = "DT99999_9999:"  # a new smart-process funnel's prefix, longest
# bitrix24.md §6.3: lead statuses; NEW, CONVERTED and JUNK are system.
B24_LEAD_DEFAULTS = frozenset({"NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"})
B24_STATUS_ID_MAX = 22  # bitrix24.md §6.3/§14: DEAL_STAGE ≤22; C10:PREPAYMENT_INVOIC shows 21
AMO_CLOSING_IDS = ("142", "143")  # amocrm.md §5.1: won / lost, the same ids in every pipeline
AMO_UNSORTED_TYPE = "1"  # amocrm.md §5.2: the "unsorted" inbox status has type 1
# bitrix24.md §6.3: stages of category 0 and lead statuses carry no `C{n}:` prefix.
B24_UNPREFIXED = frozenset({"0", "LEAD"})
B24_NEW_FUNNEL_PREFIX_GUESS = "C9999:"  # a new category's id is unknown at plan time

TunnelEditor = Literal["sales-tunnels", "digital-pipeline"]


@dataclass(frozen=True)
class VendorProfile:
    """What one vendor does by itself or refuses, as planning sees it."""

    vendor: Vendor
    label: str  # the vendor's name in messages
    # bitrix24.md §6.1: one lead funnel per portal, with no name of its own, not creatable.
    lead_funnel_singleton: bool
    # amocrm.md §5.2: a pipeline is created together with all its statuses in one request.
    funnel_created_with_stages: bool
    # amocrm.md §5.2: the server renumbers sorts on every write.
    renumbers_sorts: bool
    # amocrm.md §5.1: exactly one won and one lost status per pipeline, fixed ids 142 / 143,
    # named only when the pipeline is created, never edited or deleted afterwards.
    fixed_closing_ids: tuple[str, str] | None
    # amocrm.md §5.2: a pipeline's "unsorted" inbox: the vendor's, never declared or touched.
    inbox_type: str | None
    # bitrix24.md §6.3: a new stage needs a Latin STATUS_ID code chosen by the client.
    stage_codes: bool
    # bitrix24.md §6.3: the stages a new funnel comes with: (code, semantics, system).
    new_funnel_stages: tuple[tuple[str, Semantics, bool], ...]
    # bitrix24.md §6.3: the codes of the lead funnel's default statuses.
    lead_default_codes: frozenset[str]
    # bitrix24.md §6.3/§14: the longest STATUS_ID the portal stores, prefix included.
    stage_id_max_length: int
    # bitrix24.md §6.3: funnels whose stage ids carry no `C{n}:` prefix.
    unprefixed_funnels: frozenset[str]
    # amocrm.md §9 / bitrix24.md §13: loss reasons are an entity of their own.
    loss_reasons: bool
    # bitrix24.md §11.1 / amocrm.md §12.2: where a person sets tunnels up by hand.
    tunnel_editor: TunnelEditor
    # bitrix24.md §12: smart processes, and the stages a new funnel of one comes with.
    smart_processes: bool = False
    spa_funnel_stages: tuple[tuple[str, Semantics, bool], ...] = ()

    def new_stages(self, kind: FunnelKind) -> tuple[tuple[str, Semantics, bool], ...]:
        """The stages a new funnel of this kind comes with: (code, semantics, system)."""
        return self.spa_funnel_stages if kind is FunnelKind.SPA else self.new_funnel_stages

    def stage_prefix(self, funnel_id: str | None, kind: FunnelKind = FunnelKind.DEAL) -> str:
        """The prefix the portal puts before a new stage's code in this funnel."""
        if kind is FunnelKind.SPA:  # bitrix24.md §12: DT{type}_{category}:CODE
            return B24_NEW_SPA_PREFIX_GUESS if funnel_id is None else f"{funnel_id}:"
        if funnel_id is None:
            return B24_NEW_FUNNEL_PREFIX_GUESS
        return "" if funnel_id in self.unprefixed_funnels else f"C{funnel_id}:"

    def max_stage_id(self, kind: FunnelKind) -> int:
        """The longest STATUS_ID, prefix included, a funnel of this kind stores."""
        return B24_SPA_STATUS_ID_MAX if kind is FunnelKind.SPA else self.stage_id_max_length

    @property
    def won_id(self) -> str | None:
        """The vendor's fixed won stage id (amoCRM 142), if it has one."""
        return self.fixed_closing_ids[0] if self.fixed_closing_ids else None

    @property
    def lost_id(self) -> str | None:
        """The vendor's fixed lost stage id (amoCRM 143), if it has one."""
        return self.fixed_closing_ids[1] if self.fixed_closing_ids else None


def _new_funnel_stages(limits: VendorLimits) -> tuple[tuple[str, Semantics, bool], ...]:
    """The defaults the connector reported, with their documented semantics."""
    known = {code: (semantics, system) for code, semantics, system in B24_DEAL_DEFAULTS}
    codes = [c.rsplit(":", 1)[-1] for c in limits.new_funnel_stages]
    if not codes:
        return B24_DEAL_DEFAULTS
    return tuple((c, *known.get(c, (Semantics.PROCESS, False))) for c in codes)


def profile_for(vendor: Vendor, limits: VendorLimits) -> VendorProfile:
    """The profile of `vendor` as its connector described it in `limits`."""
    if vendor is Vendor.AMOCRM:
        return VendorProfile(
            vendor=vendor,
            label="amoCRM",
            lead_funnel_singleton=limits.lead_funnel,
            funnel_created_with_stages=True,
            renumbers_sorts=True,
            fixed_closing_ids=AMO_CLOSING_IDS,
            inbox_type=AMO_UNSORTED_TYPE,
            stage_codes=False,
            new_funnel_stages=(),
            lead_default_codes=frozenset(),
            stage_id_max_length=limits.stage_id_max_length or 0,
            unprefixed_funnels=frozenset(),
            loss_reasons=True,
            tunnel_editor="digital-pipeline",
        )
    return VendorProfile(
        vendor=vendor,
        label="Bitrix24",
        lead_funnel_singleton=True,
        funnel_created_with_stages=False,
        renumbers_sorts=False,
        fixed_closing_ids=None,
        inbox_type=None,
        stage_codes=True,
        new_funnel_stages=_new_funnel_stages(limits),
        lead_default_codes=B24_LEAD_DEFAULTS,
        stage_id_max_length=limits.stage_id_max_length or B24_STATUS_ID_MAX,
        unprefixed_funnels=B24_UNPREFIXED,
        loss_reasons=False,
        tunnel_editor="sales-tunnels",
        smart_processes=True,
        spa_funnel_stages=B24_SPA_DEFAULTS,
    )


def profile_of(snapshot: Snapshot) -> VendorProfile:
    """The profile of the portal a snapshot was read from."""
    return profile_for(snapshot.manifest.vendor, snapshot.manifest.limits)
