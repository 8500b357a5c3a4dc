"""The one place a fleet run asks for a portal's score and money at stake (report/score.py)."""

from __future__ import annotations

from funnelkit.audit import AuditResult
from funnelkit.model import Snapshot


def measure(result: AuditResult, snapshot: Snapshot) -> tuple[int, dict[str, float]]:
    """The 0–100 score and the money at stake per currency of one audited snapshot."""
    from funnelkit.report.score import money_at_stake, portal_score

    return portal_score(result, snapshot).value, money_at_stake(result, snapshot)
