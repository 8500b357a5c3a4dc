"""A small report document with hostile names, shared by the report tests."""

from __future__ import annotations

from typing import Any

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
    Vendor,
)
from funnelkit.report import build_document

EVIL = '<script>alert("x")</script> & "quotes" \'single\''
DAY = 86_400


def snapshot() -> Snapshot:
    stages = (
        Stage(funnel_id="1", id="a", name=EVIL, sort=1),
        Stage(funnel_id="1", id="b", name='=HYPERLINK("http://x")', sort=2),
        Stage(funnel_id="1", id="w", name="Won", sort=3, semantics=Semantics.SUCCESS),
        Stage(funnel_id="1", id="l", name="Lost", sort=4, semantics=Semantics.FAILURE),
    )
    deals = []
    transitions = []
    for i in range(1, 21):
        path = ["a", "b", "w"] if i % 3 else ["a", "l"]
        for step, stage in enumerate(path):
            transitions.append(
                StageTransition(
                    id=f"{i}-{step}",
                    deal_id=str(i),
                    funnel_id="1",
                    to_stage_id=stage,
                    at=i * DAY + step * DAY,
                )
            )
        deals.append(
            Deal(
                id=str(i),
                funnel_id="1",
                stage_id=path[-1],
                created_at=i * DAY,
                amount=1000.0,
                currency="UAH",
                title=EVIL,
            )
        )
    return Snapshot(
        manifest=Manifest(
            vendor=Vendor.BITRIX24,
            domain="evil.bitrix24.ua",
            pulled_at=40 * DAY,
            data={DataSet.STAGE_HISTORY: DataStatus(state=DataState.PULLED)},
        ),
        structure=Structure(
            portal=Portal(vendor=Vendor.BITRIX24, domain="evil.bitrix24.ua", currency="UAH"),
            funnels=(Funnel(id="1", name=EVIL),),
            stages=stages,
        ),
        deals=tuple(deals),
        transitions=tuple(transitions),
    )


def finding(code: str, severity: str, stage: str = "a") -> dict[str, Any]:
    return {
        "key": f"{code}:stage:{stage}",
        "code": code,
        "name": "stages.dump",
        "severity": severity,
        "message": f"Stage {EVIL} parks deals",
        "evidence": {"share": 0.5, "note": EVIL},
        "subject": {
            "kind": "stage",
            "id": stage,
            "name": EVIL,
            "funnel_id": "1",
            "funnel_name": EVIL,
            "stage_id": stage,
            "stage_name": EVIL,
        },
        "related": ["1", "2"],
        "related_count": 2,
    }


def document(lang: str = "en") -> dict[str, Any]:
    snap = snapshot()
    audit = {
        "schema": "funnelkit.audit/1",
        "lang": lang,
        "now": "1970-02-10T00:00:00Z",
        "clock": "time in stage",
        "fail_on": "high",
        "exit_code": 1,
        "counts": {"critical": 0, "high": 1, "medium": 1, "low": 0, "info": 0},
        "findings": [
            finding("FK101", "high"),
            {**finding("FK102", "medium", "b"), "message": "=cmd|' /C calc'!A0"},
        ],
        "rules": [
            {
                "code": "FK101",
                "name": "stages.dump",
                "status": "ran",
                "reason": None,
                "findings": 1,
            },
            {
                "code": "FK102",
                "name": "stages.vague-name",
                "status": "ran",
                "reason": None,
                "findings": 1,
            },
            {
                "code": "FK302",
                "name": "tasks.postponed",
                "status": "skipped",
                "reason": "no deadline history on Bitrix24",
                "findings": 0,
            },
        ],
        "suppressed": [],
        "unused_suppressions": [],
        "expired_suppressions": [],
        "baseline_filtered": 0,
        "roles": [
            {
                "funnel_id": "1",
                "funnel_name": EVIL,
                "role": "primary-sales",
                "source": "guess",
                "reason": EVIL,
            }
        ],
    }
    texts = {"FK101": {"title": "Dump stage", "remedy": f"Fix {EVIL}", "rationale": ""}}
    metrics = compute_metrics(snap, 40 * DAY)
    return build_document(
        audit, metrics, snap.manifest, snap.structure.portal, texts, lang, 40 * DAY
    )
