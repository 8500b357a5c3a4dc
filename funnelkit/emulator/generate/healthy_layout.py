"""A blueprint dict read as vendor funnels, stage ids, tunnels and staff for `healthy.py`.

Reads the blueprint format of `funnelkit/blueprint/schema.py` as plain data (the
emulator may not import the blueprint package): `funnels[].stages[]`, `tunnels[]` with
`from`/`to`/`mode`/`on`, `language`, `serves.products`, `absent`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from funnelkit.emulator.generate.data import sample
from funnelkit.emulator.state import LEAD_FUNNEL_ID
from funnelkit.errors import BlueprintError
from funnelkit.model import Vendor

DEFAULT_SLA = 3.0
B24_STAGES = ("NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE")
B24_LEAD = ("NEW", "IN_PROCESS", "PROCESSED")


@dataclass(frozen=True)
class StageRef:
    """One portal stage of a blueprint stage."""

    key: str
    id: str
    semantics: str
    sla_days: float


@dataclass(frozen=True)
class Tun:
    """A blueprint tunnel resolved to portal ids."""

    to_funnel: str
    to_stage: str | None
    mode: str


@dataclass
class Layout:
    """Fixture-ready structure plus what chains need to walk it."""

    vendor: Vendor
    funnels: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    tunnels_out: list[dict[str, Any]] = field(default_factory=list)
    stages: dict[str, list[StageRef]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    products: dict[str, list[str]] = field(default_factory=dict)
    staff: dict[str, list[str]] = field(default_factory=dict)
    tunnels: dict[tuple[str, str], Tun] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)

    def tunnel_for(self, funnel: str, outcome: str) -> Tun | None:
        """The tunnel a deal follows when it is won or lost in `funnel`."""
        return self.tunnels.get((funnel, outcome))

    def path(
        self, funnel: str, outcome: str, rng: random.Random, start: str | None
    ) -> list[StageRef]:
        """Forward stages from `start` (or the first), then the outcome's stage if closed."""
        process = [s for s in self.stages[funnel] if s.semantics == "process"]
        if self.roles.get(funnel) == "refusals":  # its stages are alternatives: one per reason
            process = [next((s for s in process if s.id == start), rng.choice(process))]
        elif start is not None:
            at = next((i for i, s in enumerate(process) if s.id == start), 0)
            process = process[at:]
        if outcome == "won":
            return [*process, next(s for s in self.stages[funnel] if s.semantics == "success")]
        depth = rng.randint(1, len(process))
        if outcome == "open":
            return process[:depth]
        failures = [s for s in self.stages[funnel] if s.semantics == "failure"]
        # bitrix24.md §13: with several failure stages, the first is the generic one (FK203)
        return [*process[:depth], rng.choice(failures[1:] or failures)]

    def by(self, user: str) -> dict[str, str]:
        """amoCRM records who moved a deal; Bitrix24 does not."""
        return {"by": user} if self.vendor == Vendor.AMOCRM else {}

    def reason(self, stage: StageRef, rng: random.Random) -> str | None:
        """amoCRM loss reason ids 9001… (healthy.py writes them); Bitrix24 uses stages."""
        if self.vendor == Vendor.AMOCRM and stage.semantics == "failure":
            return str(9001 + rng.randrange(7))
        return None


def _name(item: dict[str, Any], lang: str) -> str:
    names = item.get("names") or {}
    return str(names.get(lang) or names.get("ru") or item.get("key", "?"))


