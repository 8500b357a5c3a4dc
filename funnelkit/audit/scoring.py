"""Per-rule precision and recall of an audit against an answer key.

Pure: findings and the key's rows in, counts out. The key is what a portal's maker
planted (the generator's or a hand-written fixture's), never what a rule computed, so
a rule tuned to its own output cannot score well by construction.

Matching is by (code, entity kind, entity id). A stage is `funnel_id/stage_id`, as the
key writes it. A finding also covers the ids in `related` of the same kind as its
subject (a manager's FK202 finding lists the dragged deals): a planted deal counts as
found when a finding of its code names it either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from funnelkit.audit.findings import Finding, RuleOutcome


@dataclass(frozen=True, slots=True)
class KeyRow:
    """One planted defect."""

    code: str
    entity: str
    entity_id: str


@dataclass
class RuleScore:
    """How one rule did: true positives, false positives, misses; or why it is not judged."""

    code: str
    planted: int = 0  # entities in the key
    found: int = 0  # findings the audit made
    true_findings: int = 0  # findings that name a planted entity
    covered: int = 0  # planted entities some finding names
    skipped: str | None = None
    false_positives: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return None if self.skipped or self.found == 0 else self.true_findings / self.found

    @property
    def recall(self) -> float | None:
        return None if self.skipped or self.planted == 0 else self.covered / self.planted

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "planted": self.planted,
            "found": self.found,
            "true_findings": self.true_findings,
            "covered": self.covered,
            "precision": self.precision,
            "recall": self.recall,
            "skipped": self.skipped,
            "false_positives": self.false_positives[:20],
            "misses": self.misses[:20],
        }


KINDS = ("portal", "funnel", "stage", "deal", "contact", "task", "user", "field")


def finding_keys(f: Finding) -> set[tuple[str, str]]:
    """(kind, id) pairs a finding covers, in the answer key's spelling.

    `related` ids carry no kind (a manager's finding lists deals, a deal's its contacts),
    so each stands for whichever kind the key gives it.
    """
    s = f.subject
    if s.kind == "portal":  # one per snapshot, named by whatever host it was pulled from
        return {("portal", "*")}
    if s.kind == "stage":
        return {("stage", f"{s.funnel_id}/{s.stage_id or s.id}")}
    out = {(s.kind, s.id)}
    out.update((kind, r) for r in f.related for kind in KINDS)
    return out


def rows_from(key: Iterable[Mapping[str, Any]]) -> list[KeyRow]:
    """Answer-key rows from JSON-ready dicts (`code`, `entity`, `entity_id`)."""
    return [KeyRow(str(r["code"]), str(r["entity"]), str(r["entity_id"])) for r in key]


def score(
    findings: Iterable[Finding],
    outcomes: Iterable[RuleOutcome],
    key: Iterable[KeyRow],
    unjudged: Mapping[str, str] | None = None,
) -> list[RuleScore]:
    """One score per rule that ran or was planted, in code order.

    `unjudged` names rules the key cannot judge, with the reason (e.g. a defect the
    portal's maker did not plant on this vendor).
    """
    planted: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in key:
        planted[row.code].add((row.entity, "*" if row.entity == "portal" else row.entity_id))
    reported: dict[str, list[tuple[Finding, set[tuple[str, str]]]]] = defaultdict(list)
    for f in findings:
        reported[f.code].append((f, finding_keys(f)))
    status = {o.code: o for o in outcomes}
    out = []
    for code in sorted(set(planted) | set(status)):
        sc = RuleScore(code)
        o = status.get(code)
        if o is not None and o.status == "skipped":
            sc.skipped = f"the audit skipped it: {o.reason}"
        elif unjudged and code in unjudged:
            sc.skipped = unjudged[code]
        elif o is None:
            sc.skipped = "not selected in this audit"
        want = planted.get(code, set())
        sc.planted = len(want)
        covered: set[tuple[str, str]] = set()
        for f, keys in reported.get(code, []):
            sc.found += 1
            if keys & want:
                covered |= keys & want
            else:
                sc.false_positives.append(f.subject.id)
        # precision counts findings, recall planted entities: one finding may cover several
        sc.true_findings = sc.found - len(sc.false_positives)
        sc.covered = len(covered)
        sc.misses = sorted(e for _, e in want - covered)
        if not want and not sc.found and sc.skipped is None:
            sc.skipped = "nothing planted and nothing found"
        out.append(sc)
    return out
