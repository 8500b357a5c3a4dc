"""The portal an emulator serves: vendor-neutral, mutable, shared by both vendor apps.

Ids follow the snapshot's conventions, so a pull can be compared with the state
row for row: Bitrix24 deal funnels are category ids ("0", "7"), the lead funnel
is `LEAD_FUNNEL_ID`, lead ids carry the `L` prefix and task ids the `T` prefix
(their vendor number spaces overlap with deals' and activities'). Each vendor
app strips or adds these prefixes at its edge.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import TypeVar

from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.model import (
    Activity,
    Company,
    Contact,
    CustomField,
    DeadlineChange,
    Deal,
    Funnel,
    LossReason,
    ResponsibleChange,
    SmartProcess,
    Stage,
    StageTransition,
    Tunnel,
    User,
    Vendor,
)

_R = TypeVar("_R")

LEAD_FUNNEL_ID = "LEAD"
LEAD_PREFIX = "L"
TASK_PREFIX = "T"


@dataclass(frozen=True, slots=True)
class Planted:
    """One defect the generator planted on purpose: the answer key of a messy portal."""

    code: str
    entity: str  # "funnel" | "stage" | "deal" | "contact" | "task" | "user" | "field"
    # (an SPA item is a "deal" of an SPA funnel: the audit's subject kind for both)
    entity_id: str
    note: str = ""


@dataclass
class PortalState:
    """Everything a portal holds. Apps mutate it under `lock`."""

    vendor: Vendor
    domain: str = "demo.example"
    currency: str = "RUB"
    now: int = 0  # the generator's "today": data is laid out up to this moment
    users: dict[str, User] = field(default_factory=dict)
    funnels: dict[str, Funnel] = field(default_factory=dict)
    stages: dict[tuple[str, str], Stage] = field(default_factory=dict)
    loss_reasons: dict[str, LossReason] = field(default_factory=dict)
    custom_fields: list[CustomField] = field(default_factory=list)
    tunnels: list[Tunnel] = field(default_factory=list)
    deals: dict[str, Deal] = field(default_factory=dict)  # ascending numeric id order
    transitions: list[StageTransition] = field(default_factory=list)  # ascending id
    responsible_changes: list[ResponsibleChange] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)  # ascending id; tasks too
    deadline_changes: list[DeadlineChange] = field(default_factory=list)
    contacts: dict[str, Contact] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    planted: list[Planted] = field(default_factory=list)
    # Bitrix24 smart processes by entityTypeId; their funnels and stages sit in `funnels` and
    # `stages` (ids `DT{type}_{category}`), their items here, apart from deals, in id order.
    smart_processes: dict[int, SmartProcess] = field(default_factory=dict)
    items: dict[str, Deal] = field(default_factory=dict)
    next_ids: dict[str, int] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def new_id(self, table: str, floor: int = 1) -> int:
        """The next vendor id of a table, as the vendor assigns them: increasing, never reused."""
        with self.lock:
            value = max(self.next_ids.get(table, floor), floor)
            self.next_ids[table] = value + 1
            return value

    def stages_of(self, funnel_id: str) -> list[Stage]:
        """A funnel's stages in their sort order."""
        found = [s for (f, _), s in self.stages.items() if f == funnel_id]
        return sorted(found, key=lambda s: (s.sort, s.id))


@dataclass
class EmulatorOptions:
    """How an emulator behaves, independent of what it serves."""

    secret: str = "emulator-secret-0000"  # Bitrix24 webhook code / amoCRM long-lived token
    user_id: str = "1"  # Bitrix24 webhook owner
    client_id: str = "local.emulator"
    client_secret: str = "emulator-client-secret"
    rate_limit: bool = False
    cost_model: bool = False
    clock: Clock = field(default_factory=Clock)
    faults: FaultPlan | None = None
    access_token_ttl: int = 3600


# Every epoch-seconds field of the portal's records (model/rows.py): what moves when a
# portal is re-anchored to another "today".
TIME_FIELDS = frozenset(
    {
        "created_at",
        "modified_at",
        "closed_at",
        "last_activity_at",
        "at",
        "deadline",
        "completed_at",
        "old_deadline",
        "new_deadline",
    }
)


def _shifted(row: _R, delta: int) -> _R:
    changes = {
        name: value + delta
        for name in TIME_FIELDS
        if isinstance(value := getattr(row, name, None), int) and not isinstance(value, bool)
    }
    return dataclasses.replace(row, **changes) if changes else row  # type: ignore[type-var]


def shift_state(state: PortalState, as_of: int) -> PortalState:
    """Re-anchor a portal so that its `now` becomes `as_of`: every date moves by the same amount.

    A fixture or generated portal then looks the same whatever day it is served: a deal
    "ten days in its stage" is ten days in it on the emulator's clock too.
    """
    delta = int(as_of) - state.now
    if delta == 0:
        return state
    with state.lock:
        state.deals = {k: _shifted(v, delta) for k, v in state.deals.items()}
        state.items = {k: _shifted(v, delta) for k, v in state.items.items()}
        state.contacts = {k: _shifted(v, delta) for k, v in state.contacts.items()}
        state.companies = {k: _shifted(v, delta) for k, v in state.companies.items()}
        state.transitions = [_shifted(t, delta) for t in state.transitions]
        state.responsible_changes = [_shifted(r, delta) for r in state.responsible_changes]
        state.activities = [_shifted(a, delta) for a in state.activities]
        state.deadline_changes = [_shifted(d, delta) for d in state.deadline_changes]
        state.now = int(as_of)
    return state
