"""FK501 links.isolated-funnel: funnels linked to no other by tunnels, moves or copies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.index.history import INT_NULL
from funnelkit.index.sorting import distinct, distinct_counts
from funnelkit.model import DataSet, FunnelRole, RoleSource, Vendor
from funnelkit.model.timeutil import DAY

# Business processes of their own (article 002's supplies and warranty funnels, partners,
# lists): no client flows into them from a sale or a refusal, so no tunnel is missing.
# Only a role given by a blueprint or config exempts: a guess from the name does not.
STANDALONE = frozenset(
    {FunnelRole.SUPPLIES, FunnelRole.WARRANTY, FunnelRole.PARTNERS, FunnelRole.LISTS}
)


def _partial(ctx: AuditContext) -> bool:
    """Bitrix24 stage history lists only a deal's current funnel (bitrix24.md, "Stage history
    after a category change"): moves out of a funnel leave no trace there, so links are read
    from tunnels and same-contact copies, and the evidence says so."""
    return ctx.vendor is Vendor.BITRIX24


class IsolatedFunnelParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    copy_window_days: float = Field(
        2, ge=0, le=60, description="a same-contact deal this soon = copy"
    )
    min_deals: int = Field(1, ge=0, le=100000, description="funnels with fewer deals are ignored")


class IsolatedFunnel(Rule):
    """Funnels that no tunnel, move or copy connects to any other funnel.

    What it finds: in a portal with several funnels, a funnel with no tunnel in or out, no
    deal moved in or out of it, and no deal of the same contact opened in another funnel
    right after one of its deals closed.
    Why it matters (articles 000, 003, 004: "communicating vessels"): won deals should flow
    to the client base or production, lost ones to refusals, revived ones back to primary
    sales; an isolated funnel drops clients at its edge.
    How it is detected: tunnels where the vendor exposes them (Bitrix24 tunnels are not
    readable over REST, see bitrix24.md §11.1 — there only observed moves and copies count),
    cross-funnel stage history, and same-contact copies within `copy_window_days`.
    Configuration: copy_window_days, min_deals.
    """

    Params = IsolatedFunnelParams
    meta = RuleMeta(
        code="FK501",
        name="links.isolated-funnel",
        group="links",
        domain_item="12",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.STRUCTURE, DataSet.DEALS}),
        title=Text(
            en="Funnels are linked: won, lost and revived deals flow on to the right funnel",
        ),
        rationale=Text(
            en="An isolated funnel drops clients at its edge: buyers never reach the client "
            "base, refusals are never warmed up.",
        ),
        remedy=Text(
            en="Add tunnels: won → client base or production, lost → refusals, revived → "
            "primary sales.",
        ),
        messages={
            "default": Text(
                en="Funnel «{funnel}» ({deals} deals) has no tunnel, move or copy linking it to "
                "another funnel",
            )
        },
        phrases={
            "partial": "moves between funnels are not in Bitrix24 stage history; "
            "links come from tunnels and same-contact deals"
        },
    )

    def _linked(self, ctx: AuditContext, window: float) -> set[str]:
        linked: set[str] = set()
        for t in ctx.structure.tunnels:
            if t.from_funnel_id != t.to_funnel_id:
                linked.update((t.from_funnel_id, t.to_funnel_id))
        for pair in ctx.hist.cross_funnel_pairs():
            linked.update(pair)
        columns = ctx.deal_columns
        owners, codes, contacts = columns.contact_links
        # contacts with deals in two funnels or more: a deal of one may copy a closed other
        funnel = columns.funnel[owners] + 1  # 0: a deal without funnel
        width = len(columns.funnels) + 1
        spread = distinct(codes * width + funnel) // width
        several, counts = distinct_counts(spread)
        by_contact = np.argsort(codes, kind="stable")
        first = np.searchsorted(codes[by_contact], np.arange(len(contacts) + 1))
        for code in several[counts > 1].tolist():
            deals = owners[by_contact[first[code] : first[code + 1]]].tolist()
            closes = [
                (int(columns.closed_at[d]), columns.funnel_id(d))
                for d in deals
                if columns.closed_at[d] != INT_NULL
            ]
            for d in deals:
                fid_d, created = columns.funnel_id(d), int(columns.created_at[d])
                for closed, fid in closes:
                    if fid != fid_d and 0 <= created - closed <= window * DAY:
                        linked.update((fid, fid_d))
        return linked

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        if len(ctx.funnels) < 2:
            return  # one funnel is FK403's business, not an isolation problem
        linked = self._linked(ctx, params().copy_window_days)
        for fid in sorted(ctx.funnels):
            if ctx.role(fid) in STANDALONE and ctx.role_source(fid) is not RoleSource.GUESS:
                continue
            n = ctx.deal_columns.funnel_counts().get(fid, 0)
            if fid not in linked and n >= params(fid).min_deals:
                yield self.finding(
                    ctx.funnel_subject(fid),
                    deals=n,
                    tunnels_known=ctx.snapshot.manifest.has(DataSet.TUNNELS),
                    evidence_partial=self.phrase("partial") if _partial(ctx) else None,
                )
