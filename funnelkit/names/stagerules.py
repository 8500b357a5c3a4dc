"""Per-stage rules: dump, vague, merged, sales step in a lead funnel (article 001 ideas)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from funnelkit.model.enums import FunnelRole, Semantics
from funnelkit.names import cues
from funnelkit.names import lexicon as lx
from funnelkit.names.context import (
    FunnelView,
    StageView,
    content_words,
    starts_with_task,
    task_clause,
)
from funnelkit.names.forms import has_result, is_present_verb, is_result
from funnelkit.names.morph import form
from funnelkit.names.normalize import Name, parse
from funnelkit.names.reasons import render
from funnelkit.names.types import Label

_CONJ = re.compile(r"\s(?:и|і|й|та|and|&|\+)\s|,\s*", re.IGNORECASE)
_DECISION = cues.cue("decision", "решение | рішення | decision | decide | entscheidung")


@dataclass(frozen=True, slots=True)
class Hit:
    """A label a rule gives, with a reason code (reasons.REASONS) and how sure."""

    label: Label
    code: str
    confidence: float
    params: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """The reason in English."""
        return render(self.code, self.params, self.notes)


def merged(view: StageView) -> Hit | None:
    """Two outcomes in one stage («Новый/Недозвон»), or a fixed task glued to a client wait."""
    name = view.name
    classes = [_outcome_classes(side) for side in name.alternatives]
    if len(classes) >= 2 and all(classes) and not set.intersection(*classes):
        sides = [" ".join(side) for side in name.alternatives]
        return Hit(Label.MERGED, "merged.outcomes", 0.7, {"first": sides[0], "second": sides[1]})
    parts = [p.strip() for p in _CONJ.split(name.raw) if p.strip()]
    tasks = [p for p in parts if lx.INTERNAL_TASK.match(_words(p)) and not _done(p)]
    waits = [p for p in parts if lx.CLIENT_WAIT.match(_words(p))]
    for task in tasks:
        wait = next((w for w in waits if w != task), None)
        if wait is not None:
            return Hit(Label.MERGED, "merged.task_wait", 0.8, {"task": task, "wait": wait})
    return None


def _words(text: str) -> tuple[str, ...]:
    return parse(text).words


def _done(text: str) -> bool:
    # «Отправили договор»: for a task, what the team did is done
    return any(form(w).result for w in parse(text).words)


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
    found = _dump_cue(view.name)
    if found is None:
        return None
    code, trigger, base = found
    if view.semantics is Semantics.FAILURE and not (is_merged or code == "dump.postponed"):
        # a loss reason («Не выходит на связь») is a proper terminal stage; a terminal slot
        # that parks the deal («Отложенный спрос») is not (labelling policy c)
        return None
    if task_clause(view.name) is not None:
        return None  # «Думает — созвониться в пятницу» names the manager's task
    conf = base + (0.1 if view.edge else 0.0)
    params = {"trigger": trigger}
    notes: tuple[str, ...] = ()
    prev = funnel.previous(view)
    if prev is not None and lx.SALES.match(prev.name.words) and code == "dump.thinking":
        params["previous"] = prev.name.raw
        notes += ("note.after_offer",)
        conf += 0.05
    if view.edge:
        notes += ("note.edge",)
    return Hit(Label.DUMP, code, round(min(conf, 0.95), 2), params, notes)


def _dump_cue(name: Name) -> tuple[str, str, float] | None:
    words = name.words
    if lx.DECISION_MAKER.match(words):
        return None  # «лица, принимающие решение» are decision makers, not a decision
    for cue, code, base in (
        (lx.THINKING, "dump.thinking", 0.75),
        (lx.NO_ANSWER, "dump.no_answer", 0.75),
        (lx.POSTPONED, "dump.postponed", 0.7),
    ):
        span = cue.span(words)
        if span:
            return code, span, base
    for clause in name.clauses:
        waiting = lx.WAITING.span(clause)
        if waiting:
            rest = [w for w in _content(clause) if not lx.WAITING.match((w,))]
            if all(lx.CLIENT_ONLY.match((w,)) for w in rest):
                return "dump.waiting", " ".join(clause), 0.6
    return None


def _content(words: tuple[str, ...]) -> tuple[str, ...]:
    return content_words(parse(" ".join(words)))


def vague(view: StageView, is_merged: bool = False) -> Hit | None:
    """The name states neither the situation nor the manager's task."""
    if view.semantics is not Semantics.PROCESS:
        return None
    name = view.name
    if task_clause(name) is not None:
        return None
    words = name.words
    thinking = lx.THINKING.span(words)
    if thinking and (_DECISION.match(words) or any(is_present_verb(w) for w in words)):
        return Hit(Label.VAGUE, "vague.client_state", 0.6, {"trigger": thinking})
    if thinking and (thinking == " ".join(content_words(name)) or len(content_words(name)) == 1):
        # a bare «Думка» / «Think it over»: the state alone, no task (policy a)
        return Hit(Label.VAGUE, "vague.client_state", 0.55, {"trigger": thinking})
    flag = lx.FLAG.span(words)
    if flag:
        return Hit(Label.VAGUE, "vague.flag", 0.6, {"trigger": flag})
    hit = _activity(name)
    if hit is not None:
        return hit
    step = lx.STEP_ACTIVITY.find(words)
    if step:
        rest = tuple(w for i, w in enumerate(words) if i not in step[1])
        if not _concrete(rest) and not has_result(rest):
            trigger = " ".join(words[i] for i in step[1])
            return Hit(Label.VAGUE, "vague.step", 0.65, {"trigger": trigger})
    maker = lx.DECISION_MAKER.span(words)
    if maker and not any(form(w).result for w in words):  # «Вышли на ЛПР» reached them
        return Hit(Label.VAGUE, "vague.decision_makers", 0.6, {"trigger": maker})
    content = content_words(name)
    bare = all(lx.BARE_ACTIVITY.match((w,)) or lx.CLIENT_ONLY.match((w,)) for w in content)
    if content and bare and lx.BARE_ACTIVITY.match(words) and not lx.MILESTONE.match(words):
        return Hit(Label.VAGUE, "vague.bare_activity", 0.6, {"trigger": name.raw.strip()})
    if _bare_document(content):
        return Hit(Label.VAGUE, "vague.document", 0.55, {"trigger": name.raw.strip()})
    if starts_with_task(name) and not is_merged and _dump_cue(name) is None:
        return Hit(Label.VAGUE, "vague.instruction", 0.5)
    return None


