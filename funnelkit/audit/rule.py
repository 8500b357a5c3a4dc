"""A rule's metadata and base class: what it finds, why, in three languages, with typed params."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.findings import EvidenceValue, Finding, Severity, Subject
from funnelkit.model import DataSet

if TYPE_CHECKING:
    from funnelkit.audit.context import AuditContext

GROUPS = ("stages", "deals", "tasks", "funnels", "links")


class Text(BaseModel):
    """One sentence or paragraph; ru / uk inline, or (rule titles, rationales, remedies) only
    English here and the translations in the report's gettext catalogs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    en: str
    ru: str | None = None
    uk: str | None = None

    def get(self, lang: str) -> str:
        """The inline text in `lang`, English when there is none."""
        return str(getattr(self, lang, None) or self.en)


class RuleMeta(BaseModel):
    """Everything the catalogue, reports and config validation know about a rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^FK\d{3}$")
    name: str = Field(pattern=r"^[a-z]+\.[a-z-]+$")
    group: str
    aliases: tuple[str, ...] = ()
    title: Text
    rationale: Text
    remedy: Text
    severity: Severity
    requires: frozenset[DataSet] = frozenset()
    messages: dict[str, Text] = Field(default_factory=dict)
    domain_item: str = ""

    @property
    def templates(self) -> dict[str, dict[str, str]]:
        """Variant → language → template (what findings carry)."""
        return {k: v.model_dump() for k, v in self.messages.items()}


class NoParams(BaseModel):
    """A rule without parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")


P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class Tuning(Generic[P]):
    """A rule's parameters: one base set plus per-funnel overrides."""

    base: P
    per_funnel: dict[str, P] = field(default_factory=dict)

    def __call__(self, funnel_id: str | None = None) -> P:
        if funnel_id is not None and funnel_id in self.per_funnel:
            return self.per_funnel[funnel_id]
        return self.base


class Rule(ABC):
    """Base of every audit rule. Subclasses set `meta`, `Params` and implement `check`.

    A rule reads the context's precomputed indexes and never fetches data; when
    the data it needs is missing, the engine reports it skipped (see `unmet`).
    """

    meta: ClassVar[RuleMeta]
    Params: ClassVar[type[BaseModel]] = NoParams

    def unmet(self, ctx: AuditContext) -> str | None:
        """Why the rule cannot run on this snapshot, or None when it can."""
        for dataset in sorted(self.meta.requires):
            status = ctx.snapshot.manifest.status(dataset)
            if not ctx.snapshot.manifest.has(dataset):
                why = status.reason or status.state.value.replace("_", " ")
                return f"needs {dataset.value}, which is {status.state.value}: {why}"
        return None

    @cached_property
    def _templates(self) -> dict[str, dict[str, str]]:
        return self.meta.templates

    @abstractmethod
    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterable[Finding]:
        """The rule's findings on one snapshot (every rule module implements this)."""

    def run(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        yield from self.check(ctx, params)

    def finding(
        self,
        subject: Subject,
        variant: str = "default",
        *,
        severity: Severity | None = None,
        related: Iterable[str] = (),
        **evidence: EvidenceValue,
    ) -> Finding:
        """A finding whose message is the rule's `variant` template filled with `evidence`."""
        return Finding(
            code=self.meta.code,
            name=self.meta.name,
            severity=severity or self.meta.severity,
            subject=subject,
            template=self._templates[variant],
            evidence=evidence,
            related=tuple(related),
        )
