"""Finding things in a served portal by what they are, not by the ids a builder happened to give.

Tests take their portals from fixture files or the seeded generator, whose ids are the
vendor's (long amoCRM numbers, Bitrix24 `C<n>:` codes); a test asks here for "the main
funnel" or "an open stage holding deals" and so keeps working when the data changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from funnelkit.emulator.state import PortalState
from funnelkit.model import Funnel, FunnelKind, Semantics, Stage


def deal_funnels(state: PortalState) -> list[Funnel]:
    """The deal funnels (not leads, not smart processes), main one first, then by sort."""
    found = [f for f in state.funnels.values() if f.kind is FunnelKind.DEAL]
    return sorted(found, key=lambda f: (not f.is_default, f.sort, f.id))


def main_funnel(state: PortalState) -> Funnel:
    """The portal's default deal funnel."""
    main = deal_funnels(state)[0]
    assert main.is_default, "the portal has no default deal funnel"
    return main


def is_unsorted(stage: Stage) -> bool:
    """amoCRM's incoming-leads status (type 1, amocrm.md §5.1): not a working stage."""
    return stage.extras.get("type") == "1"


def open_stages(state: PortalState, funnel_id: str) -> list[Stage]:
    """A funnel's working stages in sort order (amoCRM's unsorted inbox left out)."""
    return [
        s
        for s in state.stages_of(funnel_id)
        if s.semantics is Semantics.PROCESS and not is_unsorted(s)
    ]


def stage_of(state: PortalState, funnel_id: str, semantics: Semantics) -> Stage:
    """A funnel's first stage of the given kind (its won stage, its lost stage)."""
    return next(s for s in state.stages_of(funnel_id) if s.semantics is semantics)


def count_in(state: PortalState, funnel_id: str, stage_id: str) -> int:
    """Deals sitting in one stage."""
    return sum(
        1 for d in state.deals.values() if (d.funnel_id, d.stage_id) == (funnel_id, stage_id)
    )


def busiest(state: PortalState, funnel_id: str, skip: tuple[str, ...] = ()) -> Stage:
    """The open stage of a funnel that holds most deals (asserting it holds some)."""
    stages = [s for s in open_stages(state, funnel_id) if s.id not in skip]
    best = max(stages, key=lambda s: count_in(state, funnel_id, s.id))
    assert count_in(state, funnel_id, best.id) > 0, f"no open deals in funnel {funnel_id}"
    return best


def next_number(ids: Iterable[str]) -> int:
    """One above the highest number among ids such as "17", "L17" or "T17"."""
    return max((int(i.lstrip("LT")) for i in ids), default=0) + 1