def _stage_ids(
    vendor: Vendor, funnel_id: str, stages: list[dict[str, Any]], counter: list[int]
) -> list[str]:
    """Vendor stage ids: Bitrix24 standard codes then UC_ (bitrix24.md §6.3), amoCRM numbers."""
    out: list[str] = []
    process = 0
    failures = 0
    for stage in stages:
        sem = stage.get("semantics", "process")
        if vendor == Vendor.AMOCRM:
            counter[0] += 1
            out.append(
                "142" if sem == "success" else "143" if sem == "failure" else str(counter[0])
            )
            continue
        lead = funnel_id == LEAD_FUNNEL_ID
        if sem == "success":
            code = "CONVERTED" if lead else "WON"
        elif sem == "failure":
            code = ("JUNK" if lead else "LOSE") if failures == 0 else f"UC_F{failures:04d}"
            failures += 1
        else:
            std = B24_LEAD if lead else B24_STAGES
            code = std[process] if process < len(std) else f"UC_P{process:04d}"
            process += 1
        prefix = "" if funnel_id in ("0", LEAD_FUNNEL_ID) else f"C{funnel_id}:"
        out.append(prefix + code)
    return out


def layout(blueprint: dict[str, Any], vendor: Vendor, rng: random.Random) -> Layout:
    """Structure for `vendor` from a blueprint dict."""
    lay = Layout(vendor=vendor)
    lang = str(blueprint.get("language") or "ru")
    specs = [f for f in blueprint.get("funnels", []) if not f.get("absent")]
    _check(specs)
    ids = _funnel_ids(vendor, specs)
    keys: dict[tuple[str, str], str] = {}
    counter = [70_000_000 + rng.randrange(1000) * 1000]
    for index, spec in enumerate(specs):
        fid = ids[spec["key"]]
        stages = [s for s in spec.get("stages", []) if not s.get("absent")]
        if vendor == Vendor.AMOCRM:  # one lost status only (amocrm.md §5.1): reasons are data
            lost = [s for s in stages if s.get("semantics") == "failure"]
            stages = [s for s in stages if s.get("semantics") != "failure"] + lost[:1]
        stage_ids = _stage_ids(vendor, fid, stages, counter)
        lay.stages[fid] = [
            StageRef(s["key"], sid, str(s.get("semantics", "process")), _sla(s))
            for s, sid in zip(stages, stage_ids, strict=True)
        ]
        keys.update(
            {(spec["key"], s["key"]): sid for s, sid in zip(stages, stage_ids, strict=True)}
        )
        lay.roles[fid] = str(spec.get("role", "other"))
        lay.kinds[fid] = str(spec.get("kind", "deal"))
        lay.names[fid] = _name(spec, lang)
        lay.products[fid] = list((spec.get("serves") or {}).get("products") or [])
        lay.funnels.append(_funnel_dict(vendor, fid, spec, stages, stage_ids, lang, index, counter))
        _team(lay, fid, index)
    _tunnels(lay, blueprint, ids, keys)
    targets = {t.to_funnel for t in lay.tunnels.values()}
    lay.roots = [f for f in lay.stages if f not in targets] or [next(iter(lay.stages))]
    return lay


def _check(specs: list[dict[str, Any]]) -> None:
    """A deal needs somewhere to work, win and lose in every funnel."""
    if not specs:
        raise BlueprintError("the blueprint has no funnels to build a portal from")
    for spec in specs:
        present = {
            s.get("semantics", "process") for s in spec.get("stages", []) if not s.get("absent")
        }
        missing = {"process", "success", "failure"} - present
        if missing:
            raise BlueprintError(
                f"funnel {spec.get('key')!r} has no {'/'.join(sorted(missing))} stage",
                hint="a healthy portal needs a working, a won and a lost stage in each funnel",
            )


def _sla(stage: dict[str, Any]) -> float:
    return float(stage.get("sla_days") or DEFAULT_SLA)


def _team(lay: Layout, fid: str, index: int) -> None:
    """Two people per funnel, a department of its own: nobody works two funnels."""
    agents = [a for a, _m, _r in sample().agents]
    team = []
    for k in range(2):
        n = len(lay.users)
        uid = str(n + 1) if lay.vendor == Vendor.BITRIX24 else str(6_000_001 + n)
        name = agents[(2 * index + k) % len(agents)]
        lay.users.append({"id": uid, "name": name, "departments": [lay.names[fid]]})
        team.append(uid)
    lay.staff[fid] = team


