"""FK204 deals.reentry: a client entering the same funnel again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.index.sorting import distinct, distinct_counts
from funnelkit.model import DataSet, FunnelKind, FunnelRole, RoleSource
from funnelkit.model.timeutil import DAY

# Funnels entered again by design (rules.md roles): repeat sales, service, lists, reasons.
REPEAT_ROLES = frozenset(
    {
        FunnelRole.CLIENT_BASE,
        FunnelRole.PRODUCTION,
        FunnelRole.SUPPLIES,
        FunnelRole.WARRANTY,
        FunnelRole.NPS,
        FunnelRole.PARTNERS,
        FunnelRole.LISTS,
        FunnelRole.REFUSALS,
    }
)


# With a guessed role, a funnel where at least a quarter of the clients have several deals
# is taken for a repeat-sales funnel: a primary funnel sees a return now and then (the
# generator's and the articles' portals: a few per cent), a client base sees it as a rule.
REPEAT_SHARE = 0.25
MIN_CONTACTS = 20  # fewer clients say nothing about how a funnel is used


class ReentryParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    since_days: int = Field(3650, ge=1, le=36500, description="only re-entries in this window")


class Reentry(Rule):
    """A client entering the same (non-repeat) funnel a second time.

    What it finds: contacts with two or more deals in one funnel whose role is not a
    repeat-sale role (client base, production, refusals …).
    Why it matters (article 000): a returning client belongs in the client-base funnel;
    a second pass through primary sales double-counts leads and hides repeat revenue —
    or it is a duplicate deal.
    How it is detected: deals grouped by contact and funnel; the later deal was created
    within `since_days`.
    Configuration: since_days.
    """

    Params = ReentryParams
    meta = RuleMeta(
        code="FK204",
        name="deals.reentry",
        group="deals",
        domain_item="13",
        severity=Severity.LOW,
        requires=frozenset({DataSet.DEALS}),
        title=Text(
            en="A client passes through a primary funnel once; repeat sales have their own",
        ),
        rationale=Text(
            en="A returning client in the primary sales funnel inflates lead counts and "
            "hides repeat business, or reveals duplicate deals.",
        ),
        remedy=Text(
            en="Send returning clients to a client-base funnel (tunnel from won) and merge "
            "duplicate deals.",
        ),
        messages={
            "default": Text(
                en="Contact {subject} entered funnel «{funnel}» {deals} times",
            )
        },
    )

    def _revived(self, ctx: AuditContext, deals: list[int], rows: list[tuple[int, str]]) -> bool:
        """Articles 000 and 003 send a refuser back to primary sales once a warm-up funnel
        revives them: a return that follows a deal in a refusals funnel is the design."""
        columns = ctx.deal_columns
        warm = [
            int(columns.created_at[d])
            for d in deals
            if ctx.role(columns.funnel_id(d)) is FunnelRole.REFUSALS
        ]
        first, last = rows[0][0], rows[-1][0]
        return any(first <= at <= last for at in warm)

    def _behaves_as_repeat(self, ctx: AuditContext, fid: str) -> bool:
        """A funnel whose clients come back as a rule is used for repeat sales, whatever
        its name suggests: with a guessed role, behaviour decides (REPEAT_SHARE)."""
        columns = ctx.deal_columns
        owners, codes, _ = columns.contact_links
        _, counts = distinct_counts(codes[columns.in_funnel(fid)[owners]])
        repeat = int(np.count_nonzero(counts > 1))
        return len(counts) >= MIN_CONTACTS and repeat / len(counts) >= REPEAT_SHARE

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        people = ctx.contact_columns
        names = dict(zip(people.ids, people.names, strict=True))
        checked = {
            fid
            for fid, f in ctx.funnels.items()
            if f.kind is not FunnelKind.LEAD and ctx.role(fid) not in REPEAT_ROLES
        }
        guessed = {fid for fid in checked if ctx.role_source(fid) is RoleSource.GUESS}
        checked -= {fid for fid in guessed if self._behaves_as_repeat(ctx, fid)}
        cutoff = {fid: ctx.now - params(fid).since_days * DAY for fid in checked}
        columns = ctx.deal_columns
        owners, codes, contacts = columns.contact_links
        # only contacts with two deals in one checked funnel can re-enter it
        funnel = columns.funnel[owners]
        width = len(columns.funnels) + 1
        flags = [f in checked for f in columns.funnels] + [False]
        in_checked = np.array(flags, bool)[funnel]
        pairs, counts = distinct_counts(codes[in_checked] * width + funnel[in_checked])
        candidates = distinct(pairs[counts > 1] // width)
        by_contact = np.argsort(codes, kind="stable")
        first = np.searchsorted(codes[by_contact], np.arange(len(contacts) + 1))
        for code in candidates.tolist():
            contact = contacts[code]
            deals = owners[by_contact[first[code] : first[code + 1]]].tolist()
            per_funnel: dict[str, list[tuple[int, str]]] = defaultdict(list)
            for d in deals:
                fid = columns.funnel_id(d)
                if fid in checked:
                    per_funnel[fid].append((int(columns.created_at[d]), columns.ids[d]))
            for fid, rows in per_funnel.items():
                rows.sort()
                if len(rows) < 2 or rows[-1][0] < cutoff[fid]:
                    continue
                if self._revived(ctx, deals, rows):
                    continue
                f = ctx.funnels[fid]
                subject = Subject("contact", contact, names.get(contact) or contact, fid, f.name)
                # a role read from names may be wrong: say so, and rank the finding lower
                sev = Severity.INFO if fid in guessed else None
                yield self.finding(
                    subject,
                    severity=sev,
                    related=[d for _, d in rows],
                    deals=len(rows),
                    role=ctx.role(fid).value,
                    role_source=ctx.role_source(fid).value,
                )
