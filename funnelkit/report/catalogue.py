"""The rule catalogue for readers: `rules list` / `rules show` and the README's rule table.

Rule texts are written once in English (each rule's `RuleMeta` and `Params` descriptions)
and come out in the reader's language from the gettext catalogs (`report/catalog.py`).
"""

from __future__ import annotations

import inspect
from typing import Any

from pydantic import BaseModel

from funnelkit.audit.registry import default_registry
from funnelkit.audit.rule import Rule
from funnelkit.model.enums import LANGS
from funnelkit.report.catalog import gettext
from funnelkit.report.i18n import number, t

_SIGNS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


def param_rows(rule: Rule, lang: str = "en") -> list[dict[str, Any]]:
    """Each parameter: name, default, allowed range, description in `lang`."""
    model: type[BaseModel] = rule.Params
    rows = []
    for name, info in model.model_fields.items():
        bounds: dict[str, Any] = {}
        for meta in info.metadata:
            for attr in _SIGNS:
                if getattr(meta, attr, None) is not None:
                    bounds[attr] = getattr(meta, attr)
        text = gettext(info.description or "", lang, f"{rule.meta.code}.param.{name}")
        rows.append({"name": name, "default": info.default, "bounds": bounds, "description": text})
    return rows


def text(rule: Rule, field: str, lang: str) -> str:
    """The rule's title, rationale or remedy in `lang`."""
    return gettext(getattr(rule.meta, field).en, lang, f"{rule.meta.code}.{field}")


def rule_dict(rule: Rule) -> dict[str, Any]:
    """One rule's metadata in every language (stable key order for JSON)."""
    m = rule.meta
    return {
        "code": m.code,
        "name": m.name,
        "group": m.group,
        "aliases": list(m.aliases),
        "severity": m.severity.value,
        "requires": sorted(d.value for d in m.requires),
        "domain_item": m.domain_item,
        **{
            f: {lang: text(rule, f, lang) for lang in LANGS}
            for f in ("title", "rationale", "remedy")
        },
        "params": param_rows(rule),
        "doc": inspect.cleandoc(type(rule).__doc__ or ""),
    }


def catalogue() -> list[dict[str, Any]]:
    """Every registered rule, by code."""
    return [rule_dict(r) for r in default_registry().rules]


def _num(value: Any, lang: str) -> str:
    """A default or bound as the reader's language writes numbers (1.2 → 1,2 in ru / uk)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return number(value, lang, 0 if float(value).is_integer() else len(repr(value).split(".")[1]))


def _range(bounds: dict[str, Any], lang: str) -> str:
    return ", ".join(f"{_SIGNS[k]} {_num(v, lang)}" for k, v in bounds.items())


def render_rule(rule: Rule, lang: str) -> str:
    """`rules show`: the rule for a reader in `lang` (the detection notes only in English)."""
    m = rule.meta
    severity = f"{t('default_severity', lang)}: {t(m.severity.value, lang)}"
    needs = ", ".join(gettext(d, lang, "dataset") for d in sorted(d.value for d in m.requires))
    lines = [
        f"{m.code} {m.name} [{m.group}] — {severity}",
        "",
        text(rule, "title", lang),
        "",
        text(rule, "rationale", lang),
        "",
        f"{t('remedy', lang)}: {text(rule, 'remedy', lang)}",
        "",
        f"{t('needs', lang)}: {needs or '—'}",
    ]
    if m.aliases:
        lines.append(f"{t('aliases', lang)}: {', '.join(m.aliases)}")
    params = param_rows(rule, lang)
    if params:
        lines += ["", f"{t('parameters', lang)} (audit.rules.{m.code}.params):"]
        for p in params:
            lines.append(
                f"  {p['name']} = {_num(p['default'], lang)}  ({_range(p['bounds'], lang)})  "
                f"{p['description']}"
            )
    if lang == "en":
        lines += ["", inspect.cleandoc(type(rule).__doc__ or "")]
    return "\n".join(lines) + "\n"


def render_list(lang: str) -> str:
    """`rules list`: one line per rule."""
    rows = [
        f"{r.meta.code}  {r.meta.name:<36} {t(r.meta.severity.value, lang):<12} "
        f"{text(r, 'title', lang)}"
        for r in default_registry().rules
    ]
    return "\n".join(rows) + "\n"


def readme_table() -> str:
    """The README's rule table: code, name, default severity, title (English)."""
    rows = ["| code | name | severity | checks that |", "|---|---|---|---|"]
    for r in default_registry().rules:
        m = r.meta
        rows.append(f"| {m.code} | {m.name} | {m.severity.value} | {text(r, 'title', 'en')} |")
    return "\n".join(rows) + "\n"
