"""Inputs and verdicts of the stage-name analyser."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from funnelkit.model.enums import FunnelKind, FunnelRole, Semantics


class Label(StrEnum):
    """What a stage name is judged to be (labelled-funnels/README.md vocabulary)."""

    OK = "ok"
    DUMP = "dump"
    VAGUE = "vague"
    MERGED = "merged"
    TOO_GRANULAR = "too-granular"
    SALES_IN_LEAD = "sales-stage-in-lead-funnel"


@dataclass(frozen=True, slots=True)
class StageInput:
    """One stage as the analyser sees it; semantics None when the source does not say."""

    id: str
    name: str
    sort: int = 0
    semantics: Semantics | None = None


@dataclass(frozen=True, slots=True)
class FunnelInput:
    """A funnel with its stages; role None means "unknown, guess it"."""

    id: str
    name: str
    kind: FunnelKind = FunnelKind.DEAL
    role: FunnelRole | None = None
    stages: tuple[StageInput, ...] = ()


@dataclass(frozen=True, slots=True)
class StageVerdict:
    """One label for one stage; a stage may carry several (e.g. dump and too-granular).

    `reason` is the English text; `code`, `params` and `notes` key the same reason in
    `funnelkit.names.reasons.REASONS`, so `text("ru")` / `text("uk")` give it in other languages.
    """

    stage_id: str
    label: Label
    reason: str
    confidence: float
    code: str = "ok.clean"
    params: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    # every label of this stage (this verdict's among them), for callers keeping one per stage
    labels: tuple[Label, ...] = ()

    def text(self, lang: str = "en") -> str:
        """The reason in en, ru or uk."""
        from funnelkit.names.reasons import render

        return render(self.code, dict(self.params), self.notes, lang)


@dataclass(frozen=True, slots=True)
class RoleGuess:
    """The analyser's guess of a funnel's role from its name and stage names.

    `reason` is the English text; `code` and `params` key it in `funnelkit.names.reasons`.
    """

    role: FunnelRole
    confidence: float
    reason: str
    code: str = "role.default"
    params: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "en") -> str:
        """The reason in en, ru or uk."""
        from funnelkit.names.reasons import render

        return render(self.code, dict(self.params), (), lang)


@dataclass(frozen=True, slots=True)
class FunnelAnalysis:
    """Verdicts in stage order (every stage has at least one) and the role guess."""

    verdicts: tuple[StageVerdict, ...]
    role_guess: RoleGuess

    def labels_of(self, stage_id: str) -> frozenset[Label]:
        """The labels given to one stage."""
        return frozenset(v.label for v in self.verdicts if v.stage_id == stage_id)

    def stage_labels(self) -> dict[str, tuple[Label, ...]]:
        """Stage id → all its labels in verdict order (a stage may carry several)."""
        out: dict[str, tuple[Label, ...]] = {}
        for v in self.verdicts:
            out[v.stage_id] = (*out.get(v.stage_id, ()), v.label)
        return out
