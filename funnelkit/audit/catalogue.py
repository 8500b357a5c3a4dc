"""The rule catalogue as data: what `rules list/show` print and docs pages are built from."""

from __future__ import annotations

import inspect
from typing import Any

from pydantic import BaseModel

from funnelkit.audit.registry import default_registry
from funnelkit.audit.rule import Rule


def param_rows(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Each parameter: name, default, allowed range, description."""
    rows = []
    for name, info in model.model_fields.items():
        bounds: dict[str, Any] = {}
        for meta in info.metadata:
            for attr in ("ge", "gt", "le", "lt"):
                if getattr(meta, attr, None) is not None:
                    bounds[attr] = getattr(meta, attr)
        rows.append(
            {"name": name, "default": info.default, "bounds": bounds,
             "description": info.description or ""}
        )  # fmt: skip
    return rows


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
        "title": m.title.model_dump(),
        "rationale": m.rationale.model_dump(),
        "remedy": m.remedy.model_dump(),
        "params": param_rows(rule.Params),
        "doc": inspect.cleandoc(type(rule).__doc__ or ""),
    }


def catalogue() -> list[dict[str, Any]]:
    """Every registered rule, by code."""
    return [rule_dict(r) for r in default_registry().rules]


def _range(bounds: dict[str, Any]) -> str:
    signs = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    return ", ".join(f"{signs[k]} {v}" for k, v in bounds.items())


def render_rule(rule: Rule, lang: str) -> str:
    """`rules show`: the rule for a reader, in `lang` (the long doc stays in English)."""
    m = rule.meta
    lines = [
        f"{m.code} {m.name} [{m.group}] — default severity {m.severity.value}",
        "",
        m.title.get(lang),
        "",
        m.rationale.get(lang),
        "",
        m.remedy.get(lang),
        "",
        f"needs: {', '.join(sorted(d.value for d in m.requires)) or '-'}",
    ]
    if m.aliases:
        lines.append(f"aliases: {', '.join(m.aliases)}")
    params = param_rows(rule.Params)
    if params:
        lines += ["", "parameters (audit.rules." + m.code + ".params):"]
        for p in params:
            lines.append(
                f"  {p['name']} = {p['default']}  ({_range(p['bounds'])})  {p['description']}"
            )
    lines += ["", inspect.cleandoc(type(rule).__doc__ or "")]
    return "\n".join(lines) + "\n"


def render_list(lang: str) -> str:
    """`rules list`: one line per rule."""
    rows = [
        f"{r.meta.code}  {r.meta.name:<36} {r.meta.severity.value:<8} {r.meta.title.get(lang)}"
        for r in default_registry().rules
    ]
    return "\n".join(rows) + "\n"
