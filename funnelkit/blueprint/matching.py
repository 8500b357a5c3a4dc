"""Pair blueprint funnels and stages with portal ones: state ids, `moved`, then names."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from funnelkit.blueprint.schema import Blueprint, FunnelSpec, StageSpec
from funnelkit.blueprint.state import PortalIds
from funnelkit.blueprint.vendorrules import is_fixed_stage, is_reusable_default
from funnelkit.model import Funnel, FunnelKind, Semantics, Stage, Vendor


def norm(name: str) -> str:
    """Names compare without case, ё/е, or extra spaces."""
    return re.sub(r"\s+", " ", name.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


def _moved_sources(bp: Blueprint, ref: str) -> list[str]:
    return [m.from_ for m in bp.moved if m.to == ref]


def match_funnels(
    bp: Blueprint, funnels: Sequence[Funnel], ids: PortalIds, vendor: Vendor
) -> dict[str, Funnel]:
    """Blueprint funnel key → portal funnel; each portal funnel is claimed at most once."""
    by_id = {f.id: f for f in funnels}
    found: dict[str, Funnel] = {}
    claimed: set[str] = set()

    def claim(key: str, funnel: Funnel | None) -> None:
        if funnel is not None and key not in found and funnel.id not in claimed:
            found[key] = funnel
            claimed.add(funnel.id)

    for spec in bp.funnels:
        claim(spec.key, by_id.get(ids.funnels.get(spec.key, "")))
    for spec in bp.funnels:
        for old in _moved_sources(bp, spec.key):
            claim(spec.key, by_id.get(ids.funnels.get(old, "")))
    for spec in bp.funnels:
        claim(spec.key, _special(spec, funnels, vendor))
    for spec in bp.funnels:
        wanted = {norm(n) for n in (*spec.names.all(), *spec.previous_names)}
        for funnel in funnels:
            if funnel.kind is spec.kind and norm(funnel.name) in wanted:
                claim(spec.key, funnel)
    return found


def _special(spec: FunnelSpec, funnels: Sequence[Funnel], vendor: Vendor) -> Funnel | None:
    """The main funnel adopts the portal default (bitrix24.md §6.1: category 0 stays)."""
    if spec.kind is FunnelKind.LEAD and vendor is Vendor.BITRIX24:
        return next((f for f in funnels if f.kind is FunnelKind.LEAD), None)
    if spec.main:
        return next((f for f in funnels if f.is_default and f.kind is FunnelKind.DEAL), None)
    return None


def _compatible(spec: StageSpec, stage: Stage) -> bool:
    """A success stage only pairs with the success stage: there is exactly one."""
    if Semantics.SUCCESS in (spec.semantics, stage.semantics):
        return spec.semantics is stage.semantics
    return True


def match_stages(
    bp: Blueprint,
    spec: FunnelSpec,
    stages: Sequence[Stage],
    ids: PortalIds,
    vendor: Vendor,
    reuse_defaults: bool,
) -> dict[str, Stage]:
    """Blueprint stage key → portal stage of the matched funnel."""
    by_id = {s.id: s for s in stages}
    found: dict[str, Stage] = {}
    claimed: set[str] = set()

    def claim(key: str, stage: Stage | None) -> None:
        if stage is not None and key not in found and stage.id not in claimed:
            found[key] = stage
            claimed.add(stage.id)

    refs = {s.key: f"{spec.key}/{s.key}" for s in spec.stages}
    for s in spec.stages:
        claim(s.key, by_id.get(ids.stages.get(refs[s.key], "")))
    for s in spec.stages:
        for old in _moved_sources(bp, refs[s.key]):
            claim(s.key, by_id.get(ids.stages.get(old, "")))
    for s in spec.stages:
        wanted = {norm(n) for n in (*s.names.all(), *s.previous_names)}
        for stage in stages:
            if norm(stage.name) in wanted and _compatible(s, stage):
                claim(s.key, stage)
    _anchor_closing(spec, stages, vendor, claim)
    if reuse_defaults:
        _reuse_defaults(spec, [st for st in stages if st.id not in claimed], vendor, found, claim)
    return found


def _reuse_defaults(
    spec: FunnelSpec,
    free: list[Stage],
    vendor: Vendor,
    found: dict[str, Stage],
    claim: Callable[[str, Stage | None], None],
) -> None:
    """Vendor default stages (bitrix24.md §6.1) are taken into use, in order, not left over."""
    todo = [s for s in spec.stages if s.key not in found and not s.absent]
    process = [st for st in free if st.semantics is Semantics.PROCESS]
    process = [st for st in process if is_reusable_default(vendor, spec.kind, st)]
    wanted = [s for s in todo if s.semantics is Semantics.PROCESS]
    for s, stage in zip(wanted, process, strict=False):
        claim(s.key, stage)
    failures = [s for s in todo if s.semantics is Semantics.FAILURE and s.key not in found]
    spare = [st for st in free if st.semantics is Semantics.FAILURE]
    for s, stage in zip(failures, spare, strict=False):
        claim(s.key, stage)


def _anchor_closing(
    spec: FunnelSpec,
    stages: Sequence[Stage],
    vendor: Vendor,
    claim: Callable[[str, Stage | None], None],
) -> None:
    """The declared success / first failure stage takes over the vendor's own closing stages."""
    live = [s for s in spec.stages if not s.absent]
    success = next((s for s in live if s.semantics is Semantics.SUCCESS), None)
    failure = next((s for s in live if s.semantics is Semantics.FAILURE), None)
    portal_success = next((s for s in stages if s.semantics is Semantics.SUCCESS), None)
    failures = [s for s in stages if s.semantics is Semantics.FAILURE]
    system_failure = next(
        (s for s in failures if s.system or is_fixed_stage(vendor, s)),
        failures[0] if failures else None,
    )
    if success is not None:
        claim(success.key, portal_success)
    if failure is not None:
        claim(failure.key, system_failure)
