"""Stage rules planning applies, each a function of the vendor profile (profile.py).

Which vendor does what is data of the profile; these functions only read it.
"""

from __future__ import annotations

import hashlib
import re

from funnelkit.blueprint.profile import VendorProfile
from funnelkit.model import FunnelKind, Semantics, Stage


def code_of(stage_id: str) -> str:
    """A Bitrix24 STATUS_ID without its `C{n}:` prefix."""
    return stage_id.rsplit(":", 1)[-1]


def is_vendor_stage(profile: VendorProfile, stage: Stage) -> bool:
    """A pipeline's inbox ("unsorted"): the vendor's, never declared, never touched.

    amocrm.md §5.2: it is the status of type 1, and the only system status that is not
    a closing one.
    """
    if profile.inbox_type is None:
        return False
    return stage.extras.get("type") == profile.inbox_type or (
        stage.system and stage.semantics is Semantics.PROCESS
    )


def is_fixed_stage(profile: VendorProfile, stage: Stage) -> bool:
    """A closing stage with a fixed id: not editable, not deletable, always last (§5.1)."""
    return profile.fixed_closing_ids is not None and stage.id in profile.fixed_closing_ids


def is_reusable_default(profile: VendorProfile, kind: FunnelKind, stage: Stage) -> bool:
    """A stage still carrying a vendor default code, free to be renamed into use."""
    if kind is FunnelKind.LEAD:
        codes = set(profile.lead_default_codes)
    else:
        codes = {c for c, _, _ in profile.new_stages(kind)}
    code = code_of(stage.id)
    # bitrix24.md §6.3: long codes are cut to the STATUS_ID limit (C10:PREPAYMENT_INVOIC)
    return any(code == c or (len(code) >= 12 and c.startswith(code)) for c in codes)


def virtual_defaults(
    profile: VendorProfile, funnel_id: str, kind: FunnelKind = FunnelKind.DEAL
) -> list[Stage]:
    """The stages a new funnel will have before we touch it (ids filled in after creation)."""
    out = []
    for i, (code, semantics, system) in enumerate(profile.new_stages(kind)):
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


def stage_code(
    key: str,
    funnel_id: str | None,
    profile: VendorProfile,
    taken: set[str],
    kind: FunnelKind = FunnelKind.DEAL,
) -> str:
    """A deterministic Latin STATUS_ID code for a new stage, within the length limit."""
    room = max(4, profile.max_stage_id(kind) - len(profile.stage_prefix(funnel_id, kind)))
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
