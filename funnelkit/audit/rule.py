"""A rule's metadata and base class: what it finds and why (in English), with typed params.

A rule's English texts are written here once; the report's gettext catalogs hold their ru / uk
(`funnelkit.report.catalog_sync` extracts them), and only the report translates.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.findings import EvidenceValue, Finding, Severity, Subject
from funnelkit.model import DataSet
from funnelkit.model.phrase import Phrase, PhraseValue

if TYPE_CHECKING:
    from funnelkit.audit.context import AuditContext

GROUPS = ("stages", "deals", "tasks", "funnels", "links")


class Text(BaseModel):
    """One sentence or paragraph in English; its translations live in the report's catalogs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    en: str


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
    # evidence sentences: key → English, or (singular, plural) when a count picks the form
    phrases: dict[str, str | tuple[str, str]] = Field(default_factory=dict)
    domain_item: str = ""

    @property
    def templates(self) -> dict[str, str]:
        """Variant → English template (what findings carry; catalog context `CODE.message`)."""
        return {k: v.en for k, v in self.messages.items()}


def needs(data: str, state: str, why: str | None) -> Phrase:
    """Why a rule did not run: the data it needs, its state and the vendor's explanation."""
    state_text = Phrase(state.replace("_", " "), "reason.state")
    named = Phrase(data, "dataset")
    if not why:
        return Phrase(NEEDS, "reason.needs", data=named, state=state_text)
    why_text = Phrase(why, "reason.why")
    return Phrase(NEEDS_WHY, "reason.needs", data=named, state=state_text, why=why_text)


NEEDS = "needs {data}, which is {state}"
NEEDS_WHY = "needs {data}, which is {state}: {why}"


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

    def unmet(self, ctx: AuditContext) -> Phrase | None:
        """Why the rule cannot run on this snapshot, or None when it can."""
        for dataset in sorted(self.meta.requires):
            status = ctx.snapshot.manifest.status(dataset)
            if not ctx.snapshot.manifest.has(dataset):
                return needs(dataset.value, status.state.value, status.reason)
        return None

    @cached_property
    def _templates(self) -> dict[str, str]:
        return self.meta.templates

    def phrase(self, key: str, counter: str | None = None, **params: PhraseValue) -> Phrase:
        """The rule's evidence sentence `key` filled with `params` (translated by the report)."""
        text = self.meta.phrases[key]
        context = f"{self.meta.code}.phrase.{key}"
        if isinstance(text, tuple):
            return Phrase(text[0], context, plural=text[1], counter=counter, **params)
        return Phrase(text, context, **params)

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
