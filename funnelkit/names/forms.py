"""Word-form heuristics for ru / uk / en: infinitives, results (participles, past), present."""

from __future__ import annotations

import re
from collections.abc import Sequence

from funnelkit.names.lexicon import EN_IMPERATIVES

_INFINITIVE = re.compile(
    r"\w{2,}[аяеиоуыё](ть|ться|тись)$|\w+(чь|чься)$|\w{3,}[аиіяуоє](ти|тися|тись)$"
)
_RESULT = re.compile(
    r"\w+(ан|ян|ен|ён)(а|о|ы|и|ий|і|е)?$"  # согласован, отправлено, підписаний
    r"|\w+(анн|янн|енн|ённ)(ый|ая|ое|ые|ий|і)$"  # отправленный
    r"|\w+т(ый|ая|ое|ые)$"  # закрытая
    r"|\w*[аеиоуыяёіїє]л(а|о|и)?(ся|сь)?$"  # вышел, презентовали, відправили
    r"|\w{2,}ed$"
)
_EN_PAST_TEXT = "sent made done set signed won lost paid held given out booked"
_EN_PAST = frozenset(_EN_PAST_TEXT.split())
_PRESENT = re.compile(r"\w+(ет|ют|ут|ат|ят|ит|ає|ує|ють|ять|уть|ить|ать)(ся)?$|\w{3,}ing$")
_NOT_RESULT_TEXT = "план экран клиент клієнт материал стол need"
_NOT_RESULT = frozenset(_NOT_RESULT_TEXT.split())


def is_infinitive(word: str) -> bool:
    """Russian or Ukrainian infinitive («созвониться», «дізнатися»), or an English imperative."""
    return word in EN_IMPERATIVES or bool(_INFINITIVE.fullmatch(word))


def is_result(word: str) -> bool:
    """A participle or past-tense form: the name states something that has happened."""
    if word in _NOT_RESULT:
        return False
    return word in _EN_PAST or bool(_RESULT.fullmatch(word))


def is_present_verb(word: str) -> bool:
    """A present-tense verb or -ing form («думает», «думають», «evaluating»)."""
    return bool(_PRESENT.fullmatch(word))


def has_result(words: Sequence[str]) -> bool:
    """True when any word states a result."""
    return any(is_result(w) for w in words)
