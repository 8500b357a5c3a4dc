"""What an audit reads besides the snapshot: settings, blueprint SLAs and roles, suppressions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from funnelkit.errors import InputError
from funnelkit.model import RoleSource, Snapshot

if TYPE_CHECKING:
    from funnelkit.audit import AuditSettings
    from funnelkit.audit.suppress import SuppressionEntry
    from funnelkit.cli.common import AppState

IGNORE_FILE = "funnelkit-ignore.yaml"


def blueprint_settings(
    path: Path, snapshot: Snapshot, config: Path | None = None
) -> dict[str, Any]:
    """Stage SLAs, probabilities and funnel roles of a blueprint, keyed by portal ids.

    The CLI does this mapping so the audit never imports the blueprint package.
    """
    from funnelkit.blueprint.matching import match_funnels, match_stages
    from funnelkit.blueprint.state import portal_ids, state_dir
    from funnelkit.cli.plan import load_any

    blueprint = load_any(str(path))
    manifest = snapshot.manifest
    ids = portal_ids(state_dir(config), snapshot, blueprint.name)
    funnels = match_funnels(blueprint, snapshot.structure.funnels, ids, manifest.vendor)
    sla: dict[str, dict[str, float]] = {}
    probabilities: dict[str, dict[str, float]] = {}
    roles: dict[str, str] = {}
    for spec in blueprint.funnels:
        funnel = funnels.get(spec.key)
        if funnel is None or spec.absent:
            continue
        roles[funnel.id] = spec.role.value
        stages = [s for s in snapshot.structure.stages if s.funnel_id == funnel.id]
        ours = spec.key in ids.created
        for key, stage in match_stages(blueprint, spec, stages, ids, manifest.vendor, ours).items():
            stage_spec = spec.stage(key)
            if stage_spec is None:
                continue
            if stage_spec.sla_days is not None:
                sla.setdefault(funnel.id, {})[stage.id] = stage_spec.sla_days
            if stage_spec.probability is not None:
                probabilities.setdefault(funnel.id, {})[stage.id] = stage_spec.probability / 100
    return {
        "stage_sla_days": sla,
        "stage_probabilities": probabilities,
        "funnel_roles": roles,
        "role_source": RoleSource.BLUEPRINT.value,
        "sla_source": "blueprint",
    }


def audit_settings(
    state: AppState,
    overrides: dict[str, Any],
    blueprint: Path | None,
    snapshot: Snapshot,
) -> AuditSettings:
    """Config `audit:` section, then blueprint values, then flags (flag > file > default)."""
    from funnelkit.audit.settings import settings_from_data

    config = state.config
    where = config.doc.where if config.doc else None
    data = dict(config.file.audit)
    if blueprint is not None:
        data.update(blueprint_settings(blueprint, snapshot, config.path))
    data.update({k: v for k, v in overrides.items() if v})
    return settings_from_data(data, where)


def suppressions(ignore_file: Path | None, disabled: bool) -> list[SuppressionEntry]:
    """`findings:` of funnelkit-ignore.yaml (the working directory's, or --ignore-file)."""
    if disabled:
        return []
    from funnelkit.audit.suppress import parse_suppressions
    from funnelkit.errors import ConfigError
    from funnelkit.yamlio import load_yaml

    path = ignore_file or Path(IGNORE_FILE)
    if not path.exists():
        if ignore_file is not None:
            raise InputError(f"{path}: no such ignore file")
        return []
    doc = load_yaml(path, ConfigError)
    return parse_suppressions(doc.data, doc.where)


def rule_texts(lang: str) -> dict[str, dict[str, str]]:
    """Title, rationale and remedy of every rule in `lang`."""
    from funnelkit.audit.registry import default_registry

    return {
        rule.meta.code: {
            "title": rule.meta.title.get(lang),
            "rationale": rule.meta.rationale.get(lang),
            "remedy": rule.meta.remedy.get(lang),
        }
        for rule in default_registry()
    }
