"""Too-granular stages: numbered repeats, duplicates, checklist sub-steps (article 001)."""

from __future__ import annotations

from collections import defaultdict

from funnelkit.model.enums import Semantics
from funnelkit.names import lexicon as lx
from funnelkit.names.context import FunnelView, StageView
from funnelkit.names.forms import is_result
from funnelkit.names.normalize import ORDINALS
from funnelkit.names.stagerules import Hit
from funnelkit.names.types import Label


def too_granular(funnel: FunnelView) -> dict[int, Hit]:
    """Stage index → hit, for every stage that is an elementary step of another."""
    hits: dict[int, Hit] = {}
    finders = (_numbered_repeats, _single_attempts, _duplicates, _sub_steps, _call_outcomes)
    for finder in (*finders, _single_messages):
        for index, hit in finder(funnel).items():
            hits.setdefault(index, hit)
    return hits


def _is_numbered(view: StageView) -> bool:
    return bool(view.name.numbers) or any(w in ORDINALS for w in view.name.folded)


def _numbered_repeats(funnel: FunnelView) -> dict[int, Hit]:
    groups: dict[tuple[str, ...], list[StageView]] = defaultdict(list)
    for view in funnel.stages:
        if _is_numbered(view) and view.name.skeleton:
            groups[view.name.skeleton].append(view)
    hits = {}
    for skeleton, views in groups.items():
        if len(views) < 2:
            continue
        names = ", ".join(f"«{v.name.raw}»" for v in views[:3])
        more = " …" if len(views) > 3 else ""
        reason = f"numbered repeat of «{' '.join(skeleton)}» ({len(views)} stages: {names}{more})"
        for v in views:
            hits[v.index] = Hit(Label.TOO_GRANULAR, reason, 0.9)
    return hits


def _single_attempts(funnel: FunnelView) -> dict[int, Hit]:
    # «Недозвон 2» alone still counts calls as stages; skipped when every name is numbered
    # as a list («1. Звонок»), where the number is only the position.
    if funnel.enumerated:
        return {}
    hits = {}
    for view in funnel.stages:
        attempt = lx.ATTEMPT.match(view.name.folded)
        if attempt and _is_numbered(view) and view.semantics is Semantics.PROCESS:
            reason = f"a numbered attempt («{view.name.raw}»): a counter, not a stage"
            hits[view.index] = Hit(Label.TOO_GRANULAR, reason, 0.75)
    return hits


def _duplicates(funnel: FunnelView) -> dict[int, Hit]:
    seen: dict[tuple[str, ...], StageView] = {}
    hits = {}
    for view in funnel.stages:
        key = view.name.skeleton
        if not key or _is_numbered(view):
            continue
        if key in seen:
            reason = f"duplicates the stage «{seen[key].name.raw}»"
            hits[view.index] = Hit(Label.TOO_GRANULAR, reason, 0.7)
        else:
            seen[key] = view
    return hits


def _sub_steps(funnel: FunnelView) -> dict[int, Hit]:
    # Consecutive stages that repeat the same completed action («Презентовали компанию»,
    # «Презентовали платформу») are checklist items of one step.
    hits = {}
    for prev, view in zip(funnel.stages, funnel.stages[1:], strict=False):
        if prev.semantics is not Semantics.PROCESS or view.semantics is not Semantics.PROCESS:
            continue
        a, b = prev.name.words, view.name.words
        if a and b and a[0] == b[0] and _did(a[0]) and a[1:] != b[1:]:
            reason = f"a sub-step of «{prev.name.raw}» (same action «{a[0]}»)"
            hits[view.index] = Hit(Label.TOO_GRANULAR, reason, 0.45)
    return hits


def _did(word: str) -> bool:
    # «презентовали», «обсудили», «called»: what the team did, not a state of the deal
    return is_result(word) and (word.endswith("ли") or word.endswith("ed"))


def _call_outcomes(funnel: FunnelView) -> dict[int, Hit]:
    # «Предоплата недозвон»: a no-answer outcome of one step split into its own stage.
    hits = {}
    for view in funnel.stages:
        folded = view.name.folded
        if view.semantics is not Semantics.PROCESS or not lx.NO_ANSWER.match(folded):
            continue
        step = lx.SALES.match(folded) or lx.MILESTONE.match(folded)
        if step:
            reason = f"a call outcome of the «{step}» step split into its own stage"
            hits[view.index] = Hit(Label.TOO_GRANULAR, reason, 0.5)
    return hits


def _single_messages(funnel: FunnelView) -> dict[int, Hit]:
    # «Написали в WhatsApp», «Email sent»: one touch is a task or an activity, not a stage
    # (article 001: do not split the funnel into elementary actions).
    hits = {}
    for view in funnel.stages:
        folded = view.name.folded
        channel = lx.CHANNEL.match(folded)
        if channel is None or view.semantics is not Semantics.PROCESS:
            continue
        if lx.SALES.match(folded) or lx.MILESTONE.match(folded) or lx.NO_ANSWER.match(folded):
            continue
        reason = f"a single message or call («{channel}») as a stage: an activity, not a step"
        hits[view.index] = Hit(Label.TOO_GRANULAR, reason, 0.5)
    return hits
