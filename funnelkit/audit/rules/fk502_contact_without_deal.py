"""FK502 links.contact-without-open-deal: contacts with no open deal in any funnel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.columns import Mask
from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.index.history import INT_NULL, IntArray
from funnelkit.model import DataSet, Semantics
from funnelkit.model.timeutil import DAY

WON = Semantics.SUCCESS


class ContactWithoutOpenDealParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    grace_days: float = Field(
        0, ge=0, le=365, description="a deal closed this recently still counts"
    )


class ContactWithoutOpenDeal(Rule):
    """Contacts that have no open deal in any funnel.

    What it finds: contacts none of whose deals is open (and none closed in the last
    `grace_days`, giving a tunnel time to create the next deal), and whose latest deal was
    lost or who never had one. A past customer whose latest deal was won is not an orphan
    here: where such customers go is the client-base question (FK501 / FK404), and listing
    every one of them per contact buried the report.
    Why it matters (article 003): every client should always sit in some funnel — sales,
    client base, warm-up — so someone is responsible for the next contact.
    How it is detected: contacts and deals.
    Configuration: grace_days.
    """

    Params = ContactWithoutOpenDealParams
    meta = RuleMeta(
        code="FK502",
        name="links.contact-without-open-deal",
        group="links",
        domain_item="14",
        severity=Severity.LOW,
        requires=frozenset({DataSet.CONTACTS, DataSet.DEALS}),
        title=Text(
            en="Every contact always has an open deal in some funnel",
        ),
        rationale=Text(
            en="A contact with no open deal belongs to no one: no one plans the next call, "
            "and the client drifts away.",
        ),
        remedy=Text(
            en="Make closing a deal open the next one (client base after won, refusals "
            "after lost) and give orphan contacts a deal.",
        ),
        messages={
            "default": Text(
                en="Contact «{subject}» has no open deal ({deals} closed deals)",
            )
        },
        phrases={"none": "none", "lost": "lost"},
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        grace = ctx.now - params().grace_days * DAY
        deals, people = ctx.deal_columns, ctx.contact_columns
        owners, codes, values = deals.contact_links
        closed_at = np.where(deals.closed_at == INT_NULL, 0, deals.closed_at)
        serving = deals.open | (closed_at >= grace)
        served = np.zeros(len(values) + 1, bool)  # last slot: a link without contact id
        served[codes[serving[owners]]] = True
        # each contact's deals in deal order, as runs of one stable sort by contact
        by_contact = np.argsort(codes, kind="stable")
        first = np.searchsorted(codes[by_contact], np.arange(len(values) + 1))
        won_last = self._won_last(ctx, owners, codes, len(values))
        place = people.code_in(values)
        ids, names = people.ids, people.names
        # one phrase object each, shared by the findings (a phrase is immutable text)
        outcome = {True: self.phrase("lost"), False: self.phrase("none")}
        # plain lists from here: half a million findings read these one value at a time,
        # and a numpy scalar read costs several times a list read
        deal_ids = deals.ids
        linked = owners[by_contact].tolist()
        starts, won = first.tolist(), won_last.tolist()
        codes_of = place.tolist()
        for row in np.flatnonzero(~served[place]).tolist():  # run_audit sorts the findings
            code = codes_of[row]
            if code >= 0 and won[code]:
                continue
            mine = linked[starts[code] : starts[code + 1]] if code >= 0 else []
            yield self.finding(
                Subject("contact", ids[row], names[row] or ids[row]),
                related=[deal_ids[i] for i in mine],
                deals=len(mine),
                last_outcome=outcome[len(mine) > 0],
            )

    @staticmethod
    def _won_last(ctx: AuditContext, owners: IntArray, codes: IntArray, count: int) -> Mask:
        """Per contact code: its latest deal (by `closed_at or created_at`, then id) is won."""
        deals = ctx.deal_columns
        won = deals.in_semantics(WON)
        out = np.zeros(count + 1, bool)
        if not len(owners):
            return out
        when = deals.lasting()[owners]
        order = np.lexsort((when, codes))
        c, t = codes[order], when[order]
        last = np.flatnonzero(np.r_[c[1:] != c[:-1], True])
        out[c[last]] = won[owners[order[last]]]
        # equal times: the id decides, as max() over (time, id) does
        tied = last[(last > 0) & (c[last - 1] == c[last]) & (t[last - 1] == t[last])]
        for end in tied.tolist():
            start = end
            while start > 0 and c[start - 1] == c[end] and t[start - 1] == t[end]:
                start -= 1
            best = max(order[start : end + 1].tolist(), key=lambda i: deals.ids[int(owners[i])])
            out[c[end]] = bool(won[owners[best]])
        return out
