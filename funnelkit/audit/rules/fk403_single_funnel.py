"""FK403 funnels.single-for-all-products: one funnel carrying every product or process."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import share
from funnelkit.model import DataSet, Deal, FunnelKind, FunnelRole
from funnelkit.model.timeutil import DAY

# Funnels that sell; client base, production, refusals … are other processes by design.
SALES_ROLES = frozenset({FunnelRole.PRIMARY_SALES, FunnelRole.PRE_SALE, FunnelRole.OTHER})


class SingleFunnelForAllParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(365, ge=30, le=3650, description="deals created in this period")
    coverage: float = Field(
        1.0, ge=0.5, le=1, description="share of all product groups this funnel mostly holds"
    )
    min_groups: int = Field(3, ge=2, le=100, description="distinct product groups / sources")
    min_group_share: float = Field(
        0.1, ge=0, le=0.5, description="a group counts from this share of the funnel's deals"
    )
    min_deals: int = Field(30, ge=1, le=100000, description="deals needed to judge")
    solo_share: float = Field(
        0.9, ge=0.5, le=1, description="one person holding this share of deals is exempt"
    )


def _group(deal: Deal, by_products: bool) -> str | None:
    """A deal's product group (first product), or its source on portals without products.

    One dimension per portal: mixing products and sources would make two funnels look
    specialised merely because one of them records no products.
    """
    if by_products:
        return deal.products[0] if deal.products else None
    return deal.source


class SingleFunnelForAll(Rule):
    """One sales funnel carrying every product group or business process.

    What it finds: a sales funnel whose deals span several product groups (or sources,
    where deals record no products) and which holds most deals of (`coverage` of) every
    group — no other funnel specialises in any of them.
    Why it matters (article 000): funnels should follow business processes and product
    groups; one funnel for everything mixes cycles, stages and conversion of unlike sales.
    Exempt (article 002): where one employee plays every role, one big funnel is fine —
    when a single responsible holds `solo_share` of the deals.
    How it is detected: recent deals of sales-role funnels, their products (else source)
    and their responsibles.
    Configuration: window_days, coverage, min_groups, min_group_share, min_deals, solo_share.
    """

    Params = SingleFunnelForAllParams
    meta = RuleMeta(
        code="FK403",
        name="funnels.single-for-all-products",
        group="funnels",
        domain_item="10",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.DEALS}),
        title=Text(
            en="Funnels follow business processes and product groups",
        ),
        rationale=Text(
            en="One funnel for every product mixes different sales cycles and stages, so "
            "its conversion and timing describe none of them.",
        ),
        remedy=Text(
            en="Create a funnel per business process or product group and link them with tunnels.",
        ),
        messages={
            "default": Text(
                en="Funnel «{funnel}» carries every product: it holds most deals of "
                "{coverage_share} of the {groups} product groups or sources",
            )
        },
    )

    def _holders(self, recent: dict[str, list[Deal]], by_products: bool) -> dict[str, str]:
        """Product group → the sales funnel holding most of its deals."""
        per: dict[str, Counter[str]] = {}
        for fid, deals in recent.items():
            for d in deals:
                g = _group(d, by_products)
                if g is not None:
                    per.setdefault(g, Counter())[fid] += 1
        return {g: c.most_common(1)[0][0] for g, c in per.items()}

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        cutoff = ctx.now - params().window_days * DAY
        recent = {
            fid: [d for d in deals if d.created_at >= cutoff]
            for fid, deals in ctx.deals_by_funnel.items()
            if fid in ctx.funnels
            and ctx.funnels[fid].kind is FunnelKind.DEAL
            and ctx.role(fid) in SALES_ROLES
        }
        by_products = any(d.products for deals in recent.values() for d in deals)
        holder = self._holders(recent, by_products)
        for fid in sorted(recent):
            p: SingleFunnelForAllParams = params(fid)
            deals = recent[fid]
            groups = Counter(g for d in deals if (g := _group(d, by_products)) is not None)
            big = [g for g, n in groups.items() if share(n, len(deals)) >= p.min_group_share]
            owners = Counter(d.responsible_id for d in deals)
            top = owners.most_common(1)[0][1] if owners else 0
            if len(deals) < p.min_deals or len(big) < p.min_groups:
                continue
            if share(top, len(deals)) >= p.solo_share:
                continue  # article 002: one person in every role
            held = share(sum(1 for f in holder.values() if f == fid), len(holder))
            if held >= p.coverage:
                yield self.finding(
                    ctx.funnel_subject(fid),
                    coverage_share=round(held, 3),
                    groups=len(big),
                    deals=len(deals),
                    responsibles=len(owners),
                )
