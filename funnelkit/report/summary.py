"""What a head of sales reads first: findings grouped, the action list, scorecards, managers.

Everything here is derived from the audit's findings and the snapshot's deals, counted in one
walk (`tally`); nothing is judged twice.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Literal

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
from funnelkit.report.score import MoneyAtStake
from funnelkit.report.tally import ManagerAcc, Tally, worst_first
from funnelkit.report.tally import group_key as tally_key

if TYPE_CHECKING:
    from funnelkit.metrics.ledger import DealLedger
    from funnelkit.report.rows import FindingRows

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
PLACES = 3  # funnels named in an action
_EFFORT_COST = {"low": 1.0, "medium": 2.0, "high": 3.0}
_SEVERITY_WEIGHT = {"info": 1.0, "low": 2.0, "medium": 4.0, "high": 8.0, "critical": 16.0}


def group_key(f: FindingOut) -> tuple[str, ...]:
    """The group a report row belongs to (`tally.group_key`)."""
    s = f.subject
    return tally_key(f.code, s.kind, s.id, s.funnel_id, s.stage_id)


def _money(deals: set[str], stake: MoneyAtStake, ledger: DealLedger) -> MoneyOut:
    out: dict[str, float] = {}
    for deal_id in deals & stake.deal_ids:
        found = ledger.amounts.get(deal_id)
        if found:
            out[found[0]] = round(out.get(found[0], 0.0) + found[1], 2)
    return MoneyOut(by_currency=out)


def group_findings(counted: Tally, rows: FindingRows, stake: MoneyAtStake) -> list[GroupOut]:
    """Findings grouped by rule × funnel × stage (or × manager), worst and biggest first."""
    groups = []
    for key, acc in counted.groups.items():
        f, s = acc.first, acc.first.subject
        user = key[1] == "user"
        name = str(s.name) or s.id
        groups.append(
            GroupOut(
                key="/".join(key),
                code=f.code,
                name=f.name,
                severity=SEVERITIES[acc.rank],
                title=rows.title(f.code),
                remedy=rows.remedy(f.code),
                funnel_id=None if user else s.funnel_id,
                funnel_name=None if user else s.funnel_name,
                stage_id=s.stage_id if key[-1] and not user else None,
                stage_name=s.stage_name if key[-1] and not user else None,
                user_id=s.id if user else None,
                user_name=name if user else None,
                count=acc.count,
                deals=len(acc.deals),
                contacts=len(acc.contacts),
                money=_money(acc.deals, stake, counted.deals),
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


def scorecards(
    counted: Tally,
    metrics: PortalMetrics | None,
    snapshot: Snapshot,
    stake: MoneyAtStake,
) -> list[ScorecardOut]:
    """One card per funnel: open deals, win rate, findings by severity, money at stake."""
    rows = {m.funnel_id: m for m in metrics.funnels} if metrics else {}
    cards = []
    for funnel in snapshot.structure.funnels:
        m = rows.get(funnel.id)
        counts = counted.by_funnel.get(funnel.id, Counter())
        cards.append(
            ScorecardOut(
                funnel_id=funnel.id,
                name=funnel.name,
                open=m.open if m else 0,
                win_rate=m.win_rate if m else None,
                findings=sum(counts.values()),
                by_severity=worst_first(counts),
                money_at_stake=MoneyOut(by_currency=stake.by_funnel.get(funnel.id, {})),
                stuck=counted.stuck.get(funnel.id, 0),
                untasked=counted.untasked.get(funnel.id, 0),
                neglected=counted.neglected.get(funnel.id, 0),
            )
        )
    return cards


def managers(counted: Tally, snapshot: Snapshot, stake: MoneyAtStake) -> list[ManagerRowOut]:
    """One row per manager holding open deals or named by a finding; most money first."""
    names = {u.id: u.name for u in snapshot.structure.users}
    open_by, found = counted.deals.open_by, counted.managers
    none = ManagerAcc()
    rows = []
    for uid in set(open_by) | set(found):
        m = found.get(uid, none)
        rows.append(
            ManagerRowOut(
                user_id=uid,
                name=names.get(uid, uid) if uid else "—",
                open=open_by.get(uid, 0),
                findings=m.found,
                stuck=m.stuck,
                stuck_money=MoneyOut(by_currency=dict(m.stuck_money)),
                money_at_stake=MoneyOut(by_currency=stake.by_manager.get(uid, {})),
                without_task=m.untasked,
            )
        )
    rows.sort(key=lambda r: (-_total(r.money_at_stake), -r.findings, r.name))
    return rows
