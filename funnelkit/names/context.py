"""What the stage rules may know about a stage: its parsed name, position, neighbours, role."""

from __future__ import annotations

from dataclasses import dataclass

from funnelkit.model.enums import FunnelKind, FunnelRole, Semantics
from funnelkit.names import lexicon as lx
from funnelkit.names.forms import has_result, is_infinitive
from funnelkit.names.normalize import Name, parse
from funnelkit.names.types import FunnelInput

LEAD_ROLES = frozenset({FunnelRole.LEAD_QUALIFICATION, FunnelRole.COLD_CALLS})
_STOP_TEXT = (
    "в во на с со и о об по для к у от за из без the a an to of for with in on at and by is are "
    "з із зі до та й від при є"
)
STOPWORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True, slots=True)
class StageView:
    """One stage in its funnel."""

    index: int
    stage_id: str
    name: Name
    semantics: Semantics  # as given, else inferred from the name
    edge: bool  # first / last working stage, or placed after a terminal stage


@dataclass(frozen=True, slots=True)
class FunnelView:
    """A funnel prepared for the rules."""

    role: FunnelRole | None
    is_lead: bool
    stages: tuple[StageView, ...]
    enumerated: bool  # most names carry a list number («1. Новая»), so numbers mean order

    def previous(self, view: StageView) -> StageView | None:
        """The stage just before, if any."""
        return self.stages[view.index - 1] if view.index > 0 else None


def infer_semantics(name: Name) -> Semantics:
    """Won / lost from the name when the source does not say (no verb of a working step)."""
    if lx.SUCCESS.match(name.words):
        return Semantics.SUCCESS
    if lx.FAILURE.match(name.words) and not lx.START.match(name.words):
        return Semantics.FAILURE
    return Semantics.PROCESS


def build_view(funnel: FunnelInput, role: FunnelRole | None) -> FunnelView:
    """Parse every stage name once and mark positions."""
    names = [parse(s.name) for s in funnel.stages]
    sems = [s.semantics or infer_semantics(n) for s, n in zip(funnel.stages, names, strict=True)]
    working = [i for i, sem in enumerate(sems) if sem is Semantics.PROCESS]
    first_terminal = next((i for i, s in enumerate(sems) if s is not Semantics.PROCESS), None)
    views = []
    for i, (stage, name) in enumerate(zip(funnel.stages, names, strict=True)):
        after_terminal = first_terminal is not None and i > first_terminal
        # Only a trailing run of terminal stages is "the end"; parking stages placed after
        # it sit outside the sequence (article 001).
        edge = bool(working) and (i in (working[0], working[-1]) or after_terminal)
        views.append(StageView(i, stage.id, name, sems[i], edge))
    numbered = sum(1 for n in names if n.numbers)
    is_lead = funnel.kind is FunnelKind.LEAD or role in LEAD_ROLES
    return FunnelView(role, is_lead, tuple(views), numbered * 2 > len(names) >= 3)


def content_words(name: Name) -> tuple[str, ...]:
    """Lower-case words without stop-words."""
    return tuple(w for w in name.words if w not in STOPWORDS)


def task_clause(name: Name) -> tuple[str, ...] | None:
    """A later clause that gives the manager a task or a date («… — созвониться в пятницу»)."""
    for clause in name.clauses[1:]:
        if any(is_infinitive(w) for w in clause) or lx.DATE_WORDS.match(clause):
            return clause
    return None


def starts_with_task(name: Name) -> bool:
    """The whole name is an instruction («Проверить оплату», «Call client»)."""
    if not name.words or name.words[0] in lx.EN_NOUN_LIKE:
        return False
    return is_infinitive(name.words[0]) and not has_result(name.words)
