"""A plan: ordered changes, what they leave alone, and whether they are safe to run."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from funnelkit.errors import InputError, PlanMismatchError, UnsafePlanError
from funnelkit.fileio import write_atomic
from funnelkit.model import Change, Vendor

PLAN_SCHEMA: Final = "funnelkit.plan/1"


class ManualStep(BaseModel):
    """Something the API cannot do (tunnels, robots): steps for a person, verified later."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    title: str
    steps: tuple[str, ...] = ()
    status: Literal["pending", "verified", "unverifiable", "done"] = "pending"
    evidence: str | None = None


class Unmanaged(BaseModel):
    """A portal object the blueprint does not declare: reported, never touched."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["funnel", "stage", "loss_reason"]
    id: str
    name: str
    funnel_id: str | None = None
    funnel_name: str | None = None


class Plan(BaseModel):
    """What apply would do to one portal to make it match one blueprint."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_: Literal["funnelkit.plan/1"] = Field(default=PLAN_SCHEMA, alias="schema")
    blueprint: str
    vendor: Vendor
    domain: str
    changes: tuple[Change, ...] = ()
    warnings: tuple[str, ...] = ()
    manual: tuple[ManualStep, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()
    refusals: tuple[str, ...] = ()
    threshold_problems: tuple[str, ...] = ()
    matched: dict[str, str] = Field(default_factory=dict)
    source: str | None = None  # the blueprint file (or bundled name) the plan was made from
    checksum: str = ""

    def with_checksum(self) -> Plan:
        """The same plan with its checksum filled in."""
        return self.model_copy(update={"checksum": self.compute_checksum()})

    def compute_checksum(self) -> str:
        """sha256 of the canonical JSON of what apply would do (not of notes or reports)."""
        body = {
            "schema": PLAN_SCHEMA,
            "vendor": str(self.vendor),
            "domain": self.domain,
            "changes": [c.model_dump(mode="json") for c in self.changes],
            "refusals": list(self.refusals),
        }
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def has_changes(self) -> bool:
        """True when apply would change something (manual steps do not count)."""
        return bool(self.changes) or bool(self.refusals)

    def counts(self) -> dict[str, int]:
        """Changes per kind (create / update / reorder / move / delete)."""
        kinds: Counter[str] = Counter(change.kind for change in self.changes)
        return {k: kinds.get(k, 0) for k in ("create", "update", "reorder", "move", "delete")}

    def unsafe_changes(self) -> list[Change]:
        """Changes that need --force."""
        return [c for c in self.changes if c.unsafe_reason]

    def raise_if_unsafe(self, force: bool) -> None:
        """Refuse (exit 4) what needs --force, and always what --force cannot allow."""
        if self.refusals:
            raise UnsafePlanError(
                "refused: " + "; ".join(self.refusals),
                hint="give the blueprint an explicit `move_deals_to:` for each removed object",
            )
        problems = [f"{c.summary}: {c.unsafe_reason}" for c in self.unsafe_changes()]
        problems += list(self.threshold_problems)
        if problems and not force:
            raise UnsafePlanError(
                "unsafe changes need --force:\n  " + "\n  ".join(problems),
                hint="review the plan, then re-run with --force",
            )

    def to_json(self) -> str:
        """Deterministic JSON with `"schema": "funnelkit.plan/1"`."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        data["counts"] = self.counts()
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def save(self, path: Path) -> None:
        """Write the plan file (`plan --save-plan`)."""
        write_atomic(path, self.to_json())


def load_plan(path: Path) -> Plan:
    """Read a saved plan; a plan whose checksum does not match its body was edited."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such plan file") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON plan file ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != PLAN_SCHEMA:
        raise InputError(
            f'{path}: not a funnelkit plan (expected "schema": "{PLAN_SCHEMA}")',
            hint="save one with `funnelkit plan BLUEPRINT --save-plan FILE`",
        )
    data.pop("counts", None)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise InputError(
            f"{path}: malformed plan ({exc.error_count()} problems; first: {where}: "
            f"{first.get('msg')})",
            hint="re-create the plan with `funnelkit plan --save-plan`",
        ) from None
    if plan.checksum != plan.compute_checksum():
        raise InputError(
            f"{path}: the plan's checksum does not match its changes (was it edited?)",
            hint="re-create the plan with `funnelkit plan --save-plan`",
        )
    return plan


def check_binding(reviewed: Plan, fresh: Plan) -> None:
    """`apply --plan FILE`: refuse (exit 4) when the portal changed since the review."""
    if (reviewed.vendor, reviewed.domain) != (fresh.vendor, fresh.domain):
        raise PlanMismatchError(
            f"the plan was made for {reviewed.vendor} {reviewed.domain}, "
            f"not {fresh.vendor} {fresh.domain}",
            hint="apply it to the portal it was made for",
        )
    if reviewed.checksum != fresh.checksum:
        raise PlanMismatchError(
            f"the portal changed since the plan was reviewed (checksum {reviewed.checksum[:12]} "
            f"≠ {fresh.checksum[:12]})",
            hint="run `funnelkit plan --save-plan` again and review the new plan",
        )


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of a saved plan file (`funnelkit schema plan`)."""
    schema = Plan.model_json_schema(by_alias=True)
    schema["title"] = "funnelkit plan"
    return schema
