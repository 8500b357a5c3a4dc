"""The portal score (0–100) and the money at stake: two numbers a head of sales reads first.

Both are pure functions of an audit's findings and the snapshot's deals, so `fleet` can
call them per portal and compare portals and visits.

**Money at stake** is the sum of the open amounts of every open deal that FK201 (stuck),
FK301 (no open task, or only overdue ones) or FK303 (no recent interaction) reports. Each deal
counts once however many of the three rules name it. Sums are kept per currency (a deal's own
currency, else the portal's) and never added across currencies.

**Portal score** = deal hygiene (60 points) + set-up (40 points), rounded to an integer:

- deal hygiene = 60 × (1 − affected ÷ open), where *open* is the number of open deals and
  *affected* the number of them that FK201, FK301 or FK303 reports (60 when nothing is open);
- set-up = 40 minus, for every other rule that reported something, its worst severity's
  weight (critical 16, high 8, medium 4, low 2, info 0) × min(1, 0.5 + 0.1 × (findings − 1)):
  one finding costs half the weight, six or more the whole; never below 0.

With `--blueprint`, stage limits come from the blueprint's SLAs and funnel roles from its
declared roles, so the score is measured against the blueprint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from funnelkit.metrics.ledger import DealLedger, deal_ledger

if TYPE_CHECKING:
    from funnelkit.audit.findings import AuditResult
    from funnelkit.model import Snapshot
    from funnelkit.report.schema import AuditReport

STUCK, UNTASKED, NEGLECTED = "FK201", "FK301", "FK303"
#: Rules whose deals put money at stake, and what each calls such a deal.
STAKE_RULES = {STUCK: "stuck", UNTASKED: "untasked", NEGLECTED: "neglected"}
HYGIENE_POINTS = 60.0
SETUP_POINTS = 40.0
WEIGHTS = {"critical": 16.0, "high": 8.0, "medium": 4.0, "low": 2.0, "info": 0.0}
_RANK = {s: i for i, s in enumerate(("info", "low", "medium", "high", "critical"))}


class _SubjectLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...


class _FindingLike(Protocol):
    """An audit Finding or a report FindingOut: both carry these."""

    @property
    def code(self) -> str: ...
    @property
    def subject(self) -> _SubjectLike: ...


def _severity(finding: object) -> str:
    value = getattr(finding, "severity", "info")
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class MoneyAtStake:
    """Open amounts of stuck, neglected or untasked deals, per currency."""

    deal_ids: frozenset[str]
    total: dict[str, float] = field(default_factory=dict)
    by_funnel: dict[str, dict[str, float]] = field(default_factory=dict)
    by_manager: dict[str, dict[str, float]] = field(default_factory=dict)
    by_rule: dict[str, dict[str, float]] = field(default_factory=dict)


def _add(into: dict[str, float], currency: str, amount: float) -> None:
    into[currency] = round(into.get(currency, 0.0) + amount, 2)


def money_at_stake(findings: Iterable[_FindingLike], snapshot: Snapshot) -> MoneyAtStake:
    """Money at stake (see the module docstring) from findings and the snapshot's deals."""
    rules_of: dict[str, set[str]] = {}
    for f in findings:
        if f.code in STAKE_RULES and f.subject.kind == "deal":
            rules_of.setdefault(f.subject.id, set()).add(f.code)
    return stake_of(rules_of, deal_ledger(snapshot))


def stake_of(rules_of: Mapping[str, set[str]], ledger: DealLedger) -> MoneyAtStake:
    """Money at stake from the stake rules naming each deal (deal → codes, in the order the
    findings name the deals) and the deals' ledger."""
    out = MoneyAtStake(deal_ids=frozenset(rules_of))
    for deal_id, codes in rules_of.items():
        found = ledger.amounts.get(deal_id)
        if found is None:  # unknown, closed or without an amount
            continue
        cur, amount = found
        _add(out.total, cur, amount)
        _add(out.by_funnel.setdefault(ledger.funnel_of[deal_id], {}), cur, amount)
        _add(out.by_manager.setdefault(ledger.holder[deal_id], {}), cur, amount)
        for code in codes:
            _add(out.by_rule.setdefault(code, {}), cur, amount)
    return out


@dataclass(frozen=True)
class PortalScore:
    """The portal score and how it was reached."""

    value: int
    hygiene: float
    setup: float
    open_deals: int
    affected_deals: int
    deductions: dict[str, float]


def score_of(findings: Iterable[_FindingLike], open_deals: int) -> PortalScore:
    """The score from findings and the number of open deals (the definition above)."""
    affected: set[str] = set()
    per_rule: dict[str, tuple[int, str]] = {}
    for f in findings:
        if f.code in STAKE_RULES:
            if f.subject.kind == "deal":
                affected.add(f.subject.id)
            continue
        count, worst = per_rule.get(f.code, (0, "info"))
        sev = _severity(f)
        per_rule[f.code] = (count + 1, sev if _RANK[sev] > _RANK[worst] else worst)
    return score_from(len(affected), per_rule, open_deals)


def score_from(
    affected: int, per_rule: Mapping[str, tuple[int, str]], open_deals: int
) -> PortalScore:
    """The score from the number of deals the stake rules name, each other rule's (findings,
    worst severity), and the number of open deals."""
    hygiene = (
        HYGIENE_POINTS * (1 - min(affected, open_deals) / open_deals)
        if open_deals
        else HYGIENE_POINTS
    )
    deductions = {
        code: round(WEIGHTS[worst] * min(1.0, 0.5 + 0.1 * (count - 1)), 2)
        for code, (count, worst) in sorted(per_rule.items())
        if WEIGHTS[worst]
    }
    setup = max(0.0, SETUP_POINTS - sum(deductions.values()))
    return PortalScore(
        value=max(0, min(100, round(hygiene + setup))),
        hygiene=round(hygiene, 1),
        setup=round(setup, 1),
        open_deals=open_deals,
        affected_deals=affected,
        deductions=deductions,
    )


def portal_score(
    report_or_result: AuditReport | AuditResult,
    snapshot: Snapshot | None = None,
    *,
    open_deals: int | None = None,
) -> PortalScore:
    """The portal score of a built report, or of an audit result plus its snapshot.

    For an `AuditResult`, give the `snapshot` (or `open_deals`): the score needs the number
    of open deals, which the result does not hold.
    """
    from funnelkit.report.schema import AuditReport

    if isinstance(report_or_result, AuditReport):
        s = report_or_result.score
        return PortalScore(
            s.value, s.hygiene, s.setup, s.open_deals, s.affected_deals, dict(s.deductions)
        )
    if open_deals is None:
        if snapshot is None:
            raise ValueError("portal_score of an AuditResult needs the snapshot or open_deals")
        open_deals = open_deal_count(snapshot)
    return score_of(report_or_result.findings, open_deals)


def open_deal_count(snapshot: Snapshot) -> int:
    """Deals neither closed nor standing in a won or lost stage (the audit's 'open')."""
    return deal_ledger(snapshot).open_count
