"""A small portal with hostile names, audited for real, shared by the report tests."""

from __future__ import annotations

from funnelkit.audit import run_audit
from funnelkit.metrics import compute_metrics
from funnelkit.model import (
    DataSet,
    DataState,
    DataStatus,
    Deal,
    Funnel,
    Manifest,
    Portal,
    Semantics,
    Snapshot,
    Stage,
    StageTransition,
    Structure,
    User,
    Vendor,
)
from funnelkit.report import AuditReport, build_report

EVIL = '<script>alert("x")</script> & "quotes" \'single\''
IMG = '<img src=x onerror="alert(1)">'
LINK = "[click](javascript:alert(1))"
REMOTE = "![t](https://evil.example/pixel.png)"
HOSTILE = (EVIL, IMG, LINK, REMOTE)
DAY = 86_400
NOW = 400 * DAY


def snapshot(open_deals: int = 6, funnels: int = 1, users: int = 2) -> Snapshot:
    """Closed deals with history (won / lost) and `open_deals` old open deals with no tasks."""
    stages: list[Stage] = []
    funnel_rows = []
    for n in range(funnels):
        fid = str(n + 1)
        funnel_rows.append(Funnel(id=fid, name=f"{EVIL} {n}" if n else EVIL))
        stages += [
            Stage(funnel_id=fid, id="a", name=IMG, sort=1),
            Stage(funnel_id=fid, id="b", name='=HYPERLINK("http://x")', sort=2),
            Stage(funnel_id=fid, id="c", name=LINK, sort=3),
            Stage(funnel_id=fid, id="w", name="Won", sort=4, semantics=Semantics.SUCCESS),
            Stage(funnel_id=fid, id="l", name="Lost", sort=5, semantics=Semantics.FAILURE),
        ]
    deals, transitions = [], []
    for i in range(1, 21):
        path = ["a", "b", "w"] if i % 3 else ["a", "l"]
        for step, stage in enumerate(path):
            at = i * DAY + step * DAY
            transitions.append(StageTransition(f"{i}-{step}", str(i), "1", stage, at))
        deals.append(
            Deal(
                str(i),
                "1",
                path[-1],
                i * DAY,
                title=REMOTE,
                amount=1000.0,
                currency="UAH",
                closed=True,
                closed_at=(i + 2) * DAY,
                responsible_id="u1",
            )
        )
    for j in range(open_deals):
        i = 100 + j
        fid, stage = str(j % funnels + 1), "abc"[j % 3]
        transitions.append(StageTransition(f"{i}-0", str(i), fid, stage, 30 * DAY))
        deals.append(
            Deal(
                str(i),
                fid,
                stage,
                30 * DAY,
                title=f"{HOSTILE[j % 4]} {j}",
                amount=500.0 + j,
                currency="UAH",
                responsible_id=f"u{j % users + 1}",
            )
        )
    pulled = {
        d: DataStatus(state=DataState.PULLED)
        for d in (DataSet.STAGE_HISTORY, DataSet.DEALS, DataSet.TASKS, DataSet.USERS)
    }
    return Snapshot(
        manifest=Manifest(
            vendor=Vendor.BITRIX24, domain="evil.bitrix24.ua", pulled_at=NOW, data=pulled
        ),
        structure=Structure(
            portal=Portal(vendor=Vendor.BITRIX24, domain="evil.bitrix24.ua", currency="UAH"),
            users=tuple(User(id=f"u{k + 1}", name=f"{HOSTILE[k % 4]} {k}") for k in range(users)),
            funnels=tuple(funnel_rows),
            stages=tuple(stages),
        ),
        deals=tuple(deals),
        transitions=tuple(transitions),
    )


def document(lang: str = "en", snap: Snapshot | None = None) -> AuditReport:
    now = NOW if snap is None else None  # a generated portal keeps its own clock
    snap = snap or snapshot()
    result = run_audit(snap, None, now)
    metrics = compute_metrics(snap, result.now)
    return build_report(result, snap, metrics, lang, result.now, portal_name="acme")
