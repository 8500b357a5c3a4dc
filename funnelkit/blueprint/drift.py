"""Drift: a read-only plan for CI, sorted into changed, unmanaged and missing.

Nothing here can write: it plans against a snapshot and never sees a connector.
Known drift is accepted through the `drift:` section of funnelkit-ignore.yaml.
"""

from __future__ import annotations

import datetime as dt
import json
from fnmatch import fnmatchcase
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from funnelkit.blueprint.plan import Plan
from funnelkit.blueprint.planner import PlanOptions, plan
from funnelkit.blueprint.schema import Blueprint
from funnelkit.errors import ConfigError
from funnelkit.model import (
    Change,
    CreateFunnel,
    CreateLossReason,
    CreateStage,
    DeleteFunnel,
    DeleteLossReason,
    DeleteStage,
    RenameFunnel,
    ReorderStages,
    Snapshot,
    StageChange,
    Vendor,
)

DRIFT_SCHEMA = "funnelkit.drift/1"
Category = Literal["changed", "unmanaged", "missing"]
_MISSING = (CreateFunnel, CreateStage, CreateLossReason)


def _inside_other_change(change: Change) -> bool:
    """Part of creating a funnel or of a semantics change, not a difference of its own."""
    if isinstance(change, DeleteStage) and change.replaces_old:
        return True
    return isinstance(change, StageChange) and change.reuse_code is not None


def _kind(change: Change) -> str:
    if isinstance(change, CreateLossReason | DeleteLossReason):
        return "loss_reason"
    if isinstance(change, ReorderStages):
        return "order"
    if isinstance(change, CreateFunnel | RenameFunnel | DeleteFunnel):
        return "funnel"
    return "stage"


def _stage_key(change: Change) -> str | None:
    if isinstance(change, StageChange | CreateStage):
        return change.stage_key
    if isinstance(change, CreateLossReason | DeleteLossReason):
        return change.reason_key
    return None


class DriftIgnore(BaseModel):
    """One accepted drift: glob patterns over funnel / stage (key, name or id)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category | None = None
    funnel: str = "*"
    stage: str | None = None
    reason: str = Field(min_length=1)
    expires: dt.date | None = None


class DriftItem(BaseModel):
    """One difference between the portal and the blueprint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category
    kind: str
    funnel: str
    stage: str | None = None
    detail: str
    accepted: str | None = None  # the ignore entry's reason


class DriftReport(BaseModel):
    """What `funnelkit drift` prints; exit 1 when any item is not accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: str = Field(default=DRIFT_SCHEMA, alias="schema")
    blueprint: str
    vendor: Vendor
    domain: str
    items: tuple[DriftItem, ...] = ()
    tunnels: tuple[str, ...] = ()  # manual steps not yet verified: informational
    fail_on_unmanaged: bool = False  # `--fail-on-unmanaged` or `drift.fail_on_unmanaged`

    @property
    def drifted(self) -> tuple[DriftItem, ...]:
        """Items that fail drift: not accepted, and unmanaged ones only when asked.

        As with Terraform, what no blueprint declares is listed but is not drift by itself:
        a portal nearly always holds more than any one blueprint manages.
        """
        return tuple(
            i
            for i in self.items
            if i.accepted is None and (i.category != "unmanaged" or self.fail_on_unmanaged)
        )

    @property
    def unmanaged(self) -> tuple[DriftItem, ...]:
        """Portal objects the blueprint does not declare, not accepted by the ignore file."""
        return tuple(i for i in self.items if i.category == "unmanaged" and i.accepted is None)

    @property
    def in_sync(self) -> bool:
        """True when nothing unaccepted differs."""
        return not self.drifted

    def to_json(self) -> str:
        """Deterministic JSON with a schema tag."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        data["in_sync"] = self.in_sync
        data["drifted"] = len(self.drifted)
        data["unmanaged_count"] = len(self.unmanaged)
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def parse_drift_ignores(data: Any, where: str = "funnelkit-ignore.yaml") -> list[DriftIgnore]:
    """The `drift:` section of an ignore file (a list of entries, or nothing)."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(f"{where}: `drift:` must be a list of entries")
    out = []
    for index, entry in enumerate(data):
        try:
            out.append(DriftIgnore.model_validate(entry))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first.get("loc", ()))
            raise ConfigError(
                f"{where}: drift[{index}].{field}: {first.get('msg')}",
                hint="each entry needs `reason:`; optional category, funnel, stage, expires",
            ) from None
    return out


def drift_from_plan(
    result: Plan,
    ignores: list[DriftIgnore] | None = None,
    today: dt.date | None = None,
    fail_on_unmanaged: bool = False,
) -> DriftReport:
    """Sort a plan's content into drift categories and apply the accepted ones."""
    items: list[DriftItem] = []
    for change in result.changes:
        if _inside_other_change(change):
            continue  # the inside of a missing funnel or of a semantics change
        category: Category = "missing" if isinstance(change, _MISSING) else "changed"
        items.append(
            _item(category, _kind(change), change.funnel_key, _stage_key(change), change.summary)
        )
    for refusal in result.refusals:
        items.append(_item("changed", "stage", "*", None, refusal))
    for u in result.unmanaged:
        funnel = u.funnel_name or (u.name if u.kind == "funnel" else "")
        stage = u.name if u.kind == "stage" else None
        items.append(_item("unmanaged", u.kind, funnel, stage, f"{u.kind} «{u.name}» (id {u.id})"))
    accepted = [_accept(i, ignores or [], today or dt.date.today()) for i in items]
    tunnels = tuple(m.title for m in result.manual if m.kind == "tunnel" and m.status != "verified")
    return DriftReport(
        blueprint=result.blueprint,
        vendor=result.vendor,
        domain=result.domain,
        items=tuple(accepted),
        tunnels=tunnels,
        fail_on_unmanaged=fail_on_unmanaged,
    )


def _item(category: Category, kind: str, funnel: str, stage: str | None, detail: str) -> DriftItem:
    return DriftItem(category=category, kind=kind, funnel=funnel, stage=stage, detail=detail)


def _accept(item: DriftItem, ignores: list[DriftIgnore], today: dt.date) -> DriftItem:
    for rule in ignores:
        if rule.expires is not None and rule.expires < today:
            continue
        if rule.category is not None and rule.category != item.category:
            continue
        if not fnmatchcase(item.funnel, rule.funnel):
            continue
        if rule.stage is not None and not fnmatchcase(item.stage or "", rule.stage):
            continue
        return item.model_copy(update={"accepted": rule.reason})
    return item


def drift(
    snapshot: Snapshot,
    blueprint: Blueprint,
    options: PlanOptions | None = None,
    ignores: list[DriftIgnore] | None = None,
    fail_on_unmanaged: bool = False,
) -> DriftReport:
    """Compare without changing anything (the snapshot is all it reads)."""
    found = plan(snapshot, blueprint, options=options)
    return drift_from_plan(found, ignores or [], fail_on_unmanaged=fail_on_unmanaged)
