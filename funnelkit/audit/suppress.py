"""Suppressions (the `findings:` section of funnelkit-ignore.yaml) and baselines.

CRM objects cannot carry `# noqa` comments, so suppressions live in a file, keyed
by rule and by portal / funnel / stage / deal id or name glob, each with a
mandatory reason and an optional expiry (cli-conventions.md §16.4). Suppressed
findings are reported with their reason, never hidden; expired and unused entries
are reported too.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from funnelkit.audit.findings import Finding, Suppressed, SuppressionNote
from funnelkit.audit.registry import Registry
from funnelkit.errors import ConfigError, InputError
from funnelkit.model.timeutil import from_epoch

Loc = tuple[str | int, ...]
BASELINE_SCHEMA = "funnelkit.baseline/1"


class SuppressionEntry(BaseModel):
    """One accepted finding pattern; every set target must match."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(min_length=1, description="code, alias, name or glob (FK2*, deals.*)")
    portal: str | None = None
    funnel: str | None = None
    stage: str | None = None
    deal: str | None = None
    entity: str | None = Field(None, description="any subject id or name (contact, task, user)")
    reason: str = Field(min_length=3)
    expires: date | None = None


class IgnoreFile(BaseModel):
    """funnelkit-ignore.yaml; `drift:` belongs to the drift command and is not read here."""

    model_config = ConfigDict(extra="forbid")

    findings: list[SuppressionEntry] = Field(default_factory=list)
    drift: Any = None


def parse_suppressions(
    data: Any, where: Callable[[Loc], str] | None = None
) -> list[SuppressionEntry]:
    """Validate an ignore file's data; every problem with its file:line:col in one error."""
    try:
        return IgnoreFile.model_validate(data or {}).findings
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            at = where(loc) if where else ".".join(map(str, loc))
            msg = "a reason is required" if loc[-1:] == ("reason",) else e["msg"]
            lines.append(f"{at}: {'.'.join(map(str, loc))}: {msg}")
        raise ConfigError(
            "invalid suppressions:\n  " + "\n  ".join(lines),
            "each `findings:` entry needs `rule:` and a `reason:`; `expires:` is YYYY-MM-DD",
        ) from exc


def _hit(pattern: str | None, ident: str | None, name: str | None) -> bool:
    if pattern is None:
        return True
    return ident == pattern or any(
        v is not None and fnmatch.fnmatchcase(v.lower(), pattern.lower()) for v in (ident, name)
    )


def _rule_hit(entry: SuppressionEntry, finding: Finding, registry: Registry | None) -> bool:
    if registry is not None:
        rule = registry.get(entry.rule)
        if rule is not None:
            return rule.meta.code == finding.code
    pat = entry.rule.upper()
    return fnmatch.fnmatchcase(finding.code, pat) or fnmatch.fnmatchcase(finding.name.upper(), pat)


def matches(
    entry: SuppressionEntry, finding: Finding, portal: str, registry: Registry | None = None
) -> bool:
    """True when every target the entry names matches the finding."""
    s = finding.subject
    deal_id = s.id if s.kind == "deal" else None
    deal_name = s.name if s.kind == "deal" else None
    deal_ok = (
        entry.deal is None or _hit(entry.deal, deal_id, deal_name) or entry.deal in finding.related
    )
    return (
        _rule_hit(entry, finding, registry)
        and _hit(entry.portal, portal, None)
        and _hit(entry.funnel, s.funnel_id, s.funnel_name)
        and _hit(entry.stage, s.stage_id, s.stage_name)
        and deal_ok
        and _hit(entry.entity, s.id, s.name)
    )


def apply_suppressions(
    findings: Iterable[Finding],
    entries: list[SuppressionEntry],
    portal: str,
    now: int,
    registry: Registry | None = None,
) -> tuple[list[Finding], list[Suppressed], list[SuppressionNote], list[SuppressionNote]]:
    """Split findings into kept and suppressed; also return unused and expired entries."""
    today = from_epoch(now).date()
    live = [(i, e) for i, e in enumerate(entries) if e.expires is None or e.expires >= today]
    expired = [
        _note(i, e) for i, e in enumerate(entries) if e.expires is not None and e.expires < today
    ]
    used: set[int] = set()
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    for f in findings:
        hit = next(((i, e) for i, e in live if matches(e, f, portal, registry)), None)
        if hit is None:
            kept.append(f)
        else:
            used.add(hit[0])
            suppressed.append(Suppressed(f, hit[1].reason, hit[0]))
    unused = [_note(i, e) for i, e in live if i not in used]
    return kept, suppressed, unused, expired


def _note(index: int, e: SuppressionEntry) -> SuppressionNote:
    return SuppressionNote(index, e.rule, e.reason, e.expires.isoformat() if e.expires else None)


# --- baseline ----------------------------------------------------------------------------------


def baseline_data(findings: Iterable[Finding]) -> dict[str, Any]:
    """The JSON document of a baseline: stable keys (rule + entity), sorted."""
    rows = sorted({f.key: f for f in findings}.values(), key=lambda f: f.key)
    return {
        "schema": BASELINE_SCHEMA,
        "findings": [
            {
                "key": f.key,
                "code": f.code,
                "kind": f.subject.kind,
                "id": f.subject.id,
                "name": f.subject.name,
            }
            for f in rows
        ],
    }


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    """Freeze today's findings (atomic write)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        json.dumps(baseline_data(findings), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    tmp.replace(path)


def read_baseline(path: Path) -> set[str]:
    """The finding keys frozen in a baseline file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != BASELINE_SCHEMA:
            raise ValueError(f"schema is {data.get('schema')!r}, expected {BASELINE_SCHEMA!r}")
        return {str(row["key"]) for row in data["findings"]}
    except FileNotFoundError as exc:
        raise InputError(f"{path}: baseline not found", "write one with --write-baseline") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            f"{path}: not a funnelkit baseline ({exc})", "regenerate it with --write-baseline"
        ) from exc
