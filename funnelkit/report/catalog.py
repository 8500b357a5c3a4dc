"""gettext catalogs of everything funnelkit's reports say, read at run time with Babel.

The English text is the message id and lives once, in the code (report words in
`i18n.UI`, a rule's title, rationale, remedy, messages and evidence phrases in its `RuleMeta`,
parameter descriptions in its `Params`, metric definitions in `metrics.definitions`, plan and
drift lines in `plan_words`);
`locale/<lang>/LC_MESSAGES/funnelkit.po` hold the Russian and Ukrainian. Each entry has a
context naming where it is used (`ui.title`, `FK201.remedy`, `FK201.param.max_days`), so one
English word can be translated differently in two places. The stage-name analyser is the one
exception: it ships its reasons in en / ru / uk itself (`funnelkit.names.reasons`), as a
library of its own.

`python -m funnelkit.report.catalog_sync` adds entries for new English texts to both catalogs
(untranslated, which the tests report) and drops entries nothing uses any more.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

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
    if lang not in TRANSLATED or not msgid:
        return msgid
    return _gettext(str(msgid), lang, context)


@lru_cache(maxsize=16384)
def _gettext(msgid: str, lang: str, context: str) -> str:
    """A report asks for the same few hundred texts once per finding: remember the answers."""
    cat = catalog(lang)
    if cat is None or not msgid:
        return msgid
    found = cat.get(msgid, context=context)
    text = found.string if found is not None else ""
    return text if isinstance(text, str) and text else msgid


def clear_cache() -> None:
    """Forget the catalogs read so far (after they were rewritten)."""
    catalog.cache_clear()
    _gettext.cache_clear()


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
