"""Portal → blueprint with `id:`s: deterministic, lenient, and plan-clean by construction.

Like `octodns-dump --lenient`, a portal that breaks audit rules still exports; the
result is what the portal is, so `export` then `plan` shows no changes. Each funnel and
stage carries its portal `id:` and the blueprint names the portal (`exported_from`), so
the ids pin the objects on that portal only; on any other portal (another vendor
included) the same blueprint is matched by name and created where missing.
"""

from __future__ import annotations

import re
from typing import Any

from funnelkit.blueprint.checks import check_blueprint
from funnelkit.blueprint.matching import norm
from funnelkit.blueprint.profile import profile_of
from funnelkit.blueprint.schema import BLUEPRINT_SCHEMA, Blueprint
from funnelkit.blueprint.state import portal_key
from funnelkit.blueprint.vendorrules import is_vendor_stage
from funnelkit.model import (
    Funnel,
    FunnelKind,
    FunnelRole,
    Semantics,
    SmartProcess,
    Snapshot,
    Stage,
    Tunnel,
    TunnelSource,
)

_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ"
_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g"
_TRANSLIT = {c: ("" if v == "-" else v) for c, v in zip(_CYRILLIC, _LATIN.split(), strict=True)}


def slug(text: str, fallback: str) -> str:
    """A blueprint key from a name: Latin, lower case, dashes (ru/uk transliterated)."""
    out = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    out = re.sub(r"[^a-z0-9]+", "-", out.replace("-", " ")).strip("-")[:36].strip("-")
    if not out or not out[0].isalpha():
        out = f"{fallback}-{out}".strip("-")[:36]
    return out


def _unique(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key = f"{base[:33]}-{n}"
        n += 1
    taken.add(key)
    return key


def export_blueprint(snapshot: Snapshot, name: str = "exported") -> dict[str, Any]:
    """The blueprint document (plain data, fixed key order)."""
    structure, vendor = snapshot.structure, snapshot.manifest.vendor
    funnel_keys: set[str] = set()
    stage_keys: dict[tuple[str, str], str] = {}
    rank = {FunnelKind.LEAD: 0, FunnelKind.DEAL: 1, FunnelKind.SPA: 2}
    ordered = sorted(
        structure.funnels, key=lambda f: (rank[f.kind], f.entity_type_id or 0, f.sort, f.id)
    )
    processes = {p.entity_type_id: p for p in structure.smart_processes}
    funnels = [
        _funnel_doc(snapshot, f, funnel_keys, stage_keys, processes.get(f.entity_type_id or 0))
        for f in ordered
        if f.kind is not FunnelKind.SPA or f.entity_type_id in processes
    ]
    data: dict[str, Any] = {
        "schema": BLUEPRINT_SCHEMA,
        "name": slug(name, "bp"),
        "source": f"exported from {vendor} {snapshot.manifest.domain}",
        "exported_from": portal_key(snapshot),
        "language": "ru",
        "funnels": funnels,
    }
    reasons = _loss_reasons(snapshot)
    if reasons:
        data["loss_reasons"] = reasons
    tunnels = [t for t in (_tunnel_doc(t, stage_keys) for t in structure.tunnels) if t]
    if tunnels:
        data["tunnels"] = tunnels
        if check_blueprint(Blueprint.model_validate(data)):
            del data["tunnels"]  # observed links may loop; the structure still exports
    return data


def _funnel_doc(
    snapshot: Snapshot,
    funnel: Funnel,
    funnel_keys: set[str],
    stage_keys: dict[tuple[str, str], str],
    process: SmartProcess | None,
) -> dict[str, Any]:
    palette = {c.lower() for c in snapshot.manifest.limits.color_palette or ()}
    fkey = _unique(slug(funnel.name, "funnel"), funnel_keys)
    doc: dict[str, Any] = {"key": fkey, "id": funnel.id}
    if funnel.kind is FunnelKind.LEAD:
        doc["kind"] = "lead"
    if funnel.kind is FunnelKind.SPA and process is not None:
        doc["kind"] = "spa"
        doc["process"] = {"id": str(process.entity_type_id), "title": process.title}
        if process.code:
            doc["process"]["code"] = process.code
    doc["role"] = (funnel.role or FunnelRole.OTHER).value
    doc["names"] = {"ru": funnel.name}
    if funnel.is_default and funnel.kind is FunnelKind.DEAL:
        doc["main"] = True
    taken: set[str] = set()
    names: set[str] = set()
    stages = []
    for stage in snapshot.structure.stages_of(funnel.id):
        if is_vendor_stage(profile_of(snapshot), stage):
            continue
        folded = norm(stage.name)
        if folded in names:
            # A blueprint gives one name one meaning; the portal's second stage of the same
            # name stays out of it and is reported unmanaged, as is everything undeclared.
            continue
        names.add(folded)
        skey = _unique(slug(stage.name, "stage"), taken)
        stage_keys[(funnel.id, stage.id)] = f"{fkey}/{skey}"
        stages.append(_stage_doc(stage, skey, palette))
    doc["stages"] = stages
    return doc


def _stage_doc(stage: Stage, key: str, palette: set[str]) -> dict[str, Any]:
    doc: dict[str, Any] = {"key": key, "id": stage.id, "names": {"ru": stage.name}}
    if stage.semantics is not Semantics.PROCESS:
        doc["semantics"] = stage.semantics.value
    colour = (stage.color or "").lower()
    if re.fullmatch(r"#[0-9a-f]{6}", colour) and (not palette or colour in palette):
        doc["colour"] = colour
    return doc


def _loss_reasons(snapshot: Snapshot) -> list[dict[str, Any]]:
    taken: set[str] = set()
    out = []
    for reason in sorted(snapshot.structure.loss_reasons, key=lambda r: (r.sort, r.id)):
        key = _unique(slug(reason.name, "reason"), taken)
        out.append({"key": key, "names": {"ru": reason.name}})
    return out


def _tunnel_doc(tunnel: Tunnel, keys: dict[tuple[str, str], str]) -> dict[str, Any] | None:
    if tunnel.source is not TunnelSource.VENDOR:
        return None
    source = keys.get((tunnel.from_funnel_id, tunnel.from_stage_id))
    target = keys.get((tunnel.to_funnel_id, tunnel.to_stage_id or ""))
    if source is None:
        return None
    to_funnel = target.split("/")[0] if target else None
    if to_funnel is None:
        owners = (v.split("/")[0] for k, v in keys.items() if k[0] == tunnel.to_funnel_id)
        to_funnel = next(owners, None)
    if to_funnel is None:
        return None
    to: dict[str, Any] = {"funnel": to_funnel}
    if target:
        to["stage"] = target.split("/")[1]
    fkey, skey = source.split("/")
    return {"from": {"funnel": fkey, "stage": skey}, "to": to, "mode": tunnel.mode.value}


def split_blueprint(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """One blueprint per funnel (`export --split`), tunnels left out: they span files."""
    out = []
    for funnel in data["funnels"]:
        part = {k: v for k, v in data.items() if k not in ("funnels", "tunnels", "loss_reasons")}
        part["name"] = f"{data['name']}-{funnel['key']}"[:64]
        part["funnels"] = [funnel]
        out.append((f"{funnel['key']}.yaml", part))
    return out
