"""The fleet summary's pure parts: exit code, change since the last run, trend, ordering."""

from __future__ import annotations

from typing import Any

from funnelkit.fleet.summary import (
    TREND_RUNS,
    PortalOutcome,
    change_since,
    fleet_document,
    fleet_exit_code,
    last_ok,
    trend,
)
from funnelkit.report.fleet import change_text, fleet_to_markdown, fleet_to_text

COUNTS = {"critical": 1, "high": 2, "medium": 0, "low": 3, "info": 0}


def _ok(name: str, score: int, failing: int = 0) -> PortalOutcome:
    return PortalOutcome(
        name, "bitrix24", "ok", score=score, findings_by_severity=COUNTS, failing=failing,
        money_at_stake={"RUB": 100.0},
    )  # fmt: skip


def test_exit_code_prefers_unreadable_over_findings() -> None:
    bad = PortalOutcome("x", "amocrm", "unreadable", error="HTTP 401")
    assert fleet_exit_code([_ok("a", 90, failing=3), bad]) == 3
    assert fleet_exit_code([_ok("a", 90, failing=3), _ok("b", 99)]) == 1
    assert fleet_exit_code([_ok("a", 90), _ok("b", 99)]) == 0
    assert fleet_exit_code([]) == 0


def test_change_against_the_last_good_run() -> None:
    history: list[dict[str, Any]] = [
        {"status": "ok", "at": "t1", "score": 50, "findings_by_severity": {"high": 4}},
        {"status": "unreadable", "at": "t2", "score": None},
    ]
    previous = last_ok(history)
    assert previous is not None and previous["at"] == "t1"
    change = change_since(previous, 60, COUNTS, {"RUB": 10.0}, {"k1", "k2"}, {"k2", "k3", "k4"})
    assert change is not None
    assert change["since"] == "t1"
    assert change["score"] == 10
    assert change["findings"] == 6 - 4
    assert change["findings_by_severity"]["high"] == -2
    assert change["findings_by_severity"]["critical"] == 1
    assert change["money_at_stake"] == {"RUB": 10.0}
    assert (change["new"], change["resolved"]) == (2, 1)
    assert change_since(None, 60, COUNTS, {}, None, set()) is None
    assert "new" not in (change_since(previous, 60, COUNTS, {}, None, set()) or {})


def test_trend_keeps_the_last_runs() -> None:
    history = [{"at": str(i), "score": i, "status": "ok"} for i in range(TREND_RUNS + 5)]
    runs = trend(history)
    assert len(runs) == TREND_RUNS
    assert runs[0]["score"] == 5 and runs[-1]["score"] == TREND_RUNS + 4


def test_document_orders_unreadable_then_worst_first() -> None:
    bad = PortalOutcome("z", "amocrm", "unreadable", error="HTTP 401")
    doc = fleet_document([_ok("good", 90), bad, _ok("poor", 20, failing=1)], "high", 0, 1.5)
    assert [p["name"] for p in doc["portals"]] == ["z", "poor", "good"]
    assert doc["exit_code"] == 3
    assert doc["portals"][0]["findings_by_severity"] is None
    assert doc["totals"]["money_at_stake"] == {"RUB": 200.0}
    assert doc["totals"]["findings_by_severity"]["high"] == 4
    assert doc["totals"]["unreadable"] == 1 and doc["totals"]["failing"] == 1
    text = fleet_to_text(doc, "en")
    assert "HTTP 401" in text and "unreadable" in text
    assert fleet_to_markdown(doc, "ru").count("\n| ") == 1 + 3  # the head and a row each


def test_change_text() -> None:
    assert change_text(None, "en") == "first run"
    change = {"score": 3, "findings": -2, "new": 1, "resolved": 3, "money_at_stake": {"RUB": -5}}
    assert change_text(change, "en") == "score +3, findings -2 (1 new, 3 resolved), -5 RUB"
