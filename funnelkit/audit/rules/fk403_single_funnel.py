"""FK403 funnels.single-for-all-products: one funnel carrying every product or process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.columns import Mask
from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import share
from funnelkit.index.history import IntArray
from funnelkit.index.sorting import distinct_counts
from funnelkit.index.tables import links
from funnelkit.model import DataSet, FunnelKind, FunnelRole
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

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        cutoff = ctx.now - params().window_days * DAY
        deals = ctx.deal_columns
        sales = [
            f in ctx.funnels
            and ctx.funnels[f].kind is FunnelKind.DEAL
            and ctx.role(f) in SALES_ROLES
            for f in deals.funnels
        ]
        recent = np.array([*sales, False], bool)[deals.funnel] & ~(deals.created_at < cutoff)
        group = _groups(ctx, recent)
        # funnels in the order their first deal comes (the order ties were broken in)
        first = np.full(len(deals.funnels), deals.count, np.int64)
        np.minimum.at(first, deals.funnel[deals.funnel >= 0], np.flatnonzero(deals.funnel >= 0))
        rank = np.argsort(np.argsort(first, kind="stable"), kind="stable")
        holder = _holders(group[recent], deals.funnel[recent], rank)
        owner_codes, _ = deals.column("responsible_id")
        for fid in sorted(f for f, ok in zip(deals.funnels, sales, strict=True) if ok):
            p: SingleFunnelForAllParams = params(fid)
            mine = recent & deals.in_funnel(fid)
            n = int(np.count_nonzero(mine))
            _, sizes = distinct_counts(group[mine & (group >= 0)])
            big = int(np.count_nonzero([share(int(k), n) >= p.min_group_share for k in sizes]))
            _, held_by = distinct_counts(owner_codes[mine])
            top = int(held_by.max()) if len(held_by) else 0
            if n < p.min_deals or big < p.min_groups:
                continue
            if share(top, n) >= p.solo_share:
                continue  # article 002: one person in every role
            code = deals.funnels.index(fid)
            held = share(sum(1 for f in holder.values() if f == code), len(holder))
            if held >= p.coverage:
                yield self.finding(
                    ctx.funnel_subject(fid),
                    coverage_share=round(held, 3),
                    groups=big,
                    deals=n,
                    responsibles=len(held_by),
                )


def _groups(ctx: AuditContext, recent: Mask) -> IntArray:
    """Per deal: a code for its product group (first product), or its source when no recent
    deal records products (-1: none). One dimension per portal: mixing products and sources
    would make two funnels look specialised merely because one records no products."""
    deals = ctx.deal_columns
    owners, (codes, _) = links(ctx.snapshot.deals, "products")
    by_product = np.full(deals.count, -1, np.int64)
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(owners) else owners
    by_product[owners[starts]] = codes[starts]
    if (recent & (by_product >= 0)).any():
        return by_product
    source, _ = deals.column("source")
    return source


def _holders(group: IntArray, funnel: IntArray, rank: IntArray) -> dict[int, int]:
    """Group code → the funnel (code) holding most of its recent deals; ties: the funnel whose
    deals come first."""
    known = group >= 0
    pairs, counts = distinct_counts(group[known] * (len(rank) + 1) + funnel[known])
    best: dict[int, tuple[int, int, int]] = {}
    for pair, n in zip(pairs.tolist(), counts.tolist(), strict=True):
        g, f = divmod(pair, len(rank) + 1)
        mark = (n, -int(rank[f]), f)
        if g not in best or mark > best[g]:
            best[g] = mark
    return {g: mark[2] for g, mark in best.items()}
