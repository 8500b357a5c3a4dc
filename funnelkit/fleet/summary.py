"""What one portal's run came to, what changed since its last run, and the fleet summary.

Pure functions over plain data: the runner feeds them what it read and wrote, and the
summary (`fleet.json`, `funnelkit.fleet/1`) is built from nothing else, so it can be
tested without a portal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from funnelkit.model.timeutil import iso

FLEET_SCHEMA = "funnelkit.fleet/1"
SEVERITIES = ("critical", "high", "medium", "low", "info")
TREND_RUNS = 10  # runs of history shown per portal in the summary
Status = Literal["ok", "unreadable"]


@dataclass(frozen=True)
class PortalOutcome:
    """One portal in one fleet run: read and audited ("ok"), or not ("unreadable")."""

    name: str
    vendor: str
    status: Status
    error: str | None = None
    score: int | None = None
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    failing: int = 0
    money_at_stake: dict[str, float] = field(default_factory=dict)
    change: dict[str, Any] | None = None
    pull: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)
    trend: list[dict[str, Any]] = field(default_factory=list)

    def history_line(self, at: int) -> dict[str, Any]:
        """What the portal's history keeps of this run (one JSON line)."""
        return {
            "at": iso(at),
            "status": self.status,
            "error": self.error,
            "score": self.score,
            "findings_by_severity": self.findings_by_severity,
            "money_at_stake": self.money_at_stake,
        }


def last_ok(history: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The latest run of a portal that was read and audited, if any."""
    return next((h for h in reversed(history) if h.get("status") == "ok"), None)


def _delta(now: Mapping[str, float], before: Mapping[str, float]) -> dict[str, float]:
    keys = sorted(set(now) | set(before))
    return {k: round(now.get(k, 0) - before.get(k, 0), 2) for k in keys}


def change_since(
    previous: Mapping[str, Any] | None,
    score: int,
    by_severity: Mapping[str, int],
    money: Mapping[str, float],
    old_keys: set[str] | None,
    new_keys: set[str],
) -> dict[str, Any] | None:
    """Score, findings and money against the portal's previous good run (None on the first)."""
    if previous is None:
        return None
    before = previous.get("findings_by_severity") or {}
    counts = _delta(by_severity, before)
    change: dict[str, Any] = {
        "since": previous.get("at"),
        "score": score - int(previous.get("score") or 0),
        "findings": int(sum(by_severity.values()) - sum(before.values())),
        "findings_by_severity": {k: int(counts.get(k, 0)) for k in SEVERITIES},
        "money_at_stake": _delta(money, previous.get("money_at_stake") or {}),
    }
    if old_keys is not None:
        change["new"] = len(new_keys - old_keys)
        change["resolved"] = len(old_keys - new_keys)
    return change


def trend(history: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The last runs' scores, oldest first (None where the portal could not be read)."""
    runs = list(history)[-TREND_RUNS:]
    return [{"at": h.get("at"), "score": h.get("score"), "status": h.get("status")} for h in runs]


def fleet_exit_code(outcomes: Iterable[PortalOutcome]) -> int:
    """3 when any portal could not be read, else 1 when any failed --fail-on, else 0."""
    items = list(outcomes)
    if any(o.status == "unreadable" for o in items):
        return 3
    return 1 if any(o.failing for o in items) else 0


def _entry(outcome: PortalOutcome) -> dict[str, Any]:
    return {
        "name": outcome.name,
        "vendor": outcome.vendor,
        "status": outcome.status,
        "error": outcome.error,
        "score": outcome.score,
        "findings_by_severity": {k: outcome.findings_by_severity.get(k, 0) for k in SEVERITIES}
        if outcome.status == "ok"
        else None,
        "failing": outcome.failing,
        "money_at_stake": outcome.money_at_stake if outcome.status == "ok" else None,
        "change": outcome.change,
        "trend": outcome.trend,
        "pull": outcome.pull,
        "reports": outcome.reports,
    }


def fleet_document(
    outcomes: Sequence[PortalOutcome], fail_on: str, generated_at: int, wall_seconds: float
) -> dict[str, Any]:
    """The fleet summary as JSON-ready data; portals sorted worst score first, unreadable on top."""
    ordered = sorted(
        outcomes,
        key=lambda o: (o.status == "ok", o.score if o.score is not None else -1, o.name),
    )
    money: dict[str, float] = {}
    for o in outcomes:
        for currency, amount in o.money_at_stake.items():
            money[currency] = round(money.get(currency, 0.0) + amount, 2)
    ok = [o for o in outcomes if o.status == "ok"]
    return {
        "schema": FLEET_SCHEMA,
        "generated_at": iso(generated_at),
        "fail_on": fail_on,
        "exit_code": fleet_exit_code(outcomes),
        "wall_seconds": round(wall_seconds, 2),
        "totals": {
            "portals": len(outcomes),
            "ok": len(ok),
            "unreadable": len(outcomes) - len(ok),
            "failing": sum(1 for o in ok if o.failing),
            "findings_by_severity": {
                k: sum(o.findings_by_severity.get(k, 0) for o in ok) for k in SEVERITIES
            },
            "money_at_stake": dict(sorted(money.items())),
        },
        "portals": [_entry(o) for o in ordered],
    }
