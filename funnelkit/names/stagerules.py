"""Per-stage rules: dump, vague, merged, sales step in a lead funnel (article 001 ideas)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from funnelkit.model.enums import FunnelRole, Semantics
from funnelkit.names import lexicon as lx
from funnelkit.names.context import (
    FunnelView,
    StageView,
    content_words,
    starts_with_task,
    task_clause,
)
from funnelkit.names.forms import has_result, is_present_verb
from funnelkit.names.normalize import Name, parse
from funnelkit.names.types import Label

# «принимают решение», «decision making»: the client's process named as the stage
_DECISION_ROOTS = ("реш", "ріш", "decis", "entscheid")
_CONJ = re.compile(r"\s(?:и|і|й|та|and|&|\+)\s|,\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hit:
    """A label a rule gives, with why and how sure."""

    label: Label
    reason: str
    confidence: float


def _q(text: str) -> str:
    return f"«{text}»"


def merged(view: StageView) -> Hit | None:
    """Two outcomes in one stage («Новый/Недозвон»), or a fixed task glued to a client wait."""
    name = view.name
    classes = [_outcome_classes(side) for side in name.alternatives]
    if len(classes) >= 2 and all(classes) and not set.intersection(*classes):
        kinds = " vs ".join("/".join(sorted(c)) for c in classes)
        return Hit(Label.MERGED, f"two different outcomes in one stage ({kinds})", 0.7)
    parts = [p.strip() for p in _CONJ.split(name.raw) if p.strip()]
    tasks = [p for p in parts if lx.INTERNAL_TASK.match(_fold_words(p)) and not _done(p)]
    waits = [p for p in parts if lx.CLIENT_WAIT.match(_fold_words(p))]
    for task in tasks:
        wait = next((w for w in waits if w != task), None)
        if wait is not None:
            return Hit(
                Label.MERGED,
                f"a fixed internal task ({_q(task)}) glued to an open-ended client wait "
                f"({_q(wait)})",
                0.8,
            )
    return None


def _fold_words(text: str) -> tuple[str, ...]:
    return parse(text).folded


def _done(text: str) -> bool:
    return has_result(parse(text).words)


def _outcome_classes(side: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for label, cue in (
        ("parking", lx.THINKING),
        ("parking", lx.NO_ANSWER),
        ("parking", lx.POSTPONED),
        ("lost", lx.FAILURE),
        ("won", lx.SUCCESS),
        ("new", lx.START),
        ("rework", lx.REWORK),
    ):
        if cue.match(side):
            found.add(label)
    return found


def dump(funnel: FunnelView, view: StageView, is_merged: bool) -> Hit | None:
    """A parking / reminder stage outside the forward sequence."""
    if funnel.role is FunnelRole.REFUSALS or view.semantics is Semantics.SUCCESS:
        return None  # rules.md: in a refusals funnel every stage is a reason
    if view.semantics is Semantics.FAILURE and not is_merged:
        return None  # a loss reason («Не выходит на связь») is a proper terminal stage
    found = _dump_cue(view.name)
    if found is None or task_clause(view.name) is not None:
        return None  # «Думает — созвониться в пятницу» names the manager's task
    trigger, base = found
    conf = base + (0.1 if view.edge else 0.0)
    reason = f"parking stage ({trigger}): no step toward the purchase"
    prev = funnel.previous(view)
    if (
        prev is not None
        and lx.SALES.match(prev.name.folded)
        and lx.THINKING.match(view.name.folded)
    ):
        reason += f"; a «client decides» bucket after {_q(prev.name.raw)}"
        conf += 0.05
    if view.edge:
        reason += "; placed at the edge of the funnel"
    return Hit(Label.DUMP, reason, round(min(conf, 0.95), 2))


def _dump_cue(name: Name) -> tuple[str, float] | None:
    if lx.DECISION_MAKER.match(name.folded):
        return None  # «лица, принимающие решение» are decision makers, not a decision
    for cue, base in ((lx.THINKING, 0.75), (lx.NO_ANSWER, 0.75), (lx.POSTPONED, 0.7)):
        hit = cue.match(name.folded)
        if hit:
            return f"{cue.name}: {_q(hit)}", base
    waiting = lx.WAITING.match(name.folded)
    if waiting:
        rest = [w for w in content_words(name) if not lx.WAITING.match((w,))]
        if all(lx.CLIENT_ONLY.match((w,)) for w in rest):
            return f"waiting on the client: {_q(waiting)}", 0.6
    return None


def vague(view: StageView, is_merged: bool = False) -> Hit | None:
    """The name states neither the situation nor the manager's task."""
    if view.semantics is not Semantics.PROCESS:
        return None
    name = view.name
    if task_clause(name) is not None:
        return None
    folded = name.folded
    thinking = lx.THINKING.match(folded)
    decision = thinking is not None and any(k in thinking for k in _DECISION_ROOTS)
    if thinking and (decision or any(is_present_verb(w) for w in name.words)):
        return Hit(Label.VAGUE, f"states the client's state ({_q(thinking)}), not a task", 0.6)
    flag = lx.FLAG.match(folded)
    if flag:
        return Hit(Label.VAGUE, f"an exception flag ({_q(flag)}), not a situation + task", 0.6)
    activity = lx.ACTIVITY.find(folded)
    if activity and not _concrete(lx.ACTIVITY.without(folded)):
        # negotiation, objections, «в работе» go on in any stage: a past tense does not
        # make them a milestone («Отработали возражения» stays vague)
        return Hit(Label.VAGUE, f"a generic activity ({_q(activity[0])}), no result", 0.7)
    step = lx.STEP_ACTIVITY.find(folded)
    if step:
        rest = [w for i, w in enumerate(name.words) if i not in step[1]]
        if not _concrete(lx.STEP_ACTIVITY.without(folded)) and not has_result(rest):
            return Hit(Label.VAGUE, f"an activity or state ({_q(step[0])}) with no result", 0.65)
    maker = lx.DECISION_MAKER.match(folded)
    if maker and not has_result(name.words):
        return Hit(Label.VAGUE, f"an activity ({_q(maker)}) with no resulting situation", 0.6)
    words = content_words(name)
    bare = all(lx.BARE_ACTIVITY.match((w,)) or lx.CLIENT_ONLY.match((w,)) for w in words)
    if words and bare and lx.BARE_ACTIVITY.match(folded):
        return Hit(Label.VAGUE, "a bare activity noun: of what, for whom, with what result", 0.6)
    if starts_with_task(name) and not is_merged and _dump_cue(name) is None:
        return Hit(Label.VAGUE, "an instruction without the situation it answers", 0.5)
    return None


def _concrete(words: tuple[str, ...]) -> bool:
    # a milestone or sales object elsewhere in the name («В работе (КП)») names the step
    return bool(lx.MILESTONE.match(words) or lx.SALES.match(words))


def sales_in_lead(funnel: FunnelView, view: StageView) -> Hit | None:
    """A sales step (offer, invoice, contract, payment, order) inside a lead funnel."""
    if not funnel.is_lead or view.semantics is Semantics.FAILURE:
        return None
    hit = lx.SALES.match(view.name.folded)
    if hit is None or lx.NOT_SALES.match(view.name.folded):
        return None
    return Hit(Label.SALES_IN_LEAD, f"sales step ({_q(hit)}) inside a lead funnel", 0.8)
