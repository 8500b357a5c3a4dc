"""Cue matching: patterns of lemmas, exact forms and slang prefixes over a name's words.

A pattern is one or more space-separated tokens that must occur as adjacent words; «..» between
two tokens allows up to two words in between. A token is a lemma (matched against every lemma
pymorphy3 gives the word), «=word» must equal the word as written, «stem*» is a prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from funnelkit.names.morph import lemmas

_GAP = 2


def _key(token: str) -> str:
    return token.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")


@dataclass(frozen=True, slots=True)
class Cue:
    """A compiled group of patterns; `match` returns the first pattern found, as written."""

    name: str
    patterns: tuple[tuple[str, tuple[str, ...]], ...]
    # First token → pattern numbers, so a name is checked only against the patterns whose
    # first word it contains (a portal has thousands of stage names).
    exact: dict[str, tuple[int, ...]] = field(default_factory=dict)
    prefix: dict[str, tuple[int, ...]] = field(default_factory=dict)
    lengths: tuple[int, ...] = ()

    def match(self, words: Sequence[str]) -> str | None:
        """The written pattern that occurs in the lower-case words, or None."""
        found = self.find(words)
        return found[0] if found else None

    def find(self, words: Sequence[str]) -> tuple[str, range] | None:
        """The written pattern and the word positions it covers, or None."""
        candidates: set[int] = set()
        for word in words:
            for key in (f"={word}", *lemmas(word)):
                candidates.update(self.exact.get(key, ()))
            for n in self.lengths:
                candidates.update(self.prefix.get(word[:n], ()))
        for index in sorted(candidates):
            written, tokens = self.patterns[index]
            for start in range(len(words)):
                end = _occurs_at(tokens, words, start)
                if end is not None:
                    return written, range(start, end + 1)
        return None

    def span(self, words: Sequence[str]) -> str | None:
        """The words of the name that the first match covers, as they are written there."""
        found = self.find(words)
        return " ".join(words[i] for i in found[1]) if found else None

    def without(self, words: Sequence[str]) -> tuple[str, ...]:
        """The words left once this cue's first match is taken out."""
        found = self.find(words)
        if found is None:
            return tuple(words)
        return tuple(w for i, w in enumerate(words) if i not in found[1])


def _hit(token: str, word: str) -> bool:
    if token.startswith("="):
        return word == token[1:]
    if token.endswith("*"):
        return word.startswith(token[:-1])
    return token in lemmas(word)


def _occurs_at(tokens: tuple[str, ...], words: Sequence[str], start: int) -> int | None:
    """The position of the last matched word when the pattern starts at `start`."""
    if not _hit(tokens[0], words[start]):
        return None
    pos, gap = start, 0
    for token in tokens[1:]:
        if token == "..":
            gap = _GAP
            continue
        window = range(pos + 1, min(len(words), pos + 2 + gap))
        nxt = next((i for i in window if _hit(token, words[i])), None)
        if nxt is None:
            return None
        pos, gap = nxt, 0
    return pos


def cue(name: str, patterns: str) -> Cue:
    """Compile «|»-separated written patterns into a Cue."""
    written = [" ".join(p.split()) for p in patterns.split("|") if p.strip()]
    compiled = tuple((p.replace(" .. ", " "), tuple(_key(t) for t in p.split())) for p in written)
    exact: dict[str, list[int]] = {}
    prefix: dict[str, list[int]] = {}
    for index, (_, tokens) in enumerate(compiled):
        first = tokens[0]
        if first.endswith("*"):
            prefix.setdefault(first[:-1], []).append(index)
        else:
            exact.setdefault(first, []).append(index)
    return Cue(
        name,
        compiled,
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in prefix.items()},
        tuple(sorted({len(k) for k in prefix})),
    )
