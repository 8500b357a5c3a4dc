"""Every problem of a config file in one pass, each with file:line:col and what is allowed.

A config with five mistakes should need one run to fix, not five: the file's shape, the
`audit:` section, each rule's params and every rule selector are checked together
here, and the loader raises once with the whole list.
"""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from funnelkit.yamlio import Loc, YamlDoc

_SELECTORS = ("select", "ignore", "extend_select")


def _unwrap(annotation: Any) -> Any:
    """`X | None` → X."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _field_at(model: type[BaseModel], loc: Loc) -> tuple[Any, Any]:
    """(the model or type that holds the last part of `loc`, the field info if a model field)."""
    holder: Any = model
    info: Any = None
    for part in loc:
        current = _unwrap(holder)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return current, None
            holder = info.annotation
        elif get_origin(current) in (dict, list):
            holder = get_args(current)[-1]
            info = None
        else:
            return current, info
    return _unwrap(holder), info


def _bounds(info: Any) -> str:
    out = []
    for meta in getattr(info, "metadata", []):
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            value = getattr(meta, attr, None)
            if value is not None:
                out.append(f"{sign} {value}")
    return " and ".join(out)


def allowed(model: type[BaseModel], loc: Loc, kind: str) -> str:
    """What may stand at `loc` (relative to `model`), in words; '' when nothing useful."""
    if kind == "extra_forbidden":
        parent, _ = _field_at(model, loc[:-1])
        if isinstance(parent, type) and issubclass(parent, BaseModel):
            return "allowed keys: " + ", ".join(parent.model_fields)
        return ""
    holder, info = _field_at(model, loc)
    bounds = _bounds(info) if info is not None else ""
    if bounds:
        return f"allowed: {bounds}"
    if get_origin(holder) is Literal:
        return "allowed: " + ", ".join(str(v) for v in get_args(holder))
    if isinstance(holder, type) and issubclass(holder, str) and hasattr(holder, "__members__"):
        return "allowed: " + ", ".join(str(v) for v in holder.__members__.values())
    return ""


def _describe(error: Any) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("enum", "literal_error") and error.get("ctx", {}).get("expected"):
        return f"must be one of {error['ctx']['expected']}"
    return str(error.get("msg", "invalid value")).replace("Value error, ", "")


def problems_of(
    doc: YamlDoc, model: type[BaseModel], data: Any, prefix: Loc = ()
) -> tuple[list[str], Any]:
    """Validate `data` (found at `prefix` in `doc`); (problems, the model instance or None)."""
    try:
        return [], model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            rel = tuple(error.get("loc", ()))
            loc = (*prefix, *rel)
            where_loc = loc[:-1] if error.get("type") == "missing" else loc
            dotted = ".".join(str(p) for p in loc) or "<document>"
            kind = error.get("type", "")
            extra = "" if kind in ("enum", "literal_error") else allowed(model, rel, kind)
            tail = f" ({extra})" if extra else ""
            lines.append(f"{doc.where(where_loc)}: {dotted}: {_describe(error)}{tail}")
        return lines, None


def audit_problems(doc: YamlDoc, audit: Any) -> list[str]:
    """Problems of the `audit:` section: its shape, rule codes, params and selectors."""
    from funnelkit.audit.registry import default_registry
    from funnelkit.audit.settings import AuditSettings

    problems, _ = problems_of(doc, AuditSettings, audit, ("audit",))
    if not isinstance(audit, dict):
        return problems
    registry = default_registry()
    codes = ", ".join(r.meta.code for r in registry)
    for name in _SELECTORS:
        values = audit.get(name)
        for index, selector in enumerate(values if isinstance(values, list) else []):
            if isinstance(selector, str) and not registry.matches(selector):
                problems.append(
                    f"{doc.where(('audit', name, index))}: audit.{name}[{index}]: "
                    f"{selector!r} matches no rule (allowed: a code such as {codes}; a prefix "
                    "such as FK2; a group; a name glob such as deals.*)"
                )
    rules = audit.get("rules")
    for key, body in (rules if isinstance(rules, dict) else {}).items():
        rule = registry.get(str(key))
        loc: Loc = ("audit", "rules", str(key))
        if rule is None:
            problems.append(f"{doc.where(loc)}: audit.rules.{key}: unknown rule (allowed: {codes})")
            continue
        if not isinstance(body, dict):
            continue
        blocks: list[tuple[Loc, Any]] = [((*loc, "params"), body.get("params"))]
        funnels = body.get("funnels")
        for fkey, fbody in (funnels if isinstance(funnels, dict) else {}).items():
            if isinstance(fbody, dict):
                blocks.append(((*loc, "funnels", str(fkey), "params"), fbody.get("params")))
        for where, params in blocks:
            if isinstance(params, dict):
                problems.extend(problems_of(doc, rule.Params, params, where)[0])
    return problems