def _activity(name: Name) -> Hit | None:
    words = name.words
    activity = lx.ACTIVITY.find(words)
    if activity is None:
        return None
    trigger = " ".join(words[i] for i in activity[1])
    rest = lx.ACTIVITY.without(words)
    if _concrete(rest):
        return None  # «В работе (КП)»: the object names the step
    taken = lx.TAKEN_IN.without(rest)
    if len(taken) < len(rest) and not content_words(parse(" ".join(taken))):
        # «Взят в работу» / «Taken into work»: someone started, no situation is named
        return Hit(Label.VAGUE, "vague.taken_in", 0.6, {"trigger": " ".join(words)})
    if words[activity[1].start] in ("в", "in") and any(is_result(w) for w in rest):
        return None  # «Передан в работу юристов»: a hand-off result, not the activity
    # negotiation, objections, «в работе» go on in any stage: a past tense does not make
    # them a milestone («Отработали возражения» stays vague)
    return Hit(Label.VAGUE, "vague.activity", 0.7, {"trigger": trigger})


def _bare_document(content: tuple[str, ...]) -> bool:
    """Policy (b): only a sales-document noun, optionally with adjectives («Финальный счёт»)."""
    if not content or not any(lx.DOCUMENT.match((w,)) for w in content):
        return False
    for w in content:
        f = form(w)
        if lx.DOCUMENT.match((w,)):
            continue
        if f.result or f.infinitive or f.present or not (f.adjective or _qualifier(w)):
            return False
    return True


def _qualifier(word: str) -> bool:
    # «Cчёт на предоплату», «Proposal/Price Quote»: another document word qualifies it
    return bool(lx.SALES.match((word,)))


def _concrete(words: tuple[str, ...]) -> bool:
    # a milestone or sales object elsewhere in the name («В работе (КП)») names the step
    return bool(lx.MILESTONE.match(words) or lx.SALES.match(words))


def sales_in_lead(funnel: FunnelView, view: StageView) -> Hit | None:
    """A sales step (offer, invoice, contract, payment, order) inside a lead funnel."""
    if not funnel.is_lead or view.semantics is not Semantics.PROCESS:
        return None
    words = view.name.words
    hit = lx.SALES.span(words)
    if hit is None or lx.NOT_SALES.match(words):
        return None
    return Hit(Label.SALES_IN_LEAD, "sales.in_lead", 0.8, {"trigger": hit})
