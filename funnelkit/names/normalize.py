"""Normalise stage names: case, ё/е, і/и, look-alike letters, camelCase, numbering, emoji."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Latin letters that look Cyrillic; real lang files contain «Cчёт» with a Latin C.
_LOOKALIKE = str.maketrans("aceopxykmthbi", "асеорхукмтнві")
# Folding for lexicon matching only: ru and uk share many stems once і/и, є/е, ы/и,
# soft/hard signs and apostrophes are levelled («клієнт» = «клиент», «консультація» =
# «консултация», which also absorbs the common typo «КОНСУЛТАЦИЯ»).
_FOLD = str.maketrans(
    {
        "ё": "е",
        "і": "и",
        "ї": "и",
        "є": "е",
        "ґ": "г",
        "ы": "и",
        "ъ": None,
        "ь": None,
        "'": None,
        "’": None,
        "ʼ": None,
        "`": None,
    }
)
_CAMEL = re.compile(r"(?<=[a-zа-яё])(?=[A-ZА-ЯЁ])")
_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_CYR = re.compile(r"[а-яёіїєґ]")
_LAT = re.compile(r"[a-z]")
_CLAUSE_SEP = re.compile(r"\s[-—–]\s|[—–:;,|()\[\]]|\.\s")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NUMBERED = re.compile(r"(\d+)(?:st|nd|rd|th|й|я|е|го|ий|ый|ая|ой)?")
_ORDINAL_SUFFIX = frozenset(["й", "я", "е", "го", "ий", "ый", "ая", "ой", "st", "nd", "rd", "th"])
_ALT_SEP = re.compile(r"/|\\|\b(?:или|либо|або|чи|or)\b", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case and level the letters that ru/uk spell differently."""
    return strip_latin_accents(fix_lookalikes(text.lower())).translate(_FOLD)


def strip_latin_accents(word: str) -> str:
    """«négociation» → «negociation»; Cyrillic (й, ё, ї) is left alone."""
    if word.isascii():
        return word
    out = []
    for ch in word:
        if "\u00c0" <= ch <= "\u024f":
            ch = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
        out.append(ch)
    return "".join(out)


def fix_lookalikes(word: str) -> str:
    """Replace Latin look-alikes inside words that are otherwise Cyrillic."""
    if _CYR.search(word) and _LAT.search(word):
        return word.translate(_LOOKALIKE)
    return word


def words_of(text: str) -> tuple[str, ...]:
    """Lower-cased words (ё→е, look-alikes fixed), camelCase split, emoji and punctuation gone."""
    spaced = _CAMEL.sub(" ", text)
    return tuple(
        strip_latin_accents(fix_lookalikes(w.lower())).replace("ё", "е")
        for w in _WORD.findall(spaced)
    )


_ORDINAL_TEXT = (
    "первый первая первое первичный перший перша перше второй вторая второе повторный "
    "другий друга друге третий третья третье третя четвертый четвертий пятый пятий "
    "first second third fourth fifth primer primero segundo tercer tercero erste zweite dritte "
    "premier deuxieme"
)
ORDINALS = frozenset(fold(w) for w in _ORDINAL_TEXT.split())


@dataclass(frozen=True, slots=True)
class Name:
    """A stage name taken apart for matching."""

    raw: str
    words: tuple[str, ...]  # lower-case, ё→е; numbers dropped
    folded: tuple[str, ...]  # the same words folded for the lexicon
    numbers: tuple[int, ...]
    clauses: tuple[tuple[str, ...], ...]  # lower-case words per clause (split at — : , ( ) …)
    alternatives: tuple[tuple[str, ...], ...]  # top-level «A / B», «A или B» sides
    skeleton: tuple[str, ...]  # folded words without numbers and ordinals

    @property
    def empty(self) -> bool:
        """True for a name with no words at all (only digits, emoji, punctuation)."""
        return not self.words


def _split_words(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    words: list[str] = []
    numbers: list[int] = []
    after_number = False
    for w in words_of(text):
        m = _NUMBERED.fullmatch(w)
        if m:
            numbers.append(int(m.group(1)))
        elif not (after_number and w in _ORDINAL_SUFFIX):  # «1-я», «2-й»
            words.append(w)
        after_number = bool(m)
    return tuple(words), tuple(numbers)


def _lower(text: str) -> tuple[str, ...]:
    words, _ = _split_words(text)
    return words


def parse(raw: str) -> Name:
    """Take a stage name apart: words, numbers, clauses, alternatives, skeleton."""
    words, numbers = _split_words(raw)
    folded = tuple(w.translate(_FOLD) for w in words)
    clauses = tuple(c for c in (_lower(p) for p in _CLAUSE_SEP.split(raw)) if c)
    top = _PAREN.sub(" ", raw)
    alternatives = tuple(a for a in (_lower(p) for p in _ALT_SEP.split(top)) if a)
    skeleton = tuple(w for w in folded if w not in ORDINALS)
    return Name(raw, words, folded, numbers, clauses, alternatives, skeleton)
