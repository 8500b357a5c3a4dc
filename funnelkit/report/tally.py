"""One walk over an audit's findings for every summary the report shows.

Groups, funnel scorecards, the manager table, money at stake and the score each count the same
findings; at a million findings a walk costs about a second, so they are counted together,
straight from the audit's findings (no report rows), against one ledger of the deals
(`metrics.ledger`, read from the columns).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from funnelkit.metrics.ledger import DealLedger, deal_ledger
from funnelkit.report.rows import RELATED_KEPT
from funnelkit.report.schema import SEVERITIES
from funnelkit.report.schema import Severity as SeverityName
from funnelkit.report.score import (
    NEGLECTED,
    STAKE_RULES,
    STUCK,
    UNTASKED,
    MoneyAtStake,
    PortalScore,
    score_from,
    stake_of,
)

if TYPE_CHECKING:
    from funnelkit.audit.findings import Finding
    from funnelkit.model import Snapshot

EXAMPLES = 3
KEYS_PER_GROUP = 20
#: Rules whose `related` ids are contacts (the others list deals, or stages of no count).
RELATED_CONTACTS = frozenset({"FK303"})


@dataclass
class GroupAcc:
    """One group's findings so far: the first of them, the worst severity, who they cover."""

    first: Finding
    rank: int
    count: int = 0
    deals: set[str] = field(default_factory=set)
    contacts: set[str] = field(default_factory=set)
    examples: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


@dataclass
class ManagerAcc:
    """A manager's findings: all of them, stuck deals (and their money), untasked deals."""

    found: int = 0
    stuck: int = 0
    untasked: int = 0
    stuck_money: dict[str, float] = field(default_factory=dict)


@dataclass
class Tally:
    """What the summaries need from the findings and the deals."""

    deals: DealLedger

    by_severity: Counter[int] = field(default_factory=Counter)  # severity rank → findings
    groups: dict[tuple[str, ...], GroupAcc] = field(default_factory=dict)
    by_funnel: dict[str, Counter[int]] = field(default_factory=dict)  # funnel → rank → findings
    stuck: Counter[str] = field(default_factory=Counter)  # funnel → FK201 deal findings
    untasked: Counter[str] = field(default_factory=Counter)
    neglected: Counter[str] = field(default_factory=Counter)
    managers: dict[str, ManagerAcc] = field(default_factory=dict)
    #: deal → the stake rules (FK201, FK301, FK303) naming it, in order of first finding
    stake_rules: dict[str, set[str]] = field(default_factory=dict)
    #: rule (not a stake rule) → (findings, worst severity), for the score
    per_rule: dict[str, tuple[int, str]] = field(default_factory=dict)

    def stake(self) -> MoneyAtStake:
        """Money at stake (`score.money_at_stake`) of the findings counted."""
        return stake_of(self.stake_rules, self.deals)

    def score(self) -> PortalScore:
        """The portal score (`score.score_of`) of the findings counted."""
        return score_from(len(self.stake_rules), self.per_rule, self.deals.open_count)


def group_key(
    code: str, kind: str, subject_id: str, funnel: str | None, stage: str | None
) -> tuple[str, ...]:
    """Rule × funnel × stage for deals and stages, rule × manager for users, else rule × funnel."""
    if kind == "user":
        return (code, "user", subject_id)
    if kind in ("deal", "stage"):
        return (code, funnel or "", stage or "")
    return (code, funnel or "", "")


def worst_first(counts: Counter[int]) -> dict[SeverityName, int]:
    """Counts by severity rank as the report lists them: critical first, every severity."""
    return {SEVERITIES[rank]: counts.get(rank, 0) for rank in range(len(SEVERITIES) - 1, -1, -1)}


def tally(findings: Sequence[Finding], snapshot: Snapshot) -> Tally:
    """Count `findings` for every summary in one walk (see the module docstring)."""
    deals = deal_ledger(snapshot)
    out = Tally(deals)
    holder, amounts = deals.holder, deals.amounts
    deal_ids = set(deals.ids)
    contact_ids = set(deals.contact_ids)
    groups, managers = out.groups, out.managers
    by_severity = [0] * len(SEVERITIES)
    by_funnel: dict[tuple[str, int], int] = {}
    per_funnel = {STUCK: out.stuck, UNTASKED: out.untasked, NEGLECTED: out.neglected}
    stake_rules = out.stake_rules
    per_rule: dict[str, list[int]] = {}  # rule → [findings, worst rank]
    for f in findings:
        s, code = f.subject, f.code
        rank = f.severity.rank
        kind, sid, funnel = s.kind, s.id, s.funnel_id or ""
        by_severity[rank] += 1
        if code in STAKE_RULES:
            if kind == "deal":
                named = stake_rules.get(sid)
                if named is None:
                    stake_rules[sid] = {code}
                else:
                    named.add(code)
        else:
            seen = per_rule.get(code)
            if seen is None:
                per_rule[code] = [1, rank]
            else:
                seen[0] += 1
                if rank > seen[1]:
                    seen[1] = rank
        if kind == "user":  # `group_key`, inline: it is asked once per finding
            key: tuple[str, ...] = (code, "user", sid)
        elif kind == "deal" or kind == "stage":
            key = (code, funnel, s.stage_id or "")
        else:
            key = (code, funnel, "")
        acc = groups.get(key)
        if acc is None:
            acc = groups[key] = GroupAcc(first=f, rank=rank)
        elif rank > acc.rank:
            acc.rank = rank
        acc.count += 1
        if kind == "deal":
            acc.deals.add(sid)
        elif kind == "contact":
            acc.contacts.add(sid)
        # the ids the portal has, matched in one pass; as many as a report row keeps
        related = f.related[:RELATED_KEPT]
        if related:
            if code in RELATED_CONTACTS:
                acc.contacts |= contact_ids.intersection(related)
            else:
                acc.deals |= deal_ids.intersection(related)
        if acc.count <= KEYS_PER_GROUP:  # the first findings of the group
            acc.keys.append(f.key)
            if acc.count <= EXAMPLES:
                acc.examples.append(str(s.name) or sid)
        place = (funnel, rank)
        by_funnel[place] = by_funnel.get(place, 0) + 1
        if kind == "deal":
            counted = per_funnel.get(code)
            if counted is not None:
                counted[funnel] += 1
            who: str | None = holder.get(sid)
        else:
            who = sid if kind == "user" else None
        if who is None:
            continue
        m = managers.get(who)
        if m is None:
            m = managers[who] = ManagerAcc()
        m.found += 1
        if code == STUCK:
            m.stuck += 1
            found = amounts.get(sid)
            if found:
                money = m.stuck_money
                money[found[0]] = round(money.get(found[0], 0.0) + found[1], 2)
        elif code == UNTASKED:
            m.untasked += 1
    out.by_severity.update({rank: n for rank, n in enumerate(by_severity) if n})
    for (funnel, rank), n in by_funnel.items():
        out.by_funnel.setdefault(funnel, Counter())[rank] = n
    out.per_rule.update({code: (n, SEVERITIES[worst]) for code, (n, worst) in per_rule.items()})
    return out
