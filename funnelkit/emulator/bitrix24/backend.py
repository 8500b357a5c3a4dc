"""What every method handler works on: the state, its indexes, schemas and vendor ids."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.emulator.bitrix24.fields import Schema
from funnelkit.emulator.bitrix24.index import Indexes
from funnelkit.emulator.bitrix24.params import pick
from funnelkit.emulator.bitrix24.schemas import Ctx, deal_schema, history_schema, lead_schema
from funnelkit.emulator.bitrix24.schemas_people import (
    activity_schema,
    company_schema,
    contact_schema,
    task_schema,
    user_schema,
)
from funnelkit.emulator.state import LEAD_FUNNEL_ID, PortalState
from funnelkit.model import Stage, spa_funnel_id

_DYNAMIC = re.compile(r"^DYNAMIC_(\d+)_STAGE_(\d+)$")
_SPA_FUNNEL = re.compile(r"^DT(\d+)_(\d+)$")


def spa_parts(funnel_id: str) -> tuple[int, int] | None:
    """(entityTypeId, category id) of a smart-process funnel id `DT{type}_{category}`."""
    match = _SPA_FUNNEL.match(funnel_id)
    return None if match is None else (int(match[1]), int(match[2]))


# Fields whose equality filters an index answers (see index.py).
PARTITIONS: dict[str, tuple[str, ...]] = {
    "deal": ("CATEGORY_ID", "STAGE_ID"),
    "lead": ("STATUS_ID",),
    "history_deal": ("OWNER_ID",),
    "history_lead": ("OWNER_ID",),
    "activity": ("OWNER_ID",),
}


class Backend:
    """The portal as the Bitrix24 handlers see it."""

    def __init__(self, state: PortalState) -> None:
        self.state = state
        self.ctx = Ctx(state)
        self.schemas: dict[str, Schema] = {
            "deal": deal_schema(self.ctx),
            "lead": lead_schema(self.ctx),
            "history_deal": history_schema(self.ctx, lead=False),
            "history_lead": history_schema(self.ctx, lead=True),
            "activity": activity_schema(),
            "task": task_schema(),
            "user": user_schema(),
            "contact": contact_schema(),
            "company": company_schema(),
        }
        parts: dict[str, dict[str, Callable[[Any], Any]]] = {}
        for table, names in PARTITIONS.items():
            schema = self.schemas[table]
            parts[table] = {n: f.get for n in names if (f := schema.find(n))}
        self.indexes = Indexes(state, parts)
        self._status_ids: dict[tuple[str, str], int] = {}
        self.now: Callable[[], int] = lambda: int(time.time())  # the app installs its clock
        self.moves: list[str] = []  # deal ids moved by tunnels, for tests and benchmarks

    # --- stage directories (bitrix24.md §6.3) -------------------------------------------

    def entity_id(self, funnel_id: str) -> str:
        """ENTITY_ID of a funnel's stage directory: STATUS, DEAL_STAGE, DEAL_STAGE_n, or
        DYNAMIC_{type}_STAGE_{category} for a smart process (§12)."""
        if funnel_id == LEAD_FUNNEL_ID:
            return "STATUS"
        spa = spa_parts(funnel_id)
        if spa is not None:
            return f"DYNAMIC_{spa[0]}_STAGE_{spa[1]}"
        return "DEAL_STAGE" if funnel_id == "0" else f"DEAL_STAGE_{funnel_id}"

    def funnel_of(self, entity_id: str) -> str | None:
        """The funnel a directory belongs to (None: unknown; `DEAL_STAGE_0` is not one, §6.3)."""
        if entity_id == "STATUS":
            return LEAD_FUNNEL_ID
        if entity_id == "DEAL_STAGE":
            return "0"
        if entity_id.startswith("DEAL_STAGE_"):
            tail = entity_id[len("DEAL_STAGE_") :]
            if tail.isdigit() and tail != "0" and tail in self.state.funnels:
                return tail
        match = _DYNAMIC.match(entity_id)
        if match is not None:
            fid = spa_funnel_id(int(match[1]), match[2])
            return fid if fid in self.state.funnels else None
        return None

    def status_num(self, key: tuple[str, str]) -> int:
        """The numeric ID of a stage row, stable for the app's life."""
        if not self._status_ids:
            ordered = sorted(self.state.stages, key=lambda k: (_funnel_order(k[0]), k))
            for i, k in enumerate(ordered, start=1):
                self._status_ids[k] = i * 2 - 1  # odd numbers, as in A.15 (101, 103, ...)
        if key not in self._status_ids:
            self._status_ids[key] = max(self._status_ids.values(), default=0) + 2
        return self._status_ids[key]

    def stage_by_num(self, num: int) -> Stage | None:
        """A stage by its numeric row ID."""
        for key, stage in self.state.stages.items():
            if self.status_num(key) == num:
                return stage
        return None

    def deal_count(self, table: str, field_name: str, value: Any) -> int:
        """How many deals/leads hold a category or stage (for the delete refusals, §6.1/§6.3)."""
        part = self.indexes.get(table).partition(field_name, value)
        return 0 if part is None else len(part)


def _funnel_order(funnel_id: str) -> tuple[int, str]:
    if funnel_id == LEAD_FUNNEL_ID:
        return (0, "")
    return (2, funnel_id) if funnel_id.startswith("DT") else (1, funnel_id.zfill(12))


@dataclass
class Call:
    """One method call as a handler sees it."""

    backend: Backend
    method: str
    params: dict[str, Any]
    user_id: str = "1"

    def p(self, name: str, default: Any = None) -> Any:
        """A top-level parameter, case-insensitively."""
        return pick(self.params, name, default)


@dataclass
class Outcome:
    """A handler's answer: the `result` plus list metadata and what the call cost."""

    result: Any
    total: int | None = None
    next: int | None = None
    counted: int = 0
    returned: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Call], Outcome]
