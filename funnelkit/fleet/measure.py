"""The one place a fleet run reads a portal's score and money at stake from its audit report."""

from __future__ import annotations

from funnelkit.report.schema import AuditReport


def measure(report: AuditReport) -> tuple[int, dict[str, float]]:
    """The 0–100 score and the money at stake per currency (defined in report/score.py)."""
    return report.score.value, dict(report.money_at_stake.by_currency)
