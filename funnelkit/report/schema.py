"""The JSON report's shape (`"schema": "funnelkit.audit/1"`), as pydantic models.

The json reporter's output is validated against these models in the tests, so the
published schema (`funnelkit schema report`) and what funnelkit writes cannot drift.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.metrics.results import PortalMetrics

REPORT_SCHEMA = "funnelkit.audit/1"
Severity = Literal["info", "low", "medium", "high", "critical"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubjectOut(_Strict):
    kind: str
    id: str
    name: str = ""
    funnel_id: str | None = None
    funnel_name: str | None = None
    stage_id: str | None = None
    stage_name: str | None = None


class FindingOut(_Strict):
    key: str = Field(description="Stable identity: rule code + entity (baselines match on it)")
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


class SuppressedOut(FindingOut):
    reason: str
    entry: int


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


class Definition(_Strict):
    name: str
    definition: str


class AuditReport(_Strict):
    """A whole audit report."""

    schema_: Literal["funnelkit.audit/1"] = Field(alias="schema")
    funnelkit_version: str
    lang: Literal["en", "ru", "uk"]
    generated_at: str
    now: str | None
    now_source: str = "snapshot as-of"  # the audit's clock: the snapshot's as-of, or given
    clock: str
    portal: PortalOut
    summary: Summary
    findings: list[FindingOut]
    rules: list[RuleRun]
    suppressed: list[SuppressedOut]
    unused_suppressions: list[SuppressionNoteOut]
    expired_suppressions: list[SuppressionNoteOut]
    roles: list[RoleOut]
    metrics: PortalMetrics | None = None
    definitions: dict[str, Definition]


def report_schema() -> dict[str, Any]:
    """JSON Schema of the json report."""
    schema = AuditReport.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "funnelkit audit report (funnelkit.audit/1)"
    return schema
