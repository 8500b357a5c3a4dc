"""analyse_funnel: label every stage of one funnel from names, position and role."""

from __future__ import annotations

from dataclasses import replace

from funnelkit.names.context import build_view
from funnelkit.names.granular import too_granular
from funnelkit.names.roles import guess_role
from funnelkit.names.stagerules import Hit, dump, merged, sales_in_lead, vague
from funnelkit.names.types import FunnelAnalysis, FunnelInput, Label, StageVerdict

# A guessed role steers the rules only when the guess is firm (a stated role always does).
ROLE_TRUST = 0.6


def analyse_funnel(funnel: FunnelInput, role_trust: float = ROLE_TRUST) -> FunnelAnalysis:
    """Verdicts for every stage (at least one each, «ok» when nothing fires) and a role guess.

    `role_trust`: the confidence a guessed role needs to steer the rules.
    """
    # Board order decides neighbours and edges; `sort` ties keep the given order.
    ordered = tuple(sorted(funnel.stages, key=lambda s: s.sort))
    funnel = replace(funnel, stages=ordered)
    guess = guess_role(funnel.name, [s.name for s in funnel.stages])
    role = funnel.role
    if role is None and guess.confidence >= role_trust:
        role = guess.role
    view = build_view(funnel, role)
    granular = too_granular(view)
    verdicts: list[StageVerdict] = []
    for stage in view.stages:
        hits: list[Hit] = []
        merged_hit = merged(stage)
        for hit in (
            dump(view, stage, merged_hit is not None),
            vague(stage, merged_hit is not None),
            merged_hit,
            granular.get(stage.index),
            sales_in_lead(view, stage),
        ):
            if hit is not None:
                hits.append(hit)
        if not hits:
            hits.append(Hit(Label.OK, "ok.empty" if stage.name.empty else "ok.clean", 0.6))
        labels = tuple(h.label for h in hits)
        verdicts.extend(_verdict(stage.stage_id, h, labels) for h in hits)
    return FunnelAnalysis(tuple(verdicts), guess)


def _verdict(stage_id: str, hit: Hit, labels: tuple[Label, ...]) -> StageVerdict:
    params = tuple(sorted(hit.params.items()))
    return StageVerdict(
        stage_id, hit.label, hit.reason, hit.confidence, hit.code, params, hit.notes, labels
    )
