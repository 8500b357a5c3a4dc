"""A blueprint seen as a portal: a structure-only snapshot the audit can read.

`blueprints validate` runs the audit's structure and name rules on it, with the
funnels' declared roles, so a refusal funnel's reason stages are judged as reasons.
"""

from __future__ import annotations

from funnelkit.blueprint.checks import tunnel_sources, tunnel_target
from funnelkit.blueprint.schema import Blueprint, StageSpec
from funnelkit.model import (
    DataSet,
    DataState,
    DataStatus,
    Funnel,
    Manifest,
    Portal,
    RoleSource,
    Snapshot,
    Stage,
    Structure,
    Tunnel,
    TunnelSource,
    Vendor,
)

PREVIEW_DOMAIN = "blueprint.preview"


def stage_label(stage: StageSpec, lang: str) -> str:
    """«situation — task» (article 001), the way a stage with a task should read."""
    name = stage.names.get(lang)
    return f"{name} — {stage.task.get(lang)}" if stage.task is not None else name


def _structure(bp: Blueprint) -> tuple[list[Funnel], list[Stage]]:
    funnels, stages = [], []
    for index, spec in enumerate(f for f in bp.funnels if not f.absent):
        funnels.append(
            Funnel(
                id=spec.key,
                name=spec.names.get(bp.language),
                kind=spec.kind,
                sort=index,
                is_default=spec.main,
                role=spec.role,
                role_source=RoleSource.BLUEPRINT,
            )
        )
        for pos, stage in enumerate(s for s in spec.stages if not s.absent):
            label = stage_label(stage, bp.language)
            stages.append(
                Stage(
                    funnel_id=spec.key,
                    id=stage.key,
                    name=label,
                    sort=(pos + 1) * 10,
                    semantics=stage.semantics,
                )
            )
    return funnels, stages


def _tunnels(bp: Blueprint) -> list[Tunnel]:
    out = []
    for tunnel in bp.tunnels:
        target = tunnel_target(bp, tunnel)
        if target is None:
            continue
        to_funnel, _, to_stage = target.partition("/")
        for source in tunnel_sources(bp, tunnel):
            from_funnel, _, from_stage = source.partition("/")
            out.append(
                Tunnel(
                    from_funnel_id=from_funnel,
                    from_stage_id=from_stage,
                    to_funnel_id=to_funnel,
                    to_stage_id=to_stage or None,
                    mode=tunnel.mode,
                    source=TunnelSource.BLUEPRINT,
                )
            )
    return out


def preview_snapshot(bp: Blueprint, vendor: Vendor = Vendor.BITRIX24) -> Snapshot:
    """Funnels keyed by blueprint key, stages by stage key, tunnels from the blueprint."""
    funnels, stages = _structure(bp)
    pulled = DataStatus(state=DataState.PULLED)
    manifest = Manifest(
        vendor=vendor,
        domain=PREVIEW_DOMAIN,
        pulled_at=0,
        data={DataSet.STRUCTURE: pulled, DataSet.TUNNELS: pulled},
    )
    structure = Structure(
        portal=Portal(vendor=vendor, domain=PREVIEW_DOMAIN, name=bp.name),
        funnels=tuple(funnels),
        stages=tuple(stages),
        tunnels=tuple(_tunnels(bp)),
    )
    return Snapshot(manifest=manifest, structure=structure)
