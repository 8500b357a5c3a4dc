"""The portal score and money at stake (report/score.py) on hand-built audits."""

from __future__ import annotations

from funnelkit.audit import AuditResult, Finding, Severity, Subject
from funnelkit.model import Deal, Manifest, Portal, Snapshot, Structure, Vendor
from funnelkit.report.score import money_at_stake, portal_score


def _snapshot(deals: list[Deal]) -> Snapshot:
    manifest = Manifest(vendor=Vendor.BITRIX24, domain="x.test", pulled_at=0)
    portal = Portal(vendor=Vendor.BITRIX24, domain="x.test", currency="RUB")
    return Snapshot(manifest, Structure(portal=portal), deals=tuple(deals))


def _deal(i: int, amount: float, closed: bool = False, currency: str | None = None) -> Deal:
    return Deal(str(i), "0", "NEW", 0, amount=amount, closed=closed, currency=currency)


def _finding(kind: str, sid: str, severity: Severity, related: tuple[str, ...] = ()) -> Finding:
    return Finding("FK201", "deals.stuck", severity, Subject(kind, sid), {}, related=related)


def test_nothing_found_scores_100() -> None:
    snap = _snapshot([_deal(1, 10.0)])
    result = AuditResult(findings=[], outcomes=[], now=0)
    assert portal_score(result, snap).value == 100
    assert money_at_stake(result, snap) == {}


def test_deal_findings_weigh_their_worst_severity() -> None:
    snap = _snapshot([_deal(i, 100.0) for i in range(1, 5)] + [_deal(9, 50.0, closed=True)])
    findings = [
        _finding("deal", "1", Severity.CRITICAL),
        _finding("deal", "1", Severity.LOW),
        _finding("stage", "NEW", Severity.MEDIUM, related=("2", "9")),  # 9 is closed
        _finding("deal", "3", Severity.INFO),
    ]
    score = portal_score(AuditResult(findings=findings, outcomes=[], now=0), snap)
    # deals: (1 + 0.5 + 0) / 4 open = 37.5 points; structure: one medium = 2 points
    assert score.deal_penalty == 37.5 and score.structure_penalty == 2
    assert score.value == 60 and score.affected_deals == 3 and score.open_deals == 4
    money = money_at_stake(AuditResult(findings=findings, outcomes=[], now=0), snap)
    assert money == {"RUB": 200.0}  # deals 1 and 2; deal 3 has only an info finding


def test_structure_penalty_is_capped_and_currencies_kept_apart() -> None:
    snap = _snapshot([_deal(1, 10.0, currency="USD"), _deal(2, 5.0)])
    findings = [_finding("funnel", str(i), Severity.CRITICAL) for i in range(20)]
    findings.append(_finding("deal", "1", Severity.HIGH))
    findings.append(_finding("deal", "2", Severity.HIGH))
    result = AuditResult(findings=findings, outcomes=[], now=0)
    score = portal_score(result, snap)
    assert score.structure_penalty == 50
    assert score.value == 0  # 75 (deals) + 50 (structure), clipped
    assert money_at_stake(result, snap) == {"RUB": 5.0, "USD": 10.0}
