"""The one hand-built Bitrix24 portal: the shapes of the vendor's documented examples.

Category 0 and category 2 (stage ids `C2:…`), the documented stage codes, a call
(activity 20) and the task of the REST examples (8017), with deal n created n minutes
after T0: the emulator tests page, filter and count against exactly these. Every other
test portal comes from a fixture file or from `funnelkit.emulator.generate`
(tests/test_architecture.py checks).
"""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.state import PortalState
from funnelkit.model import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    Deal,
    EntityKind,
    Funnel,
    FunnelKind,
    Semantics,
    Stage,
    StageTransition,
    TransitionKind,
    User,
    Vendor,
)

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
DEALS = 120

DEAL_STAGES = (
    ("NEW", "New", 10, Semantics.PROCESS, True),
    ("PREPARATION", "Document preparation", 20, Semantics.PROCESS, False),
    ("WON", "Deal successful", 60, Semantics.SUCCESS, True),
    ("LOSE", "Deal failed", 70, Semantics.FAILURE, True),
)
LEAD_STAGES = (
    ("NEW", "Not processed", 10, Semantics.PROCESS, True),
    ("IN_PROCESS", "In progress", 20, Semantics.PROCESS, False),
    ("CONVERTED", "Converted", 50, Semantics.SUCCESS, True),
    ("JUNK", "Low-quality lead", 60, Semantics.FAILURE, True),
)


def _stages(state: PortalState, funnel_id: str, prefix: str, spec: Any) -> None:
    for code, name, sort, sem, system in spec:
        sid = prefix + code
        state.stages[(funnel_id, sid)] = Stage(
            funnel_id=funnel_id, id=sid, name=name, sort=sort, semantics=sem, system=system
        )


def docs_portal() -> PortalState:
    """Funnels 0 and 2 (+ leads), DEALS deals alternating between them, history, activities."""
    s = PortalState(vendor=Vendor.BITRIX24, now=T0)
    s.users = {
        "1": User(id="1", name="Anna Fischer", departments=("1",)),
        "29": User(id="29", name="Klaus Weber", departments=("1",)),
    }
    s.funnels = {
        "0": Funnel(id="0", name="General", sort=300, is_default=True),
        "2": Funnel(id="2", name="Production", sort=200),
        "LEAD": Funnel(id="LEAD", name="Leads", kind=FunnelKind.LEAD),
    }
    _stages(s, "0", "", DEAL_STAGES)
    _stages(s, "2", "C2:", DEAL_STAGES)
    _stages(s, "LEAD", "", LEAD_STAGES)
    s.contacts = {"7": Contact(id="7", name="Ivan Petrov", company_id="3", responsible_id="1")}
    s.companies = {"3": Company(id="3", name="Acme", responsible_id="1")}
    for n in range(1, DEALS + 1):
        funnel = "0" if n % 2 else "2"
        stage = "NEW" if funnel == "0" else "C2:NEW"
        s.deals[str(n)] = Deal(
            id=str(n),
            funnel_id=funnel,
            stage_id=stage,
            created_at=T0 + n * 60,
            title=f"Deal {n}",
            responsible_id="1" if n % 3 else "29",
            contact_ids=("7",),
            amount=float(n * 100),
            modified_at=T0 + n * 60,
        )
        s.transitions.append(
            StageTransition(
                id=str(n),
                deal_id=str(n),
                funnel_id=funnel,
                to_stage_id=stage,
                at=T0 + n * 60,
                kind=TransitionKind.CREATED,
            )
        )
    for n in (1, 2, 3):
        s.deals[f"L{n}"] = Deal(
            id=f"L{n}",
            funnel_id="LEAD",
            stage_id="NEW",
            created_at=T0 + n,
            title=f"Lead {n}",
            entity=EntityKind.LEAD,
            responsible_id="1",
        )
    s.transitions.append(
        StageTransition(
            id=str(DEALS + 1),
            deal_id="L1",
            funnel_id="LEAD",
            to_stage_id="NEW",
            at=T0 + 1,
            kind=TransitionKind.CREATED,
        )
    )
    s.activities = [
        Activity(
            id="20",
            kind=ActivityKind.CALL,
            created_at=T0 + 5,
            deal_id="1",
            responsible_id="1",
            deadline=T0 + 3600,
            done=True,
            subject="Call",
        ),
        Activity(
            id="T8017",
            kind=ActivityKind.TASK,
            created_at=T0 + 6,
            deal_id="2",
            responsible_id="29",
            deadline=T0 + 86_400,
            subject="Task Example",
        ),
    ]
    return s
