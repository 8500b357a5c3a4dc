"""Small factories for the name-analyser tests."""

from __future__ import annotations

from collections.abc import Sequence

from funnelkit.model.enums import FunnelKind, FunnelRole, Semantics
from funnelkit.names import FunnelInput, Label, StageInput, analyse_funnel

CONTEXT = ("Новая заявка", "Встреча назначена", "КП отправлено", "Договор подписан")
TERMINALS = (("Успешно", Semantics.SUCCESS), ("Отказ", Semantics.FAILURE))


def funnel(
    names: Sequence[str | tuple[str, Semantics]],
    *,
    role: FunnelRole | None = None,
    kind: FunnelKind = FunnelKind.DEAL,
    name: str = "Воронка",
) -> FunnelInput:
    """A funnel from names; a (name, semantics) pair sets the semantics."""
    stages = []
    for i, item in enumerate(names):
        text, sem = item if isinstance(item, tuple) else (item, None)
        stages.append(StageInput(f"s{i}", text, i, sem))
    return FunnelInput("f1", name, kind, role, tuple(stages))


def labels_in_context(
    stage: str,
    *,
    role: FunnelRole | None = FunnelRole.PRIMARY_SALES,
    kind: FunnelKind = FunnelKind.DEAL,
    semantics: Semantics | None = None,
) -> frozenset[Label]:
    """Labels of one stage placed in the middle of an ordinary, clean funnel."""
    names: list[str | tuple[str, Semantics]] = [CONTEXT[0], CONTEXT[1]]
    names.append((stage, semantics) if semantics else stage)
    names += [CONTEXT[2], CONTEXT[3], *TERMINALS]
    analysis = analyse_funnel(funnel(names, role=role, kind=kind))
    return analysis.labels_of("s2")
