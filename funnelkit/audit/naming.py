"""Name evidence for the stage rules, from the stage-name analyser (`funnelkit.names`).

The audit needs only the analyser's per-stage labels and its funnel-role guess; this module
adapts the snapshot's model objects to the analyser's inputs and keeps its answers as plain
values the rules can read.
"""

from __future__ import annotations

from dataclasses import dataclass

from funnelkit.model import Funnel, FunnelRole, Stage
from funnelkit.model.phrase import Phrase, PhraseValue
from funnelkit.names import FunnelInput, StageInput, analyse_funnel, guess_role
from funnelkit.names.reasons import REASONS

LABELS = ("ok", "dump", "vague", "merged", "too-granular", "sales-stage-in-lead-funnel")


@dataclass(frozen=True, slots=True)
class Verdict:
    """One stage's name label, the analyser's reason and confidence."""

    label: str
    reason: Phrase
    confidence: float


@dataclass(frozen=True, slots=True)
class Guess:
    """A funnel role guessed from names."""

    role: FunnelRole
    confidence: float
    reason: Phrase


def analyse(funnel: Funnel, stages: list[Stage], role: FunnelRole | None) -> dict[str, Verdict]:
    """Stage id → name verdict for one funnel."""
    inputs = tuple(
        StageInput(id=s.id, name=s.name, sort=s.sort, semantics=s.semantics) for s in stages
    )
    analysis = analyse_funnel(
        FunnelInput(id=funnel.id, name=funnel.name, kind=funnel.kind, role=role, stages=inputs)
    )
    return {
        str(v.stage_id): Verdict(
            str(v.label), reason(v.code, dict(v.params), v.notes), float(v.confidence)
        )
        for v in analysis.verdicts
    }


def guess(funnel: Funnel, stages: list[Stage]) -> Guess:
    """The role the names suggest."""
    found = guess_role(funnel.name, [s.name for s in stages])
    why = reason(found.code, dict(found.params))
    return Guess(FunnelRole(found.role), float(found.confidence), why)


def reason(code: str, params: dict[str, str], notes: tuple[str, ...] = ()) -> Phrase:
    """The analyser's reason as a phrase the report translates (context `names.CODE`)."""
    values: dict[str, PhraseValue] = dict(params)
    if "role" in values:
        values["role"] = Phrase(str(values["role"]), "role")
    parts = [Phrase(REASONS[c].en, f"names.{c}", **values) for c in (code, *notes)]
    return parts[0] if len(parts) == 1 else Phrase.joined(parts)
