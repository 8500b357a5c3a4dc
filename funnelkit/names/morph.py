"""Lemmas and word forms for ru / uk (pymorphy3 with both dictionaries) and a light English rule.

Stage names inflect («думает / думают / думка», «відклали», «неотвеченные»), so the lexicon is
written as lemmas and every word is looked up once (cached). A word spelt with letters only one
language has (і, ї, є, ґ vs ы, э, ъ) is read in that language; otherwise both dictionaries are
asked and every reading they know counts, because a bare stage name gives no syntax to choose
between «переговори» (uk noun) and «переговори» (ru imperative).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_UK_ONLY = re.compile(r"[іїєґ'’ʼ]")
_RU_ONLY = re.compile(r"[ыэъё]")
_CYR = re.compile(r"[а-яёіїєґ]")
# English: the few inflections stage names use («Contacted», «Negotiating», «Leads»).
_EN_SUFFIXES = ("ing", "ed", "es", "s")


@dataclass(frozen=True, slots=True)
class Form:
    """What the word's most likely reading says about it (all False when unknown)."""

    infinitive: bool = False  # «созвониться», «дізнатися»
    result: bool = False  # a past participle or a past-tense verb: «отправлено», «вышел»
    past_plural: bool = False  # «презентовали», «розмовляли»: what the team did
    present: bool = False  # «думает», «чекаємо», «evaluating»
    adjective: bool = False  # «финальный», «цінова» (not a participle)
    noun: bool = False


@lru_cache(maxsize=2)
def _analyser(lang: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def _langs(word: str) -> tuple[str, ...]:
    if _UK_ONLY.search(word):
        return ("uk",)
    if _RU_ONLY.search(word):
        return ("ru",)
    return ("ru", "uk")


def _fold(word: str) -> str:
    return word.replace("ё", "е").replace("’", "'").replace("ʼ", "'")


@lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """Every lemma the dictionaries give a lower-case word, plus the word itself."""
    word = _fold(word)
    if not _CYR.search(word):
        return frozenset({word, *_english_lemmas(word)})
    found = {word}
    known = False
    for lang in _langs(word):
        analyser = _analyser(lang)
        if analyser.word_is_known(word):
            known = True
            found.update(_fold(p.normal_form) for p in analyser.parse(word))
    if not known:
        # Unknown (slang, typos, «недодзвон»): keep the guesser's best reading per language.
        for lang in _langs(word):
            parses = _analyser(lang).parse(word)
            if parses:
                found.add(_fold(parses[0].normal_form))
    return frozenset(found)


def _english_lemmas(word: str) -> set[str]:
    out = set()
    for suffix in _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            out.update({stem, stem + "e"})
            if len(stem) > 3 and stem[-1] == stem[-2]:
                out.add(stem[:-1])  # «scheduled» is fine, «planned» → «plan»
    return out


_EN_PAST = frozenset(
    [
        "sent",
        "made",
        "done",
        "set",
        "signed",
        "won",
        "lost",
        "paid",
        "held",
        "given",
        "out",
        "booked",
    ]
)
_EN_NOT_PAST = frozenset(["need", "closed"])


@lru_cache(maxsize=65536)
def form(word: str) -> Form:
    """The grammatical reading of a lower-case word."""
    word = _fold(word)
    if not _CYR.search(word):
        past = word in _EN_PAST or (word.endswith("ed") and len(word) > 4)
        return Form(result=past and word not in _EN_NOT_PAST, present=word.endswith("ing"))
    parses = _parses(word)
    if not parses:
        return Form()
    parse = parses[0]
    pos = parse.tag.POS
    gram = set(parse.tag.grammemes)
    # «закрыт» reads first as a short adjective, yet a past participle is among its readings
    participle = any(_participle(p) for p in parses)
    verb_past = pos == "VERB" and ("past" in gram or "Impe" in gram)
    return Form(
        infinitive=pos == "INFN" or "infn" in gram,
        result=participle or verb_past,
        past_plural=pos == "VERB" and "past" in gram and "plur" in gram,
        present=pos == "VERB" and bool(gram & {"pres", "futr"}) and "impr" not in gram,
        adjective=pos in ("ADJF", "ADJS") and not participle,
        noun=pos == "NOUN",
    )


def _participle(parse: Any) -> bool:
    # ru tags participles PRTF / PRTS; the uk dictionary tags them ADJF + pssv and the
    # impersonal «відправлено» VERB + Impe
    pos = parse.tag.POS
    gram = set(parse.tag.grammemes)
    return (pos in ("PRTF", "PRTS") and "past" in gram) or (
        pos in ("ADJF", "ADJS") and "pssv" in gram
    )


def _parses(word: str) -> list[Any]:
    """The readings of the first dictionary that knows the word, else the guesser's."""
    for lang in _langs(word):
        analyser = _analyser(lang)
        if analyser.word_is_known(word):
            return list(analyser.parse(word))
    return list(_analyser(_langs(word)[0]).parse(word))[:1]
