"""gettext catalogs of everything funnelkit's reports say, read at run time with Babel.

The English text is the message id and lives once, in the code (report words in
`i18n._UI`, rule texts in each rule's `RuleMeta`, parameter descriptions in its `Params`);
`locale/<lang>/LC_MESSAGES/funnelkit.po` hold the Russian and Ukrainian. Each entry has a
context naming where it is used (`ui.title`, `FK201.remedy`, `FK201.param.max_days`), so one
English word can be translated differently in two places.

`python -m funnelkit.report.catalog` adds entries for new English texts to both catalogs
(untranslated, which the tests report) and drops entries nothing uses any more.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "funnelkit"
TRANSLATED = ("ru", "uk")


def po_path(lang: str) -> Path:
    """Where the catalog of `lang` lives (shipped as package data)."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=4)
def catalog(lang: str) -> Catalog | None:
    """The catalog of `lang`, or None for English and unknown languages."""
    if lang not in TRANSLATED:
        return None
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def gettext(msgid: str, lang: str, context: str) -> str:
    """`msgid` in `lang`; the English itself when there is no translation."""
    cat = catalog(lang)
    if cat is None or not msgid:
        return msgid
    found = cat.get(msgid, context=context)
    text = found.string if found is not None else ""
    return text if isinstance(text, str) and text else msgid


def ngettext(singular: str, plural: str, count: float, lang: str, context: str) -> str:
    """The form of a counted noun `lang` needs for `count` (gettext's Plural-Forms rule)."""
    cat = catalog(lang)
    english = singular if count == 1 else plural
    if cat is None:
        return english
    found = cat.get(singular, context=context)
    if found is None or not isinstance(found.string, tuple | list):
        return english
    # ru/uk fractions take the genitive singular, the form of 2–4 (index 1)
    whole = float(count).is_integer()
    index = stdlib_gettext.c2py(cat.plural_expr)(int(count)) if whole else 1
    forms = list(found.string)
    return forms[index] if index < len(forms) and forms[index] else english


def wanted() -> Iterator[tuple[str, str | tuple[str, str]]]:
    """(context, message id) of every text the catalogs must translate."""
    from funnelkit.audit.registry import default_registry
    from funnelkit.model import RoleSource
    from funnelkit.report.i18n import CLOCKS, DATA_STATES, EVIDENCE_WORDS, NEEDS, NOUNS, UI, WHY

    for key, english in UI.items():
        yield f"ui.{key}", english
    for name, (one, many) in NOUNS.items():
        yield f"noun.{name}", (one, many)
    for word in EVIDENCE_WORDS:
        yield "evidence", word
    yield "reason.needs", NEEDS
    for state in DATA_STATES:
        yield "reason.state", state
    for why in WHY:
        yield "reason.why", why
    for clock in CLOCKS:
        yield "clock", clock
    for source in RoleSource:
        yield "role.source", source.value
    for rule in default_registry():
        m = rule.meta
        yield f"{m.code}.title", m.title.en
        yield f"{m.code}.rationale", m.rationale.en
        yield f"{m.code}.remedy", m.remedy.en
        for name, info in rule.Params.model_fields.items():
            if info.description:
                yield f"{m.code}.param.{name}", info.description


def missing(lang: str) -> list[str]:
    """Contexts of the texts `lang` has no translation for."""
    cat = catalog(lang)
    assert cat is not None
    out = []
    for context, msgid in wanted():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        found = cat.get(key, context=context)
        strings = found.string if found is not None else ""
        values = list(strings) if isinstance(strings, tuple | list) else [strings]
        if not all(values):
            out.append(context)
    return out


def update() -> None:
    """Bring both catalogs in line with the code: add new ids, keep translations, drop stale."""
    for lang in TRANSLATED:
        old = catalog(lang)
        fresh = Catalog(locale=lang, domain=DOMAIN, project="funnelkit", fuzzy=False)
        for context, msgid in wanted():
            key = msgid[0] if isinstance(msgid, tuple) else msgid
            kept = old.get(key, context=context) if old is not None else None
            string = (
                kept.string
                if kept is not None
                else ("", "", "")
                if isinstance(msgid, tuple)
                else ""
            )
            fresh.add(msgid, string, context=context)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, fresh, width=100, omit_header=False, sort_output=False)
    catalog.cache_clear()


if __name__ == "__main__":
    update()
