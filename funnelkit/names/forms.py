"""Word forms for ru / uk / en from pymorphy3 readings: a task, a result, a state, an activity."""

from __future__ import annotations

from collections.abc import Sequence

from funnelkit.names.lexicon import EN_IMPERATIVES
from funnelkit.names.morph import form


def is_infinitive(word: str) -> bool:
    """Russian or Ukrainian infinitive («созвониться», «дізнатися»), or an English imperative."""
    return word in EN_IMPERATIVES or form(word).infinitive


def is_result(word: str) -> bool:
    """A participle or a past-tense form: the name states something that has happened.

    A past plural («презентовали», «розмовляли») is what the team did — an activity, not the
    deal's resulting situation — so it does not count (issue 20).
    """
    f = form(word)
    return f.result and not f.past_plural


def did(word: str) -> bool:
    """A past plural: «we did X» («обсудили», «презентовали», «відправили»)."""
    return form(word).past_plural


def is_present_verb(word: str) -> bool:
    """A present-tense verb or -ing form («думает», «думають», «evaluating»)."""
    return form(word).present


def has_result(words: Sequence[str]) -> bool:
    """True when any word states a result."""
    return any(is_result(w) for w in words)
