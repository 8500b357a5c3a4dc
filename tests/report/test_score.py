"""The portal score and the money at stake, as README defines them."""

from __future__ import annotations

import pytest

from funnelkit.audit import run_audit
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.report.score import money_at_stake, open_deal_count, portal_score, score_of
from funnelkit.report.tally import tally
from tests.report.sample import NOW, document, snapshot


def _finding(code: str, kind: str, ident: str, severity: Severity = Severity.MEDIUM) -> Finding:
    return Finding(code, "x.y", severity, Subject(kind, ident), "")


def test_a_clean_portal_scores_100() -> None:
    assert score_of([], open_deals=10).value == 100


def test_hygiene_is_the_share_of_open_deals_no_deal_rule_reports() -> None:
    found = [_finding("FK201", "deal", "1"), _finding("FK301", "deal", "1")]
    found.append(_finding("FK303", "deal", "2"))
    score = score_of(found, open_deals=4)
    assert score.affected_deals == 2 and score.hygiene == 30.0 and score.value == 70


@pytest.mark.parametrize(("count", "points"), [(1, 4.0), (6, 8.0), (50, 8.0)])
def test_setup_deduction_grows_with_findings_up_to_the_weight(count: int, points: float) -> None:
    found = [_finding("FK101", "stage", str(i), Severity.HIGH) for i in range(count)]
    assert score_of(found, open_deals=0).deductions == {"FK101": points}


def test_setup_never_goes_below_zero() -> None:
    found = [_finding(f"FK4{i:02d}", "funnel", "1", Severity.CRITICAL) for i in range(5)]
    assert score_of(found, open_deals=0).setup == 0.0


def test_money_counts_each_open_deal_once_per_currency() -> None:
    snap = snapshot(open_deals=3)
    found = [_finding(c, "deal", "100") for c in ("FK201", "FK301", "FK303")]
    found.append(_finding("FK201", "deal", "101"))
    found.append(_finding("FK201", "deal", "1"))  # a closed deal puts nothing at stake
    stake = money_at_stake(found, snap)
    assert stake.total == {"UAH": 1001.0}
    assert stake.by_funnel == {"1": {"UAH": 1001.0}}
    assert stake.by_manager == {"u1": {"UAH": 500.0}, "u2": {"UAH": 501.0}}


def test_portal_score_of_a_result_and_of_its_report_agree() -> None:
    snap = snapshot()
    result = run_audit(snap, None, NOW)
    assert (
        portal_score(result, snap).value == portal_score(document()).value == 36
    )  # FK203: lost deals with no reason stage to record why
    with pytest.raises(ValueError, match="needs the snapshot"):
        portal_score(result)


def test_the_reports_walk_counts_money_and_score_as_the_definitions_do() -> None:
    snap = snapshot(open_deals=3)
    found = [_finding(c, "deal", "100") for c in ("FK201", "FK301", "FK303")]
    found += [_finding("FK201", "deal", "101"), _finding("FK201", "deal", "1")]
    found += [_finding("FK101", "stage", "s", Severity.HIGH), _finding("FK303", "deal", "none")]
    counted = tally(found, snap)
    assert counted.stake() == money_at_stake(found, snap)
    assert counted.stake().total == {"UAH": 1001.0}
    assert counted.score() == score_of(found, open_deal_count(snap))
    assert counted.score().deductions == {"FK101": 4.0}
    result = run_audit(snapshot(), None, NOW)
    whole = tally(result.findings, snapshot())
    assert whole.score() == portal_score(result, snapshot())
