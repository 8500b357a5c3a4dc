"""FK502 links.contact-without-open-deal: contacts with no open deal in any funnel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
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
        served = {c for d in ctx.open_deals for c in d.contact_ids}
        served.update(
            c for d in ctx.snapshot.deals if (d.closed_at or 0) >= grace for c in d.contact_ids
        )
        for contact in ctx.snapshot.contacts:  # run_audit sorts the findings
            if contact.id in served:
                continue
            deals = ctx.deals_by_contact.get(contact.id, [])
            last = max(deals, key=lambda d: (d.closed_at or d.created_at, d.id), default=None)
            if (
                last is not None
                and ctx.semantics((last.funnel_id, last.stage_id)) is Semantics.SUCCESS
            ):
                continue
            yield self.finding(
                Subject("contact", contact.id, contact.name or contact.id),
                related=[d.id for d in deals],
                deals=len(deals),
                last_outcome=self.phrase("none" if last is None else "lost"),
            )
