"""Pair blueprint funnels and stages with portal ones — by identity, never by position.

An existing portal object belongs to a blueprint object only when one of these says so,
tried in this order:

1. its id: the one recorded in the apply state for that key (or its `moved` source),
   or the blueprint's own `id:` written by `export` from this very portal;
2. its name, compared normalised (case, ё/е, spaces) in any of the blueprint's languages;
3. an explicit `renamed_from:` naming the portal object's current name.

A `kind: spa` funnel pairs only with a funnel of its own smart process (`process:`, found
by `process_types`), and other funnels never with a smart-process one.

Everything else in the portal is unmanaged: reported, never renamed into use and never
touched. The only exceptions are objects that have no other identity than the vendor's:
amoCRM's won/lost statuses 142/143 (the same ids in every pipeline, amocrm.md §5.1, and
never written), the single Bitrix24 lead funnel (bitrix24.md §6.1), and the default
stages of a funnel funnelkit itself created (recorded in the state as `created`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from funnelkit.blueprint.profile import VendorProfile
from funnelkit.blueprint.schema import Blueprint, FunnelSpec, ProcessRef, StageSpec
from funnelkit.blueprint.state import PortalIds
from funnelkit.blueprint.vendorrules import is_fixed_stage, is_reusable_default
from funnelkit.model import Funnel, FunnelKind, Semantics, SmartProcess, Stage

How = Literal["id", "state", "name", "renamed", "vendor", "ours"]


def norm(name: str) -> str:
    """Names compare without case, ё/е, or extra spaces."""
    return re.sub(r"\s+", " ", name.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


T = TypeVar("T", Funnel, Stage)


@dataclass(frozen=True)
class Matched(Generic[T]):
    """A portal object claimed for a blueprint key, and what identified it."""

    obj: T
    how: How


def _moved_sources(bp: Blueprint, ref: str) -> list[str]:
    return [m.from_ for m in bp.moved if m.to == ref]


def _own_id(bp: Blueprint, portal_key: str | None, declared: str | None) -> str:
    """A blueprint `id:` counts only on the portal it was exported from."""
    if declared is None or portal_key is None or bp.exported_from != portal_key:
        return ""
    return declared


def process_types(
    bp: Blueprint, processes: Sequence[SmartProcess], portal_key: str | None = None
) -> dict[str, int]:
    """Blueprint `spa` funnel key → the entityTypeId of its smart process on this portal.

    A process is found by its `id:` (on the portal exported only), else by `code`, else by
    title; a code or title that two processes share names neither.
    """
    out: dict[str, int] = {}
    for spec in bp.funnels:
        if spec.process is not None:
            found = _find_process(bp, spec.process, processes, portal_key)
            if found is not None:
                out[spec.key] = found.entity_type_id
    return out


def _find_process(
    bp: Blueprint, ref: ProcessRef, processes: Sequence[SmartProcess], portal_key: str | None
) -> SmartProcess | None:
    own = _own_id(bp, portal_key, ref.id)
    by_id = [p for p in processes if own and str(p.entity_type_id) == own]
    by_code = [p for p in processes if ref.code and p.code == ref.code]
    by_title = [p for p in processes if norm(p.title) == norm(ref.title)]
    for found in (by_id, by_code, by_title):
        if len(found) == 1:
            return found[0]
    return None


def kind_on(profile: VendorProfile, spec: FunnelSpec) -> FunnelKind:
    """The kind a blueprint funnel has on this vendor: a spa funnel is an ordinary pipeline
    where there are no smart processes (amoCRM), as a lead funnel is."""
    if spec.kind is FunnelKind.SPA and not profile.smart_processes:
        return FunnelKind.DEAL
    return spec.kind


def _fits(
    spec: FunnelSpec, funnel: Funnel, types: Mapping[str, int], profile: VendorProfile
) -> bool:
    """A spa funnel pairs only with a funnel of its own smart process; others never with one."""
    if kind_on(profile, spec) is FunnelKind.SPA:
        return funnel.kind is FunnelKind.SPA and funnel.entity_type_id == types.get(spec.key)
    return funnel.kind is not FunnelKind.SPA


def match_funnels_how(
    bp: Blueprint,
    funnels: Sequence[Funnel],
    ids: PortalIds,
    profile: VendorProfile,
    portal_key: str | None = None,
    processes: Sequence[SmartProcess] = (),
) -> dict[str, Matched[Funnel]]:
    """Blueprint funnel key → portal funnel; each portal funnel is claimed at most once."""
    by_id = {f.id: f for f in funnels}
    types = process_types(bp, processes, portal_key)
    found: dict[str, Matched[Funnel]] = {}
    claimed: set[str] = set()

    def claim(spec: FunnelSpec, funnel: Funnel | None, how: How) -> None:
        if funnel is None or spec.key in found or funnel.id in claimed:
            return
        if _fits(spec, funnel, types, profile):
            found[spec.key] = Matched(funnel, how)
            claimed.add(funnel.id)

    for spec in bp.funnels:
        claim(spec, by_id.get(_own_id(bp, portal_key, spec.id)), "id")
        claim(spec, by_id.get(ids.funnels.get(spec.key, "")), "state")
        for old in _moved_sources(bp, spec.key):
            claim(spec, by_id.get(ids.funnels.get(old, "")), "state")
    for spec in bp.funnels:
        if spec.kind is FunnelKind.LEAD and profile.lead_funnel_singleton:
            # bitrix24.md §6.1: a portal has one lead funnel, without a name of its own.
            lead = next((f for f in funnels if f.kind is FunnelKind.LEAD), None)
            claim(spec, lead, "vendor")
    for how, names in (("name", _names), ("renamed", _renamed)):
        for spec in bp.funnels:
            wanted = names(spec)
            for funnel in funnels:
                if funnel.kind is kind_on(profile, spec) and norm(funnel.name) in wanted:
                    claim(spec, funnel, how)  # type: ignore[arg-type]
    return found


def match_funnels(
    bp: Blueprint,
    funnels: Sequence[Funnel],
    ids: PortalIds,
    profile: VendorProfile,
    processes: Sequence[SmartProcess] = (),
) -> dict[str, Funnel]:
    """Blueprint funnel key → portal funnel (see the module docstring for the rules)."""
    found = match_funnels_how(bp, funnels, ids, profile, processes=processes)
    return {k: m.obj for k, m in found.items()}


def _names(spec: FunnelSpec | StageSpec) -> set[str]:
    return {norm(n) for n in spec.names.all()}


def _renamed(spec: FunnelSpec | StageSpec) -> set[str]:
    return {norm(n) for n in spec.renamed_from}


def _compatible(spec: StageSpec, stage: Stage) -> bool:
    """A success stage only pairs with the success stage: there is exactly one."""
    if Semantics.SUCCESS in (spec.semantics, stage.semantics):
        return spec.semantics is stage.semantics
    return True


def match_stages_how(
    bp: Blueprint,
    spec: FunnelSpec,
    stages: Sequence[Stage],
    ids: PortalIds,
    profile: VendorProfile,
    ours: bool,
    portal_key: str | None = None,
) -> dict[str, Matched[Stage]]:
    """Blueprint stage key → portal stage of the matched funnel.

    `ours`: the funnel was created by funnelkit (or by this plan), so its vendor default
    stages are taken into use in order instead of being left over.
    """
    by_id = {s.id: s for s in stages}
    found: dict[str, Matched[Stage]] = {}
    claimed: set[str] = set()

    def claim(key: str, stage: Stage | None, how: How) -> None:
        if stage is not None and key not in found and stage.id not in claimed:
            found[key] = Matched(stage, how)
            claimed.add(stage.id)

    refs = {s.key: f"{spec.key}/{s.key}" for s in spec.stages}
    for s in spec.stages:
        claim(s.key, by_id.get(_own_id(bp, portal_key, s.id)), "id")
        claim(s.key, by_id.get(ids.stages.get(refs[s.key], "")), "state")
        for old in _moved_sources(bp, refs[s.key]):
            claim(s.key, by_id.get(ids.stages.get(old, "")), "state")
    for how, names in (("name", _names), ("renamed", _renamed)):
        for s in spec.stages:
            wanted = names(s)
            for stage in stages:
                if norm(stage.name) in wanted and _compatible(s, stage):
                    claim(s.key, stage, how)  # type: ignore[arg-type]
    _anchor_closing(spec, stages, profile, ours, claim)
    if ours:
        free = [st for st in stages if st.id not in claimed]
        _reuse_defaults(spec, free, profile, found, claim)
    return found


def match_stages(
    bp: Blueprint,
    spec: FunnelSpec,
    stages: Sequence[Stage],
    ids: PortalIds,
    profile: VendorProfile,
    ours: bool,
) -> dict[str, Stage]:
    """Blueprint stage key → portal stage (see the module docstring for the rules)."""
    found = match_stages_how(bp, spec, stages, ids, profile, ours)
    return {k: m.obj for k, m in found.items()}


def _reuse_defaults(
    spec: FunnelSpec,
    free: list[Stage],
    profile: VendorProfile,
    found: dict[str, Matched[Stage]],
    claim: Callable[[str, Stage | None, How], None],
) -> None:
    """A funnel we created: its vendor default stages (bitrix24.md §6.1) are ours to name."""
    todo = [s for s in spec.stages if s.key not in found and not s.leaving]
    process = [st for st in free if st.semantics is Semantics.PROCESS]
    process = [st for st in process if is_reusable_default(profile, spec.kind, st)]
    wanted = [s for s in todo if s.semantics is Semantics.PROCESS]
    for s, stage in zip(wanted, process, strict=False):
        claim(s.key, stage, "ours")
    failures = [s for s in todo if s.semantics is Semantics.FAILURE and s.key not in found]
    spare = [st for st in free if st.semantics is Semantics.FAILURE]
    for s, stage in zip(failures, spare, strict=False):
        claim(s.key, stage, "ours")


def _anchor_closing(
    spec: FunnelSpec,
    stages: Sequence[Stage],
    profile: VendorProfile,
    ours: bool,
    claim: Callable[[str, Stage | None, How], None],
) -> None:
    """Closing stages known by the vendor's identity (fixed ids), or those of our funnel."""
    live = [s for s in spec.stages if not s.leaving]
    success = next((s for s in live if s.semantics is Semantics.SUCCESS), None)
    failure = next((s for s in live if s.semantics is Semantics.FAILURE), None)
    if ours:
        portal_success = next((s for s in stages if s.semantics is Semantics.SUCCESS), None)
        failures = [s for s in stages if s.semantics is Semantics.FAILURE]
        system_failure = next((s for s in failures if s.system), failures[0] if failures else None)
    else:
        if profile.won_id is None or not any(is_fixed_stage(profile, s) for s in stages):
            return
        portal_success = next((s for s in stages if s.id == profile.won_id), None)
        system_failure = next((s for s in stages if s.id == profile.lost_id), None)
    if success is not None:
        claim(success.key, portal_success, "vendor")
    if failure is not None:
        claim(failure.key, system_failure, "vendor")
