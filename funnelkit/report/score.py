"""One number per portal for people comparing portals: a 0–100 score and the money at stake.

The score starts at 100 and loses two parts, both clipped so neither can pass 100 alone:

- **deals**: every open deal touched by a finding (its subject, or one of the finding's
  related ids) weighs the worst severity among those findings — info 0, low 0.25,
  medium 0.5, high 0.75, critical 1 — and the part is 100 × the sum of weights ÷ open
  deals. A portal where every open deal has a critical finding loses all 100 points;
- **structure**: findings about funnels, stages, users, fields and the portal itself cost
  a fixed number of points by severity (critical 10, high 5, medium 2, low 1, info 0),
  at most 50, since a badly shaped funnel hurts every deal that will ever pass through it.

Money at stake is the amount of the open deals touched by a finding above info, summed
per currency (a deal without a currency is in the portal's): amounts in different
currencies are never added together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from funnelkit.audit import AuditResult, Finding, Severity
from funnelkit.model import Deal, Snapshot

DEAL_WEIGHT = {
    Severity.INFO: 0.0,
    Severity.LOW: 0.25,
    Severity.MEDIUM: 0.5,
    Severity.HIGH: 0.75,
    Severity.CRITICAL: 1.0,
}
STRUCTURE_POINTS = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 5,
    Severity.CRITICAL: 10,
}
STRUCTURE_CAP = 50
RECORD_KINDS = frozenset({"deal", "contact", "task"})


@dataclass(frozen=True, slots=True)
class PortalScore:
    """The score and the two parts it lost (so a report can say why)."""

    value: int
    deal_penalty: float
    structure_penalty: int
    open_deals: int
    affected_deals: int


def _open_deals(snapshot: Snapshot) -> dict[str, Deal]:
    return {d.id: d for d in snapshot.deals if not d.closed}


def _worst_by_deal(findings: Iterable[Finding], open_ids: dict[str, Deal]) -> dict[str, Severity]:
    """The worst severity of a finding touching each open deal."""
    worst: dict[str, Severity] = {}
    for f in findings:
        ids = [f.subject.id] if f.subject.kind == "deal" else []
        ids.extend(f.related)
        for deal_id in ids:
            if deal_id in open_ids and (
                deal_id not in worst or f.severity.rank > worst[deal_id].rank
            ):
                worst[deal_id] = f.severity
    return worst


def portal_score(result: AuditResult, snapshot: Snapshot) -> PortalScore:
    """The portal's 0–100 score (100: nothing found) from one audit of one snapshot."""
    open_ids = _open_deals(snapshot)
    worst = _worst_by_deal(result.findings, open_ids)
    share = sum(DEAL_WEIGHT[s] for s in worst.values()) / len(open_ids) if open_ids else 0.0
    deal_penalty = min(100.0, 100.0 * share)
    structure = sum(
        STRUCTURE_POINTS[f.severity] for f in result.findings if f.subject.kind not in RECORD_KINDS
    )
    structure = min(STRUCTURE_CAP, structure)
    value = round(max(0.0, min(100.0, 100.0 - deal_penalty - structure)))
    return PortalScore(
        value=int(value),
        deal_penalty=round(deal_penalty, 2),
        structure_penalty=structure,
        open_deals=len(open_ids),
        affected_deals=len(worst),
    )


def money_at_stake(result: AuditResult, snapshot: Snapshot) -> dict[str, float]:
    """Amount of the open deals with a finding above info, per currency."""
    open_ids = _open_deals(snapshot)
    serious = (f for f in result.findings if f.severity is not Severity.INFO)
    fallback = snapshot.structure.portal.currency
    money: dict[str, float] = {}
    for deal_id in _worst_by_deal(serious, open_ids):
        deal = open_ids[deal_id]
        if deal.amount:
            currency = deal.currency or fallback or "?"
            money[currency] = round(money.get(currency, 0.0) + deal.amount, 2)
    return dict(sorted(money.items()))
