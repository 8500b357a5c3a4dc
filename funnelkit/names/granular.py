"""Too-granular stages, judged over the whole funnel (article 001: «не дробіть воронку на
елементарні дії»): numbered repeats and copies, duplicates and near-duplicate neighbours,
elementary sub-steps (a courtesy call, one message, preparing what the next stage sends,
an internal hand-off chain)."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

from funnelkit.model.enums import Semantics
from funnelkit.names import lexicon as lx
from funnelkit.names.context import FunnelView, StageView, content_words
from funnelkit.names.forms import did, is_infinitive, is_result
from funnelkit.names.morph import form, lemmas
from funnelkit.names.normalize import ORDINALS, parse
from funnelkit.names.stagerules import Hit
from funnelkit.names.types import Label

# Neighbours this close in board order are compared for near-duplicates.
_NEAR = 2


def too_granular(funnel: FunnelView) -> dict[int, Hit]:
    """Stage index → hit, for every stage that is an elementary step of another."""
    hits: dict[int, Hit] = {}
    finders = (
        _numbered_repeats,
        _single_attempts,
        _duplicates,
        _near_duplicates,
        _timed_callbacks,
        _sub_steps,
        _preparations,
        _call_outcomes,
        _single_messages,
        _courtesy_calls,
        _handoff_chain,
    )
    for finder in finders:
        for index, hit in finder(funnel).items():
            hits.setdefault(index, hit)
    return hits


def _is_numbered(view: StageView) -> bool:
    return bool(view.name.numbers) or any(w in ORDINALS for w in view.name.folded)


def _numbered_repeats(funnel: FunnelView) -> dict[int, Hit]:
    groups: dict[tuple[str, ...], list[StageView]] = defaultdict(list)
    for view in funnel.stages:
        if view.name.skeleton:
            groups[view.name.skeleton].append(view)
    hits = {}
    for skeleton, views in groups.items():
        numbered = [v for v in views if _is_numbered(v)]
        plain = [v for v in views if not _is_numbered(v)]
        if len(numbered) >= 2:
            params = {"skeleton": " ".join(skeleton), "count": str(len(views))}
            for v in numbered:
                hits[v.index] = Hit(Label.TOO_GRANULAR, "granular.numbered", 0.9, params)
        if numbered and plain:
            # «Недозвон» and «Недозвон (2)»: the copy belongs with its unnumbered original
            for v in numbered:
                original = {"original": plain[0].name.raw}
                hits.setdefault(v.index, Hit(Label.TOO_GRANULAR, "granular.copy", 0.8, original))
    return hits


def _single_attempts(funnel: FunnelView) -> dict[int, Hit]:
    # «Недозвон 2» alone still counts calls as stages; skipped when every name is numbered
    # as a list («1. Звонок»), where the number is only the position.
    if funnel.enumerated:
        return {}
    hits = {}
    for view in funnel.stages:
        attempt = lx.ATTEMPT.match(view.name.words)
        if attempt and _is_numbered(view) and view.semantics is Semantics.PROCESS:
            params = {"stage": view.name.raw}
            hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.attempt", 0.75, params)
    return hits


def _duplicates(funnel: FunnelView) -> dict[int, Hit]:
    seen: dict[tuple[str, ...], StageView] = {}
    hits = {}
    for view in funnel.stages:
        key = view.name.skeleton
        if not key or _is_numbered(view):
            continue
        if key in seen:
            params = {"original": seen[key].name.raw}
            hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.duplicate", 0.7, params)
        else:
            seen[key] = view
    return hits


def _lemma_set(words: tuple[str, ...]) -> frozenset[str]:
    """One representative lemma per word (the shortest, so forms coincide)."""
    return frozenset(min(lemmas(w), key=lambda x: (len(x), x)) for w in words)


def _qualifier_only(extra: frozenset[str], words: tuple[str, ...]) -> bool:
    """The added words only qualify (a region, a kind), they do not name a new step."""
    added = [w for w in words if _lemma_set((w,)) <= extra]
    return not any(
        is_result(w)
        or did(w)
        or is_infinitive(w)
        or lx.SALES.match((w,))
        or lx.MILESTONE.match((w,))
        for w in added
    )


def _near_duplicates(funnel: FunnelView) -> dict[int, Hit]:
    # «Сбор документов» → «Сбор дополнительных документов»; «Мусор» → «Мусор Китай»: the
    # later stage is the earlier one plus a qualifier, i.e. a variant, not a step of its own.
    hits = {}
    stages = [v for v in funnel.stages if v.semantics is Semantics.PROCESS]
    full = [_lemma_set(content_words(v.name)) for v in stages]
    outside = [_lemma_set(_outside(v)) for v in stages]
    for j, view in enumerate(stages):
        if _is_numbered(view):
            continue
        for i in range(max(0, j - _NEAR), j):
            if lx.ACTIVITY.match(stages[i].name.words):
                continue  # «В работе (X)» sub-statuses name different steps
            variant = (bool(full[i]) and full[i] < full[j] and len(full[j] - full[i]) <= 2) or (
                bool(outside[i]) and outside[i] < outside[j]
            )
            if variant and _qualifier_only(full[j] - full[i], view.name.words):
                params = {"original": stages[i].name.raw}
                hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.near_duplicate", 0.55, params)
                break
    return hits


def _outside(view: StageView) -> tuple[str, ...]:
    # the words before any bracket: «Мусор Китай (тур и не рф)» → «мусор китай»
    head = re.split(r"[(\[]", view.name.raw, maxsplit=1)[0]
    return content_words(parse(head))


def _timed_callbacks(funnel: FunnelView) -> dict[int, Hit]:
    # «Перезвонить в ближайшее время» → «… в течение месяца» → «… через месяц»: one reminder
    # split into stages by its delay.
    hits = {}
    for prev, view in itertools.pairwise(funnel.stages):
        if prev.semantics is not Semantics.PROCESS or view.semantics is not Semantics.PROCESS:
            continue
        if all(_timed_reminder(v) for v in (prev, view)):
            params = {"original": prev.name.raw}
            hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.near_duplicate", 0.55, params)
    return hits


def _timed_reminder(view: StageView) -> bool:
    words = view.name.words
    timed = lx.TIME.match(words) or view.name.numbers
    return bool(timed) and bool(lx.POSTPONED.match(words) or lx.ATTEMPT.match(words))


def _sub_steps(funnel: FunnelView) -> dict[int, Hit]:
    # Consecutive stages that repeat the same action the team did («Презентовали компанию»,
    # «Презентовали платформу») are checklist items of one step.
    hits = {}
    for prev, view in zip(funnel.stages, funnel.stages[1:], strict=False):
        if prev.semantics is not Semantics.PROCESS or view.semantics is not Semantics.PROCESS:
            continue
        a, b = prev.name.words, view.name.words
        if a and b and lemmas(a[0]) & lemmas(b[0]) and _did(a[0]) and _did(b[0]) and a[1:] != b[1:]:
            params = {"previous": prev.name.raw, "action": b[0]}
            hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.sub_step", 0.45, params)
    return hits


def _did(word: str) -> bool:
    return did(word) or (word.isascii() and is_result(word))


def _preparations(funnel: FunnelView) -> dict[int, Hit]:
    # «Подготовка КП» right before «КП отправлено»: preparing is the task of the next stage.
    hits = {}
    for view, nxt in itertools.pairwise(funnel.stages):
        # only the situation part: «Заявка получена — отправить счёт» is the recommended
        # «situation + task» form, not a preparation stage
        words = view.name.clauses[0] if view.name.clauses else ()
        task = lx.INTERNAL_TASK.find(words)
        if task is None or view.semantics is not Semantics.PROCESS:
            continue
        if any(form(w).result for w in words):
            continue
        obj = lx.SALES.span(words)
        situation = nxt.name.clauses[0] if nxt.name.clauses else ()
        nxt_lemmas = {x for w in situation for x in lemmas(w)}
        if obj and lemmas(obj.split()[-1]) & nxt_lemmas and lx.SENT.match(situation):
            params = {"next": nxt.name.raw}
            hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.preparation", 0.5, params)
    return hits


def _call_outcomes(funnel: FunnelView) -> dict[int, Hit]:
    # «Предоплата недозвон»: a no-answer outcome of one step split into its own stage.
    hits = {}
    for view in funnel.stages:
        words = view.name.words
        if view.semantics is not Semantics.PROCESS or not lx.NO_ANSWER.match(words):
            continue
        step = lx.SALES.span(words) or lx.MILESTONE.span(words)
        if step:
            hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.call_outcome", 0.5, {"step": step})
    return hits


def _single_messages(funnel: FunnelView) -> dict[int, Hit]:
    # «Написали в WhatsApp», «Email sent»: one touch is a task or an activity, not a stage.
    hits = {}
    for view in funnel.stages:
        # the situation part only: «… — review the calls and messages» is the manager's task
        words = view.name.clauses[0] if view.name.clauses else ()
        channel = lx.CHANNEL.span(words)
        if channel is None or view.semantics is not Semantics.PROCESS:
            continue
        if lx.SALES.match(words) or lx.MILESTONE.match(words) or lx.NO_ANSWER.match(words):
            continue
        hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.message", 0.5, {"trigger": channel})
    return hits


def _courtesy_calls(funnel: FunnelView) -> dict[int, Hit]:
    hits = {}
    for view in funnel.stages:
        found = lx.COURTESY.span(view.name.words)
        if found and view.semantics is Semantics.PROCESS:
            hits[view.index] = Hit(Label.TOO_GRANULAR, "granular.courtesy", 0.6, {"trigger": found})
    return hits


def _handoff_chain(funnel: FunnelView) -> dict[int, Hit]:
    # «Передано менеджеру» → «Передано юристу» → «Передано бухгалтеру»: three hand-offs in a row
    # are one step split into its internal links.
    hits: dict[int, Hit] = {}
    run: list[StageView] = []
    for view in (*funnel.stages, None):
        situation = view.name.clauses[0] if view is not None and view.name.clauses else ()
        # a hand-off to the client is a step toward them, not an internal link
        handoff = lx.HANDOFF.match(situation) and not lx.CLIENT_ONLY.match(situation)
        if view is not None and handoff:
            run.append(view)
            continue
        if len(run) >= 3:
            for prev, cur in itertools.pairwise(run):
                params = {"previous": prev.name.raw, "stage": cur.name.raw}
                hits[cur.index] = Hit(Label.TOO_GRANULAR, "granular.handoff", 0.5, params)
        run = []
    return hits
