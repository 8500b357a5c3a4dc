"""A small portal with hostile names, audited for real, shared by the report tests."""

from __future__ import annotations

from funnelkit.audit import run_audit
from funnelkit.metrics import compute_metrics
from funnelkit.model import Snapshot
from funnelkit.report import AuditReport, build_report
from tests.portals import build

EVIL = '<script>alert("x")</script> & "quotes" \'single\''
IMG = '<img src=x onerror="alert(1)">'
LINK = "[click](javascript:alert(1))"
REMOTE = "![t](https://evil.example/pixel.png)"
HOSTILE = (EVIL, IMG, LINK, REMOTE)
DAY = 86_400
NOW = 400 * DAY


def snapshot(open_deals: int = 6, funnels: int = 1, users: int = 2) -> Snapshot:
    """Closed deals with history (won / lost) and `open_deals` old open deals with no tasks."""
    stages = [
        {"id": "a", "name": IMG},
        {"id": "b", "name": '=HYPERLINK("http://x")'},
        {"id": "c", "name": LINK},
    ]
    funnel_specs = [
        {
            "id": str(n + 1),
            "name": f"{EVIL} {n}" if n else EVIL,
            "stages": stages,
            "won": "w=Won",
            "lost": ["l=Lost"],
        }
        for n in range(funnels)
    ]
    deals: list[dict[str, object]] = []
    for i in range(1, 21):
        path = ["a", "b", "w"] if i % 3 else ["a", "l"]
        deals.append(
            {
                "id": str(i),
                "history": [[stage, i + step - 400] for step, stage in enumerate(path)],
                "closed": i + 2 - 400,
                "title": REMOTE,
                "amount": 1000.0,
                "currency": "UAH",
                "responsible": "u1",
            }
        )
    for j in range(open_deals):
        fid, stage = str(j % funnels + 1), "abc"[j % 3]
        deals.append(
            {
                "id": str(100 + j),
                "funnel": fid,
                "history": [[stage, 30 - 400]],
                "title": f"{HOSTILE[j % 4]} {j}",
                "amount": 500.0 + j,
                "currency": "UAH",
                "responsible": f"u{j % users + 1}",
            }
        )
    return build(
        {
            "vendor": "bitrix24",
            "now": 400,
            "domain": "evil.bitrix24.ua",
            "currency": "UAH",
            "pulled": ["stage_history", "deals", "tasks", "users"],
            "users": [{"id": f"u{k + 1}", "name": f"{HOSTILE[k % 4]} {k}"} for k in range(users)],
            "funnels": funnel_specs,
            "deals": deals,
        }
    )


def document(lang: str = "en", snap: Snapshot | None = None) -> AuditReport:
    now = NOW if snap is None else None  # a generated portal keeps its own clock
    snap = snap or snapshot()
    result = run_audit(snap, None, now)
    metrics = compute_metrics(snap, result.now)
    return build_report(result, snap, metrics, lang, result.now, portal_name="acme")
