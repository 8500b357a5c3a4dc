"""The JSON report's shape (`"schema": "funnelkit.audit/1"`), as pydantic models.

The json reporter's output is validated against these models in the tests, so the
published schema (`funnelkit schema report`) and what funnelkit writes cannot drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from funnelkit.metrics.results import PortalMetrics
from funnelkit.model.enums import Lang

REPORT_SCHEMA = "funnelkit.audit/1"
Severity = Literal["info", "low", "medium", "high", "critical"]
#: The one list of severities (mildest first), languages and formats every part of report/ uses.
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
FORMATS = ("text", "json", "csv", "markdown", "html", "sarif", "junit")


_RANKS: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """0 for info up to 4 for critical (asked once or more per finding: a lookup, not a scan)."""
    rank = _RANKS.get(severity)
    if rank is None:
        raise ValueError(f"{severity!r} is not a severity ({', '.join(SEVERITIES)})")
    return rank


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A report of a big portal holds close to a million findings. As pydantic models they cost
# most of the report's time to build and dump, so a finding (and its subject) is a plain slots
# dataclass: pydantic still validates, serializes and publishes it through the models that
# hold it (an instance passes validation as it is, without re-checking its fields), and the
# tests check every emitted finding against this shape.
_FORBID = ConfigDict(extra="forbid")


@dataclass(slots=True, kw_only=True)
class SubjectOut:
    __pydantic_config__ = _FORBID

    kind: str
    id: str
    name: str = ""
    funnel_id: str | None = None
    funnel_name: str | None = None
    stage_id: str | None = None
    stage_name: str | None = None


@dataclass(slots=True, kw_only=True)
class FindingOut:
    __pydantic_config__ = _FORBID

    key: Annotated[
        str, Field(description="Stable identity: rule code + entity (baselines match on it)")
    ]
    code: str
    name: str
    severity: Severity
    title: str = ""
    message: str
    remedy: str = ""
    subject: SubjectOut
    evidence: dict[str, Any]
    related: list[str]
    related_count: int


@dataclass(slots=True, kw_only=True)
class SuppressedOut(FindingOut):
    __pydantic_config__ = _FORBID

    reason: str
    entry: int


# A dataclass without a docstring gets one generated from its signature, which pydantic would
# publish as the schema's description; these shapes have none, as the models they were had none.
SubjectOut.__doc__ = FindingOut.__doc__ = SuppressedOut.__doc__ = None


class RuleRun(_Strict):
    code: str
    name: str
    status: Literal["ran", "skipped"]
    reason: str | None = None
    findings: int


class SuppressionNoteOut(_Strict):
    entry: int
    rule: str
    reason: str
    expires: str | None = None


class RoleOut(_Strict):
    funnel_id: str
    funnel_name: str
    role: str
    source: str
    reason: str = ""


class PortalOut(_Strict):
    vendor: str
    domain: str
    name: str = Field("", description="The portal as the config names it (else its domain)")
    currency: str | None = None
    pulled_at: str | None = None


class Summary(_Strict):
    findings: int
    by_severity: dict[str, int]
    failing: int
    fail_on: Severity
    exit_code: int
    rules_run: int
    rules_skipped: int
    suppressed: int
    baseline_filtered: int


class MoneyOut(_Strict):
    """Sums per currency (never added across currencies)."""

    by_currency: dict[str, float] = Field(default_factory=dict)


class ScoreOut(_Strict):
    value: int = Field(ge=0, le=100)
    hygiene: float
    setup: float
    open_deals: int
    affected_deals: int
    deductions: dict[str, float] = Field(description="Rule code → points taken off the set-up part")


class GroupOut(_Strict):
    """Findings of one rule in one place (funnel × stage, or a manager), for people to read."""

    key: str
    code: str
    name: str
    severity: Severity
    title: str = ""
    remedy: str = ""
    funnel_id: str | None = None
    funnel_name: str | None = None
    stage_id: str | None = None
    stage_name: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    count: int
    deals: int = Field(description="Deals the group's findings cover")
    contacts: int = Field(description="Contacts the group's findings cover")
    money: MoneyOut = Field(description="Open amounts of stuck, neglected or untasked deals")
    examples: list[str] = Field(description="A few subjects, by name")
    finding_keys: list[str] = Field(
        description="Keys of the first findings (all are in findings[])"
    )


class ActionOut(_Strict):
    rank: int
    code: str
    name: str
    severity: Severity
    title: str
    remedy: str
    findings: int
    deals: int
    contacts: int
    money: MoneyOut
    effort: Literal["low", "medium", "high"]
    priority: float


class ScorecardOut(_Strict):
    funnel_id: str
    name: str
    open: int
    win_rate: float | None = None
    findings: int
    by_severity: dict[str, int]
    money_at_stake: MoneyOut
    stuck: int
    untasked: int
    neglected: int


class ManagerRowOut(_Strict):
    user_id: str
    name: str
    open: int
    findings: int
    stuck: int
    stuck_money: MoneyOut
    money_at_stake: MoneyOut
    without_task: int


class MovementOut(_Strict):
    deal_id: str
    deal_name: str = ""
    from_funnel_id: str | None
    from_stage_id: str | None
    to_funnel_id: str | None
    to_stage_id: str | None
    from_stage_name: str | None = None
    to_stage_name: str | None = None
    kind: Literal["won", "lost", "advanced", "moved_back", "idle", "new"]


class DeltaOut(_Strict):
    id: str
    name: str
    before: dict[str, float | None]
    after: dict[str, float | None]


class CompareFindings(_Strict):
    new: list[str]
    resolved: list[str]
    open: list[str]


class CompareOut(_Strict):
    old_pulled_at: str | None
    findings: CompareFindings
    movements: list[MovementOut]
    movement_counts: dict[str, int]
    funnels: list[DeltaOut]
    managers: list[DeltaOut]


class Definition(_Strict):
    name: str
    definition: str


class AuditReport(_Strict):
    """A whole audit report."""

    schema_: Literal["funnelkit.audit/1"] = Field(alias="schema")
    funnelkit_version: str
    lang: Lang
    generated_at: str
    now: str | None
    now_source: str = "snapshot as-of"  # the audit's clock: the snapshot's as-of, or given
    clock: str
    config: str | None = Field(default=None, description="The config file used, if any")
    portal: PortalOut
    summary: Summary
    score: ScoreOut
    money_at_stake: MoneyOut
    actions: list[ActionOut]
    scorecards: list[ScorecardOut]
    managers: list[ManagerRowOut]
    groups: list[GroupOut]
    # Worded as they are read (`rows.FindingList`): a million rows held at once would be a
    # second copy of the audit's findings. Not validated here for the same reason; the tests
    # check every emitted finding against `FindingOut`.
    findings: Annotated[Sequence[FindingOut], SkipValidation]
    rules: list[RuleRun]
    suppressed: list[SuppressedOut]
    unused_suppressions: list[SuppressionNoteOut]
    expired_suppressions: list[SuppressionNoteOut]
    roles: list[RoleOut]
    metrics: PortalMetrics | None = None
    definitions: dict[str, Definition]
    compare: CompareOut | None = None


def report_schema() -> dict[str, Any]:
    """JSON Schema of the json report."""
    schema = AuditReport.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "funnelkit audit report (funnelkit.audit/1)"
    return schema
