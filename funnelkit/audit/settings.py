"""Audit settings: selection, fail-on, per-rule (and per-funnel) enabled/severity/params.

The CLI maps funnelkit.yaml's `audit:` section and a blueprint's SLAs, probabilities
and roles onto these plain values; the audit never reads files or blueprints itself.
Every params block is validated against its rule's `Params` model, and problems are
listed together with their file:line:col (through the `where` callback) and the
allowed range.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from funnelkit.audit.findings import Severity
from funnelkit.audit.registry import Registry
from funnelkit.audit.rule import Rule, Tuning
from funnelkit.errors import ConfigError
from funnelkit.model import FunnelRole, RoleSource

Loc = tuple[str | int, ...]
Where = Callable[[Loc], str]


class Override(BaseModel):
    """Per-rule or per-funnel switches."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    severity: Severity | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class RuleSettings(Override):
    """A rule's settings, with overrides per funnel (by funnel id or exact name)."""

    funnels: dict[str, Override] = Field(default_factory=dict)


class AuditSettings(BaseModel):
    """Everything that tunes one audit run."""

    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    extend_select: list[str] = Field(default_factory=list)
    fail_on: Severity = Severity.HIGH
    rules: dict[str, RuleSettings] = Field(default_factory=dict)
    stage_sla_days: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="funnel id or name → stage id or name → SLA days"
    )
    stage_probabilities: dict[str, dict[str, float]] = Field(default_factory=dict)
    funnel_roles: dict[str, FunnelRole] = Field(default_factory=dict)
    role_source: RoleSource = RoleSource.CONFIG
    sla_source: Literal["blueprint", "config"] = "config"
    _where: Where | None = PrivateAttr(default=None)

    @property
    def where(self) -> Where | None:
        """Maps a location inside these settings to file:line:col, when read from a file."""
        return self._where


@dataclass
class CompiledRule:
    """A selected rule with validated params and effective severities."""

    rule: Rule
    tuning: Tuning[Any]
    severity: Severity | None = None
    severity_by_funnel: dict[str, Severity] = field(default_factory=dict)
    disabled_funnels: set[str] = field(default_factory=set)


def _where(where: Where | None, loc: Loc) -> str:
    return where(loc) if where else ".".join(str(p) for p in loc)


def _allowed(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    if info is None:
        return f"allowed keys: {', '.join(sorted(model.model_fields)) or 'none'}"
    bounds = []
    for meta in info.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                bounds.append(f"{sign} {getattr(meta, attr)}")
    return f"allowed: {' and '.join(bounds)}" if bounds else f"type {info.annotation}"


def _problems(
    exc: ValidationError, model: type[BaseModel], loc: Loc, where: Where | None
) -> list[str]:
    out = []
    for err in exc.errors():
        eloc = loc + tuple(err["loc"])
        name = str(err["loc"][0]) if err["loc"] else ""
        out.append(
            f"{_where(where, eloc)}: {'.'.join(map(str, eloc))}: {err['msg']} "
            f"({_allowed(model, name)})"
        )
    return out


def settings_from_data(
    data: Any, where: Where | None = None, loc: Loc = ("audit",)
) -> AuditSettings:
    """Validate the `audit:` mapping of a config; every problem in one ConfigError."""
    try:
        settings = AuditSettings.model_validate(data or {})
    except ValidationError as exc:
        lines = [f"{_where(where, loc + tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ConfigError(
            "invalid audit settings:\n  " + "\n  ".join(lines),
            "see `funnelkit rules list` for codes and `rules show CODE` for params",
        ) from exc
    if where is not None:
        settings._where = lambda rel: where(loc + rel)
    return settings


def _params(
    rule: Rule,
    data: Mapping[str, Any],
    loc: Loc,
    where: Where | None,
    problems: list[str],
    base: BaseModel | None = None,
) -> BaseModel:
    merged = {**(base.model_dump() if base is not None else {}), **data}
    try:
        return rule.Params.model_validate(merged)
    except ValidationError as exc:
        problems.extend(_problems(exc, rule.Params, loc, where))
        return base if base is not None else rule.Params()


def compile_rules(
    settings: AuditSettings,
    registry: Registry,
    funnel_ids: Mapping[str, str],
    where: Where | None = None,
    loc: Loc = ("audit",),
) -> list[CompiledRule]:
    """Selected rules with params validated; `funnel_ids` maps funnel names and ids to ids."""
    problems: list[str] = []
    selected = registry.select(settings.select, settings.ignore, settings.extend_select)
    by_code: dict[str, tuple[str, RuleSettings]] = {}
    for key, rs in settings.rules.items():
        rule = registry.get(key)
        if rule is None:
            problems.append(f"{_where(where, (*loc, 'rules', key))}: unknown rule {key!r}")
            continue
        by_code[rule.meta.code] = (key, rs)
    out: list[CompiledRule] = []
    for rule in registry.rules:
        key, rs = by_code.get(rule.meta.code, (rule.meta.code, RuleSettings()))
        rloc = (*loc, "rules", key)
        base = _params(rule, rs.params, (*rloc, "params"), where, problems)
        compiled = CompiledRule(rule, Tuning(base), rs.severity)
        for fkey, ov in rs.funnels.items():
            floc = (*rloc, "funnels", fkey)
            fid = funnel_ids.get(fkey, fkey)
            compiled.tuning.per_funnel[fid] = _params(
                rule, ov.params, (*floc, "params"), where, problems, base
            )
            if ov.severity is not None:
                compiled.severity_by_funnel[fid] = ov.severity
            if ov.enabled is False:
                compiled.disabled_funnels.add(fid)
        enabled = rs.enabled if rs.enabled is not None else rule in selected
        if enabled and (rule in selected or rs.enabled):
            out.append(compiled)
    if problems:
        raise ConfigError(
            "invalid rule settings:\n  " + "\n  ".join(problems),
            "fix the values above; `funnelkit rules show CODE` lists each parameter",
        )
    return out
