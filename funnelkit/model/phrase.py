"""A sentence written in English now and translated when a report is rendered.

The audit and the name analyser explain themselves in words ("2 × the 34 d within which 9 in
10 of this stage's stays end"), but they sit below the report and know nothing of languages.
A `Phrase` is that sentence as a plain `str` (its English text, so JSON, comparisons and
answer keys see an ordinary string) that also remembers its message id, the catalog context
it is translated under and the values it was filled with; the report translates the id and
formats the values the reader's way (numbers, plural forms).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PhraseValue = Any  # int | float | str | bool | None | Phrase


def plain(key: str, value: PhraseValue) -> str:
    """A value as the English text shows it: shares as percentages, floats to one decimal."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:.0%}" if key.endswith("share") else f"{value:.1f}".removesuffix(".0")
    return str(value)


class Phrase(str):
    """English text that a report can translate: message id, catalog context and values.

    `context` None marks glue that needs no translation (e.g. "{a}; {b}" joining two
    phrases). With `plural`, `counter` names the value that picks the form (gettext ngettext).
    """

    msgid: str
    context: str | None
    plural: str | None
    counter: str | None
    params: Mapping[str, PhraseValue]

    def __new__(
        cls,
        msgid: str,
        context: str | None,
        /,
        *,
        plural: str | None = None,
        counter: str | None = None,
        **params: PhraseValue,
    ) -> Phrase:
        template = plural if plural is not None and counter and params[counter] != 1 else msgid
        # without values the text is taken as it is (a vendor's explanation may hold braces)
        english = template
        if params:
            english = template.format(**{k: plain(k, v) for k, v in params.items()})
        self = super().__new__(cls, english)
        self.msgid, self.context, self.plural, self.counter = msgid, context, plural, counter
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.msgid, self.context, self.plural, self.counter, dict(self.params)))

    @classmethod
    def joined(cls, parts: list[Phrase] | tuple[Phrase, ...], sep: str = "; ") -> Phrase:
        """Several phrases read as one, each translated on its own."""
        keys = [f"p{i}" for i in range(len(parts))]
        glue = sep.join("{" + k + "}" for k in keys)
        return cls(glue, None, **dict(zip(keys, parts, strict=True)))


def _rebuild(
    msgid: str,
    context: str | None,
    plural: str | None,
    counter: str | None,
    params: Mapping[str, PhraseValue],
) -> Phrase:
    return Phrase(msgid, context, plural=plural, counter=counter, **params)
