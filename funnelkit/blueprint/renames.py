"""When a portal object's name may change: never silently for one that holds deals.

A stage's name is what its deals mean in the history ("33 deals were at a meeting"), so a
rename of a stage or funnel that holds deals is carried out only when the blueprint
declares it — `renamed_from:` naming the current name, or the `id:` that `export` wrote —
and is always shown with the number of deals it relabels. An id found only in the apply
state identifies the object, but does not by itself say the new name is meant for it.
"""

from __future__ import annotations

from funnelkit.blueprint.matching import How, norm
from funnelkit.blueprint.schema import FunnelSpec, StageSpec

DECLARED: frozenset[How] = frozenset({"id", "renamed", "name"})


def deals_label(count: int | None) -> str:
    """`(33 deals)` for a summary line; nothing for an empty object."""
    if count == 0:
        return ""
    return " (an unknown number of deals)" if count is None else f" ({count} deals)"


def rename_refusal(
    spec: FunnelSpec | StageSpec, how: How | None, old: str, new: str, count: int | None
) -> str | None:
    """Why this rename may not be planned, or None when it may."""
    if norm(old) == norm(new) or count == 0:
        return None  # the same name written differently, or nothing to relabel
    if how in DECLARED or norm(old) in {norm(n) for n in spec.renamed_from}:
        return None
    kind = "stage" if isinstance(spec, StageSpec) else "funnel"
    held = "an unknown number of" if count is None else str(count)
    return (
        f"{kind} «{old}» holds {held} deals: renaming it to «{new}» would change what they "
        f"mean; declare `renamed_from: {old}` on {kind} {spec.key!r} to rename it"
    )
