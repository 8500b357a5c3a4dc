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
    from funnelkit.blueprint.profile import profile_of
    from funnelkit.blueprint.state import portal_ids, state_dir
    from funnelkit.cli.plan import load_any

    blueprint = load_any(str(path))
    profile = profile_of(snapshot)
    ids = portal_ids(state_dir(config), snapshot, blueprint.name)
    structure = snapshot.structure
    funnels = match_funnels(blueprint, structure.funnels, ids, profile, structure.smart_processes)
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
        for key, stage in match_stages(blueprint, spec, stages, ids, profile, ours).items():
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


def split_list(values: list[str] | None) -> list[str]:
    """Values of a list flag: comma lists and repetition both (`--select FK201,FK203`)."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _flag_codes(flag: str, selectors: list[str]) -> set[str]:
    """The codes a list flag names; a selector that names no rule is the flag's error."""
    from funnelkit.audit.registry import default_registry

    registry = default_registry()
    codes: set[str] = set()
    for selector in selectors:
        found = registry.matches(selector)
        if not found:
            raise InputError(
                f"{flag} {selector!r}: matches no rule",
                hint="use a code (FK201), a prefix (FK2), a group (deals) or a name glob "
                "(deals.*); `funnelkit rules list` shows them",
            )
        codes.update(rule.meta.code for rule in found)
    return codes


def _selection(config: dict[str, Any], flags: dict[str, list[str]]) -> dict[str, list[str]]:
    """Rule selection with the command line layered over the config (Ruff's semantics).

    An explicit --select replaces the config's whole selection; --extend-select re-enables
    rules the config ignores; --ignore adds to the config's ignores.
    """
    from funnelkit.audit.registry import default_registry

    select, ignore, extend = (flags[k] for k in ("select", "ignore", "extend_select"))
    extended = _flag_codes("--extend-select", extend)
    _flag_codes("--select", select)
    _flag_codes("--ignore", ignore)
    if select:
        return {"select": select, "ignore": ignore, "extend_select": extend}
    registry = default_registry()
    ignored = {r.meta.code for s in config.get("ignore") or [] for r in registry.matches(s)}
    return {
        "select": list(config.get("select") or []),
        "ignore": sorted(ignored - extended) + ignore,
        "extend_select": list(config.get("extend_select") or []) + extend,
    }


def audit_settings(
    state: AppState,
    flags: dict[str, Any],
    blueprint: Path | None,
    snapshot: Snapshot,
) -> AuditSettings:
    """Config `audit:` section, then blueprint values, then flags (flag > file > default).

    The config was checked whole when it was read; flags are checked here and blamed
    on the flag, never on a config line.
    """
    from funnelkit.audit.settings import settings_from_data

    config = state.config
    where = config.doc.where if config.doc else None
    data = dict(config.file.audit)
    if blueprint is not None:
        data.update(blueprint_settings(blueprint, snapshot, state.config.path))
    lists = {k: split_list(flags.get(k)) for k in ("select", "ignore", "extend_select")}
    data.update(_selection(data, lists))
    if flags.get("fail_on"):
        data["fail_on"] = flags["fail_on"]
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
