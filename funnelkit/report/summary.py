"""What a head of sales reads first: findings grouped, the action list, scorecards, managers.

Everything here is derived from the per-object findings (already in the report's language)
and the snapshot's deals; nothing is judged twice.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from funnelkit.metrics.ledger import DealLedger
from funnelkit.metrics.results import PortalMetrics
from funnelkit.model import Snapshot
from funnelkit.report.schema import (
    SEVERITIES,
    ActionOut,
    FindingOut,
    GroupOut,
    ManagerRowOut,
    MoneyOut,
    ScorecardOut,
    severity_rank,
)
from funnelkit.report.score import NEGLECTED, STUCK, UNTASKED, MoneyAtStake

EXAMPLES = 3
KEYS_PER_GROUP = 20
ACTIONS = 10
Effort = Literal["low", "medium", "high"]
#: How much work fixing a rule's findings usually takes: a rename is quick, rebuilding how
#: funnels hand deals over is a project.
EFFORT: dict[str, Effort] = {
    "FK101": "medium",
    "FK102": "low",
    "FK103": "medium",
    "FK104": "medium",
    "FK105": "medium",
    "FK201": "medium",
    "FK202": "medium",
    "FK203": "low",
    "FK204": "low",
    "FK301": "low",
    "FK302": "low",
    "FK303": "medium",
    "FK401": "high",
    "FK402": "medium",
    "FK403": "high",
    "FK404": "medium",
    "FK405": "high",
    "FK406": "low",
    "FK501": "medium",
    "FK502": "low",
}
#: Rules whose `related` ids are contacts (the others list deals, or stages of no count).
RELATED_CONTACTS = frozenset({"FK303"})
PLACES = 3  # funnels named in an action
_EFFORT_COST = {"low": 1.0, "medium": 2.0, "high": 3.0}
_SEVERITY_WEIGHT = {"info": 1.0, "low": 2.0, "medium": 4.0, "high": 8.0, "critical": 16.0}


@dataclass
class _Acc:
    first: FindingOut
    severity: str
    count: int = 0
    deals: set[str] = field(default_factory=set)
    contacts: set[str] = field(default_factory=set)
    examples: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def add(self, f: FindingOut, deal_ids: set[str], contact_ids: set[str]) -> None:
        """Count `f`; its related ids are deals, except where the rule lists contacts."""
        self.count += 1
        if f.severity != self.severity and severity_rank(f.severity) > severity_rank(self.severity):
            self.severity = f.severity
        s = f.subject
        if s.kind == "deal":
            self.deals.add(s.id)
        elif s.kind == "contact":
            self.contacts.add(s.id)
        if f.related:  # the ids the portal has, matched in one pass
            if f.code in RELATED_CONTACTS:
                self.contacts |= contact_ids.intersection(f.related)
            else:
                self.deals |= deal_ids.intersection(f.related)
        if len(self.examples) < EXAMPLES:
            self.examples.append(s.name or s.id)
        if len(self.keys) < KEYS_PER_GROUP:
            self.keys.append(f.key)


def group_key(f: FindingOut) -> tuple[str, ...]:
    s = f.subject
    if s.kind == "user":
        return (f.code, "user", s.id)
    if s.kind in ("deal", "stage"):
        return (f.code, s.funnel_id or "", s.stage_id or "")
    return (f.code, s.funnel_id or "", "")


def _money(deals: set[str], stake: MoneyAtStake, amounts: dict[str, tuple[str, float]]) -> MoneyOut:
    out: dict[str, float] = {}
    for deal_id in deals & stake.deal_ids:
        found = amounts.get(deal_id)
        if found:
            out[found[0]] = round(out.get(found[0], 0.0) + found[1], 2)
    return MoneyOut(by_currency=out)


def group_findings(
    findings: list[FindingOut], ledger: DealLedger, stake: MoneyAtStake
) -> list[GroupOut]:
    """Findings grouped by rule × funnel × stage (or × manager), worst and biggest first."""
    deal_ids = set(ledger.ids)
    contact_ids = set(ledger.contact_ids)
    amounts = ledger.amounts
    accs: dict[tuple[str, ...], _Acc] = {}
    for f in findings:
        key = group_key(f)
        acc = accs.get(key)
        if acc is None:
            acc = accs[key] = _Acc(first=f, severity=f.severity)
        acc.add(f, deal_ids, contact_ids)
    groups = []
    for key, acc in accs.items():
        f, s = acc.first, acc.first.subject
        user = key[1] == "user"
        groups.append(
            GroupOut(
                key="/".join(key),
                code=f.code,
                name=f.name,
                severity=acc.severity,
                title=f.title,
                remedy=f.remedy,
                funnel_id=None if user else s.funnel_id,
                funnel_name=None if user else s.funnel_name,
                stage_id=s.stage_id if key[-1] and not user else None,
                stage_name=s.stage_name if key[-1] and not user else None,
                user_id=s.id if user else None,
                user_name=(s.name or s.id) if user else None,
                count=acc.count,
                deals=len(acc.deals),
                contacts=len(acc.contacts),
                money=_money(acc.deals, stake, amounts),
                examples=acc.examples,
                finding_keys=acc.keys,
            )
        )
    groups.sort(key=lambda g: (-severity_rank(g.severity), -g.count, g.key))
    return groups


def _total(money: MoneyOut) -> float:
    return sum(money.by_currency.values())


def priority(severity: str, affected: int, money: MoneyOut, effort: Effort) -> float:
    """severity weight × log2(2 + deals or contacts affected) × money factor ÷ effort.

    The money factor is 1 + log10(1 + amount ÷ 1000): a million at stake weighs about four
    times as much as nothing, so money ranks actions without drowning severity.
    """
    money_factor = 1 + math.log10(1 + _total(money) / 1000)
    value = _SEVERITY_WEIGHT[severity] * math.log2(2 + affected) * money_factor
    return round(value / _EFFORT_COST[effort], 2)


def actions(groups: list[GroupOut]) -> list[ActionOut]:
    """The top actions: one per rule, naming its busiest funnels, ranked by `priority`."""
    merged: dict[str, list[GroupOut]] = {}
    for g in groups:
        merged.setdefault(g.code, []).append(g)
    out = []
    for code, items in merged.items():
        worst = max(items, key=lambda g: severity_rank(g.severity))
        money: dict[str, float] = {}
        places: Counter[str] = Counter()
        for g in items:
            for cur, amount in g.money.by_currency.items():
                money[cur] = round(money.get(cur, 0.0) + amount, 2)
            places[g.user_name or g.funnel_name or ""] += g.count
        count = sum(g.count for g in items)
        deals = sum(g.deals for g in items)
        contacts = sum(g.contacts for g in items)
        effort = EFFORT.get(code, "medium")
        total = MoneyOut(by_currency=money)
        named = [p for p, _ in places.most_common() if p]
        title = worst.title or worst.name
        if named:
            more = len(named) - PLACES
            title = f"{title} — {', '.join(named[:PLACES])}" + (f" +{more}" if more > 0 else "")
        out.append(
            ActionOut(
                rank=0,
                code=code,
                name=worst.name,
                severity=worst.severity,
                title=title,
                remedy=worst.remedy,
                findings=count,
                deals=deals,
                contacts=contacts,
                money=total,
                effort=effort,
                priority=priority(worst.severity, max(deals + contacts, count), total, effort),
            )
        )
    out.sort(key=lambda a: (-a.priority, a.code, a.title))
    return [a.model_copy(update={"rank": i}) for i, a in enumerate(out[:ACTIONS], 1)]


def _per(findings: list[FindingOut], code: str, attr: str) -> Counter[str]:
    return Counter(
        getattr(f.subject, attr) or ""
        for f in findings
        if f.code == code and f.subject.kind == "deal"
    )


def scorecards(
    findings: list[FindingOut],
    metrics: PortalMetrics | None,
    snapshot: Snapshot,
    stake: MoneyAtStake,
) -> list[ScorecardOut]:
    """One card per funnel: open deals, win rate, findings by severity, money at stake."""
    by_funnel: dict[str, Counter[str]] = {}
    for f in findings:
        by_funnel.setdefault(f.subject.funnel_id or "", Counter())[f.severity] += 1
    stuck, untasked = _per(findings, STUCK, "funnel_id"), _per(findings, UNTASKED, "funnel_id")
    neglected = _per(findings, NEGLECTED, "funnel_id")
    rows = {m.funnel_id: m for m in metrics.funnels} if metrics else {}
    cards = []
    for funnel in snapshot.structure.funnels:
        m = rows.get(funnel.id)
        counts = by_funnel.get(funnel.id, Counter())
        cards.append(
            ScorecardOut(
                funnel_id=funnel.id,
                name=funnel.name,
                open=m.open if m else 0,
                win_rate=m.win_rate if m else None,
                findings=sum(counts.values()),
                by_severity={s: counts.get(s, 0) for s in reversed(SEVERITIES)},
                money_at_stake=MoneyOut(by_currency=stake.by_funnel.get(funnel.id, {})),
                stuck=stuck.get(funnel.id, 0),
                untasked=untasked.get(funnel.id, 0),
                neglected=neglected.get(funnel.id, 0),
            )
        )
    return cards


def managers(
    findings: list[FindingOut], snapshot: Snapshot, ledger: DealLedger, stake: MoneyAtStake
) -> list[ManagerRowOut]:
    """One row per manager holding open deals or named by a finding; most money first."""
    holder = ledger.holder
    names = {u.id: u.name for u in snapshot.structure.users}
    amounts = ledger.amounts
    open_by = ledger.open_by
    found: Counter[str] = Counter()
    stuck: Counter[str] = Counter()
    untasked: Counter[str] = Counter()
    stuck_money: dict[str, dict[str, float]] = {}
    for f in findings:
        s = f.subject
        who = s.id if s.kind == "user" else holder.get(s.id) if s.kind == "deal" else None
        if who is None:
            continue
        found[who] += 1
        if f.code == STUCK:
            stuck[who] += 1
            if s.id in amounts:
                cur, amount = amounts[s.id]
                bucket = stuck_money.setdefault(who, {})
                bucket[cur] = round(bucket.get(cur, 0.0) + amount, 2)
        elif f.code == UNTASKED:
            untasked[who] += 1
    rows = [
        ManagerRowOut(
            user_id=uid,
            name=names.get(uid, uid) if uid else "—",
            open=open_by.get(uid, 0),
            findings=found.get(uid, 0),
            stuck=stuck.get(uid, 0),
            stuck_money=MoneyOut(by_currency=stuck_money.get(uid, {})),
            money_at_stake=MoneyOut(by_currency=stake.by_manager.get(uid, {})),
            without_task=untasked.get(uid, 0),
        )
        for uid in set(open_by) | set(found)
    ]
    rows.sort(key=lambda r: (-_total(r.money_at_stake), -r.findings, r.name))
    return rows
