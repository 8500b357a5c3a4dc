"""Keep the catalogs in line with the code: what must be translated, and what is missing.

`python -m funnelkit.report.catalog_sync` adds entries for new English texts to both catalogs
(untranslated, which the tests report) and drops entries nothing uses any more. Apart from
`catalog` because it reads the report's word tables, which themselves translate through
`catalog`.
"""

from __future__ import annotations

from collections.abc import Iterator

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from funnelkit.audit import SPA_SKIP
from funnelkit.audit.context import RECORDED, SET_IN_SETTINGS
from funnelkit.audit.registry import default_registry
from funnelkit.audit.rule import NEEDS, NEEDS_WHY
from funnelkit.metrics.definitions import DEFINITIONS
from funnelkit.model import DataSet, FunnelRole, RoleSource
from funnelkit.report.catalog import DOMAIN, TRANSLATED, catalog, clear_cache, po_path
from funnelkit.report.i18n import NOUNS, UI
from funnelkit.report.phrases import (
    CLOCKS,
    DATA_STATES,
    EVIDENCE_KEYS,
    EVIDENCE_WORDS,
    FIELD_TYPES,
    WHY,
)
from funnelkit.report.plan_words import KINDS, LINES, SEMANTICS, WORDS


def wanted() -> Iterator[tuple[str, str | tuple[str, str]]]:
    """(context, message id) of every text the catalogs must translate."""
    for key, english in UI.items():
        yield f"ui.{key}", english
    for name, (one, many) in NOUNS.items():
        yield f"noun.{name}", (one, many)
    for word in FIELD_TYPES:
        yield "field.type", word
    for word in EVIDENCE_WORDS:
        yield "evidence", word
    yield "reason.needs", NEEDS
    yield "reason.needs", NEEDS_WHY
    yield "reason.spa", SPA_SKIP
    for key, label in EVIDENCE_KEYS.items():
        yield f"evidence.{key}", label
    for state in DATA_STATES:
        yield "reason.state", state
    for why in WHY:
        yield "reason.why", why
    for clock in CLOCKS:
        yield "clock", clock
    for source in RoleSource:
        yield "role.source", source.value
    for key, (name, defined) in DEFINITIONS.items():
        yield f"metric.{key}.name", name
        yield f"metric.{key}.definition", defined
    for dataset in DataSet:
        yield "dataset", dataset.value
    for role in FunnelRole:
        yield "role", role.value
    yield "role.reason", SET_IN_SETTINGS
    yield "role.reason", RECORDED
    for layout in WORDS.values():
        yield "plan.word", layout
    for planned in LINES:
        yield "plan.line", planned
    for kind in KINDS:
        yield "plan.kind", kind
    for semantics in SEMANTICS:
        yield "plan.semantics", semantics
    for rule in default_registry():
        m = rule.meta
        yield f"{m.code}.title", m.title.en
        yield f"{m.code}.rationale", m.rationale.en
        yield f"{m.code}.remedy", m.remedy.en
        for text in m.messages.values():
            yield f"{m.code}.message", text.en
        for key, phrase in m.phrases.items():
            yield f"{m.code}.phrase.{key}", phrase
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
    clear_cache()


if __name__ == "__main__":
    update()