def _funnel_ids(vendor: Vendor, specs: list[dict[str, Any]]) -> dict[str, str]:
    if vendor == Vendor.AMOCRM:
        return {s["key"]: str(8_000_001 + i) for i, s in enumerate(specs)}
    deal_specs = [s for s in specs if s.get("kind", "deal") != "lead"]
    main = next((s for s in deal_specs if s.get("main")), deal_specs[0] if deal_specs else None)
    out = {s["key"]: LEAD_FUNNEL_ID for s in specs if s.get("kind") == "lead"}
    number = 0
    for spec in deal_specs:
        if spec is main:
            out[spec["key"]] = "0"
        else:
            number += 2
            out[spec["key"]] = str(number)
    return out


def _funnel_dict(
    vendor: Vendor,
    fid: str,
    spec: dict[str, Any],
    stages: list[dict[str, Any]],
    stage_ids: list[str],
    lang: str,
    index: int,
    counter: list[int],
) -> dict[str, Any]:
    out_stages = []
    if vendor == Vendor.AMOCRM:  # amocrm.md §5.1: every pipeline has the unsorted status
        counter[0] += 1
        out_stages.append(
            {
                "id": str(counter[0]),
                "name": "Неразобранное",
                "sort": 10,
                "system": True,
                "extras": {"type": "1"},
            }
        )
    for n, (stage, sid) in enumerate(zip(stages, stage_ids, strict=True)):
        sort = (
            {"142": 10_000, "143": 11_000}.get(sid, (n + 2) * 10)
            if vendor == Vendor.AMOCRM
            else (n + 1) * 10
        )
        out_stages.append(
            {
                "id": sid,
                "name": _name(stage, lang),
                "semantics": stage.get("semantics", "process"),
                "sort": sort,
            }
        )
    return {
        "id": fid,
        "name": _name(spec, lang),
        "kind": spec.get("kind", "deal"),
        "sort": (index + 1) * 10,
        "is_default": fid == "0" or (vendor == Vendor.AMOCRM and bool(spec.get("main"))),
        "role": spec.get("role"),
        "stages": out_stages,
    }


def _tunnels(
    lay: Layout, blueprint: dict[str, Any], ids: dict[str, str], keys: dict[tuple[str, str], str]
) -> None:
    """Resolve tunnels; `on: stage` takes the outcome of its stage (process → won)."""
    for raw in blueprint.get("tunnels", []):
        src = raw.get("from") or raw.get("from_") or {}
        dst = raw.get("to") or {}
        if src.get("funnel") not in ids or dst.get("funnel") not in ids:
            continue
        on = raw.get("on", raw.get(True, "stage"))  # YAML 1.1 reads a bare `on` as true
        fid, tid = ids[src["funnel"]], ids[dst["funnel"]]
        from_stage = keys.get((src["funnel"], src.get("stage") or ""))
        sem = next((s.semantics for s in lay.stages[fid] if s.id == from_stage), "success")
        outcome = on if on in ("won", "lost") else ("lost" if sem == "failure" else "won")
        if from_stage is None:
            want = "success" if outcome == "won" else "failure"
            from_stage = next(s.id for s in lay.stages[fid] if s.semantics == want)
        to_stage = keys.get((dst["funnel"], dst.get("stage") or ""))
        mode = str(raw.get("mode", "copy"))
        if lay.kinds[fid] != lay.kinds[tid]:
            mode = "copy"  # a Bitrix24 lead converts into a new deal; it cannot move
        lay.tunnels.setdefault((fid, outcome), Tun(tid, to_stage, mode))
        to: dict[str, str] = {"funnel": tid}
        if to_stage:
            to["stage"] = to_stage
        lay.tunnels_out.append(
            {"from": {"funnel": fid, "stage": from_stage}, "to": to, "mode": mode}
        )
