"""What an audit produces: severities, findings, rule outcomes and the whole result."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from funnelkit.model import FunnelRole, RoleSource
from funnelkit.model.phrase import plain

Number = int | float
EvidenceValue = int | float | str | bool | None


class Severity(StrEnum):
    """How urgent a finding is; ordered info < low < medium < high < critical."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return _RANKS[self]

    def at_least(self, other: Severity) -> bool:
        """True when this severity is `other` or worse."""
        return self.rank >= other.rank


_RANKS = {s: i for i, s in enumerate(Severity)}


@dataclass(frozen=True, slots=True)
class Subject:
    """The entity a finding is about, with names so a manager can find it in the CRM."""

    kind: str  # portal | funnel | stage | deal | contact | task | user | field
    id: str
    name: str = ""
    funnel_id: str | None = None
    funnel_name: str | None = None
    stage_id: str | None = None
    stage_name: str | None = None

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.funnel_id or "", self.stage_id or "", self.kind, self.id)


@dataclass(slots=True)
class Finding:
    """One problem: which rule, how bad, about what, in words and in numbers.

    `related` lists other entity ids the finding covers (e.g. the deals of a
    stuck-stage finding or a manager's skipped deals), so answer keys and
    suppressions can match them. Not frozen: a big portal yields close to a million
    findings, and a frozen dataclass is about twice as slow to build.
    """

    code: str
    name: str
    severity: Severity
    subject: Subject
    template: str  # English str.format template over subject + evidence (catalog: CODE.message)
    evidence: dict[str, EvidenceValue] = field(default_factory=dict)
    related: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable identity across runs: rule code + entity kind + entity id (+ funnel)."""
        s = self.subject
        scope = f"@{s.funnel_id}" if s.funnel_id and s.kind in ("contact", "user") else ""
        return f"{self.code}:{s.kind}:{s.id}{scope}"

    def text(self) -> str:
        """The message in English, rendered on demand (the report renders other languages).

        Rendering lazily keeps a run with hundreds of thousands of findings cheap.
        """
        s = self.subject
        args = {k: plain(k, v) for k, v in self.evidence.items()}
        args.update(subject=s.name or s.id, funnel=s.funnel_name or "")
        args.setdefault("stage", s.stage_name or "")
        return self.template.format(**args)

    def sort_key(self) -> tuple[int, str, tuple[str, str, str, str]]:
        return (-self.severity.rank, self.code, self.subject.sort_key())


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """Whether a selected rule ran, and if not, why (never a silent pass)."""

    code: str
    name: str
    status: Literal["ran", "skipped"]
    reason: str | None = None
    findings: int = 0


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding kept out of the verdict by a suppression entry; reported with its reason."""

    finding: Finding
    reason: str
    entry: int  # index of the entry in the ignore file


@dataclass(frozen=True, slots=True)
class SuppressionNote:
    """An ignore-file entry that matched nothing or has expired."""

    entry: int
    rule: str
    reason: str
    expires: str | None = None


@dataclass(frozen=True, slots=True)
class RoleInfo:
    """A funnel's role and where it came from (blueprint, config, or the name analyser)."""

    funnel_id: str
    funnel_name: str
    role: FunnelRole
    source: RoleSource
    reason: str = ""


@dataclass
class AuditResult:
    """Everything one audit run found, suppressed, skipped and assumed."""

    findings: list[Finding]
    outcomes: list[RuleOutcome]
    now: int
    fail_on: Severity = Severity.HIGH
    suppressed: list[Suppressed] = field(default_factory=list)
    unused_suppressions: list[SuppressionNote] = field(default_factory=list)
    expired_suppressions: list[SuppressionNote] = field(default_factory=list)
    baseline_filtered: int = 0
    roles: list[RoleInfo] = field(default_factory=list)
    clock: str = "time in current stage (stage history), else deal age"
    # where `now` came from: "snapshot as-of" (the default) or "given" (audit --now)
    now_source: str = "snapshot as-of"

    def failing(self) -> list[Finding]:
        """Findings at or above the fail-on severity."""
        return [f for f in self.findings if f.severity.at_least(self.fail_on)]

    @property
    def exit_code(self) -> int:
        """1 when anything fails the run (interface.md exit codes), else 0."""
        return 1 if self.failing() else 0

    def skipped(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]
