"""What each vendor does by itself or refuses, as far as the planner needs to know."""

from __future__ import annotations

import hashlib
import re

from funnelkit.model import FunnelKind, Semantics, Stage, Vendor, VendorLimits

# bitrix24.md §6.3: a new deal category arrives with these stages (C{id}: prefix added).
B24_DEAL_DEFAULTS: tuple[tuple[str, Semantics, bool], ...] = (
    ("NEW", Semantics.PROCESS, True),
    ("PREPARATION", Semantics.PROCESS, False),
    ("PREPAYMENT_INVOICE", Semantics.PROCESS, False),
    ("EXECUTING", Semantics.PROCESS, False),
    ("FINAL_INVOICE", Semantics.PROCESS, False),
    ("WON", Semantics.SUCCESS, True),
    ("LOSE", Semantics.FAILURE, True),
    ("APOLOGY", Semantics.FAILURE, False),
)
# bitrix24.md §6.3: lead statuses; NEW, CONVERTED and JUNK are system.
B24_LEAD_DEFAULTS = frozenset({"NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"})
B24_STATUS_ID_MAX = 22  # bitrix24.md §6.3/§14: DEAL_STAGE ≤22; C10:PREPAYMENT_INVOIC shows 21
AMO_WON, AMO_LOST = "142", "143"  # amocrm.md §5.1: the same ids in every pipeline
NEW_FUNNEL_PREFIX_GUESS = "C9999:"  # a new category's id is unknown at plan time


def code_of(stage_id: str) -> str:
    """A Bitrix24 STATUS_ID without its `C{n}:` prefix."""
    return stage_id.rsplit(":", 1)[-1]


def is_vendor_stage(vendor: Vendor, stage: Stage) -> bool:
    """amoCRM's "unsorted" inbox: the vendor's, never declared, never touched (amocrm.md §5.2)."""
    if vendor is not Vendor.AMOCRM:
        return False
    return stage.extras.get("type") == "1" or (
        stage.system and stage.semantics is Semantics.PROCESS
    )


def is_fixed_stage(vendor: Vendor, stage: Stage) -> bool:
    """amoCRM 142/143: not editable, not deletable, always last (amocrm.md §5.2)."""
    return vendor is Vendor.AMOCRM and stage.id in (AMO_WON, AMO_LOST)


def is_reusable_default(vendor: Vendor, kind: FunnelKind, stage: Stage) -> bool:
    """A Bitrix24 stage still carrying a vendor default code, free to be renamed into use."""
    if vendor is not Vendor.BITRIX24:
        return False
    codes = B24_LEAD_DEFAULTS if kind is FunnelKind.LEAD else {c for c, _, _ in B24_DEAL_DEFAULTS}
    code = code_of(stage.id)
    return any(code == c or (len(code) >= 12 and c.startswith(code)) for c in codes)


def virtual_defaults(vendor: Vendor, funnel_id: str, limits: VendorLimits) -> list[Stage]:
    """The stages a new funnel will have before we touch it (ids filled in after creation)."""
    if vendor is not Vendor.BITRIX24:
        return []
    known = {c: (s, system) for c, s, system in B24_DEAL_DEFAULTS}
    codes = [code_of(c) for c in limits.new_funnel_stages] or [c for c, _, _ in B24_DEAL_DEFAULTS]
    out = []
    for i, code in enumerate(codes):
        semantics, system = known.get(code, (Semantics.PROCESS, False))
        out.append(
            Stage(
                funnel_id=funnel_id,
                id=f"{funnel_id}:{code}",
                name=code,
                sort=(i + 1) * 10,
                semantics=semantics,
                system=system,
            )
        )
    return out


def stage_code(key: str, funnel_id: str | None, limits: VendorLimits, taken: set[str]) -> str:
    """A deterministic Latin STATUS_ID code for a new Bitrix24 stage, within the length limit."""
    limit = limits.stage_id_max_length or B24_STATUS_ID_MAX
    prefix = (
        NEW_FUNNEL_PREFIX_GUESS
        if funnel_id is None
        else ("" if funnel_id in ("0", "LEAD") else f"C{funnel_id}:")
    )
    room = max(4, limit - len(prefix))
    base = re.sub(r"[^A-Z0-9_]", "_", key.upper())[:room]
    if base not in taken:
        return base
    digest = hashlib.sha256(key.encode()).hexdigest().upper()
    for n in range(len(digest) - 3):
        candidate = f"{base[: room - 5]}_{digest[n : n + 4]}"
        if candidate not in taken:
            return candidate
    raise ValueError(f"no free STATUS_ID for {key!r}")  # 60 collisions: not a real blueprint


def nearest_colour(colour: str, palette: tuple[str, ...] | None) -> str:
    """The palette colour closest to `colour` (amocrm.md §5.3: only these may be written)."""
    colour = colour.lower()
    if not palette:
        return colour
    rgb = _rgb(colour)
    return min(
        (p.lower() for p in palette),
        key=lambda p: sum((a - b) ** 2 for a, b in zip(rgb, _rgb(p), strict=True)),
    )


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
