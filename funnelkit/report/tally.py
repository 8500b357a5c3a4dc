"""One walk over an audit's findings for every summary the report shows.

Groups, funnel scorecards and the manager table each count the same findings; at a million
findings a walk costs about a second, so they are counted together, straight from the audit's
findings (no report rows), and the deals are indexed once for all of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from funnelkit.report.rows import RELATED_KEPT
from funnelkit.report.schema import SEVERITIES, Severity
from funnelkit.report.score import NEGLECTED, STUCK, UNTASKED

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

    by_severity: Counter[int] = field(default_factory=Counter)  # severity rank → findings
    groups: dict[tuple[str, ...], GroupAcc] = field(default_factory=dict)
    by_funnel: dict[str, Counter[int]] = field(default_factory=dict)  # funnel → rank → findings
    stuck: Counter[str] = field(default_factory=Counter)  # funnel → FK201 deal findings
    untasked: Counter[str] = field(default_factory=Counter)
    neglected: Counter[str] = field(default_factory=Counter)
    managers: dict[str, ManagerAcc] = field(default_factory=dict)
    open_by: Counter[str] = field(default_factory=Counter)  # manager → open deals
    amounts: dict[str, tuple[str, float]] = field(default_factory=dict)


def group_key(
    code: str, kind: str, subject_id: str, funnel: str | None, stage: str | None
) -> tuple[str, ...]:
    """Rule × funnel × stage for deals and stages, rule × manager for users, else rule × funnel."""
    if kind == "user":
        return (code, "user", subject_id)
    if kind in ("deal", "stage"):
        return (code, funnel or "", stage or "")
    return (code, funnel or "", "")


def worst_first(counts: Counter[int]) -> dict[Severity, int]:
    """Counts by severity rank as the report lists them: critical first, every severity."""
    return {SEVERITIES[rank]: counts.get(rank, 0) for rank in range(len(SEVERITIES) - 1, -1, -1)}


def tally(findings: Sequence[Finding], snapshot: Snapshot) -> Tally:
    """Count `findings` for every summary in one walk (see the module docstring)."""
    out = Tally()
    cur = snapshot.structure.portal.currency or "?"
    holder: dict[str, str] = {}
    deal_ids: set[str] = set()
    amounts, open_by = out.amounts, out.open_by
    for d in snapshot.deals:
        responsible = d.responsible_id or ""
        holder[d.id] = responsible
        if not d.closed:
            open_by[responsible] += 1
            if d.amount:
                amounts[d.id] = (d.currency or cur, d.amount)
    deal_ids = set(holder)
    contact_ids = {c.id for c in snapshot.contacts}
    groups, by_funnel, managers = out.groups, out.by_funnel, out.managers
    by_severity = out.by_severity
    per_rule = {STUCK: out.stuck, UNTASKED: out.untasked, NEGLECTED: out.neglected}
    for f in findings:
        s, code = f.subject, f.code
        rank = f.severity.rank
        kind, sid, funnel = s.kind, s.id, s.funnel_id
        by_severity[rank] += 1
        key = group_key(code, kind, sid, funnel, s.stage_id)
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
        if len(acc.examples) < EXAMPLES:
            acc.examples.append(str(s.name) or sid)
        if len(acc.keys) < KEYS_PER_GROUP:
            acc.keys.append(f.key)
        counts = by_funnel.get(funnel or "")
        if counts is None:
            counts = by_funnel[funnel or ""] = Counter()
        counts[rank] += 1
        if kind == "deal":
            counted = per_rule.get(code)
            if counted is not None:
                counted[funnel or ""] += 1
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
    return out
