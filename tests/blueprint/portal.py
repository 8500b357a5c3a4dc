"""Portals built in tests: fresh Bitrix24 / amoCRM structures as their vendors create them."""

from __future__ import annotations

from collections.abc import Iterable

from funnelkit.connectors.amocrm.mapping import PALETTE
from funnelkit.emulator.generate.empty import empty_portal
from funnelkit.model import (
    DataSet,
    DataState,
    DataStatus,
    Deal,
    Funnel,
    Manifest,
    Portal,
    Semantics,
    Snapshot,
    Stage,
    Structure,
    Vendor,
    VendorLimits,
)

B24_LIMITS = VendorLimits(
    new_funnel_stages=(
        "NEW",
        "PREPARATION",
        "PREPAYMENT_INVOICE",
        "EXECUTING",
        "FINAL_INVOICE",
        "WON",
        "LOSE",
        "APOLOGY",
    ),
    stage_id_max_length=22,
    lead_funnel=True,
)
AMO_PALETTE = PALETTE  # amocrm.md §5.3, as the connector knows it
AMO_LIMITS = VendorLimits(
    stage_with_deals_deletable=True,
    deleting_stage_moves_deals_to_first=True,
    new_funnel_stages=("142", "143"),
    color_palette=AMO_PALETTE,
    loss_reasons_writable=True,
)


def b24_category(cat: str, name: str, *, default: bool = False) -> tuple[Funnel, list[Stage]]:
    """A Bitrix24 deal category with the stages the vendor gives a new one (empty portal's)."""
    funnel = Funnel(id=cat, name=name, sort=int(cat) * 10 + 100, is_default=default)
    prefix = "" if cat == "0" else f"C{cat}:"
    defaults = empty_portal(Vendor.BITRIX24).stages_of("0")
    stages = [s.model_copy(update={"funnel_id": cat, "id": prefix + s.id}) for s in defaults]
    return funnel, stages


def amo_pipeline(
    pid: str, name: str, stage_names: Iterable[str], *, main: bool = False, first_id: int = 1000
) -> tuple[Funnel, list[Stage]]:
    """An amoCRM pipeline: unsorted, the given statuses, 142 and 143.

    Status ids are account-wide (amocrm.md §5.1), so the unsorted one is numbered just
    below the working ones and can never take the id of one of them.
    """
    funnel = Funnel(id=pid, name=name, is_default=main)
    stages = [
        Stage(
            funnel_id=pid,
            id=str(first_id - 1),
            name="Неразобранное",
            sort=10,
            system=True,
            extras={"type": "1"},
        )
    ]
    for i, stage_name in enumerate(stage_names):
        stages.append(
            Stage(
                funnel_id=pid,
                id=str(first_id + i),
                name=stage_name,
                sort=20 + i * 10,
                color="#99ccff",
            )
        )
    stages.append(
        Stage(
            funnel_id=pid,
            id="142",
            name="Успешно реализовано",
            sort=10000,
            semantics=Semantics.SUCCESS,
            system=True,
        )
    )
    stages.append(
        Stage(
            funnel_id=pid,
            id="143",
            name="Закрыто и не реализовано",
            sort=11000,
            semantics=Semantics.FAILURE,
            system=True,
        )
    )
    return funnel, stages


def snapshot(
    vendor: Vendor,
    parts: Iterable[tuple[Funnel, list[Stage]]],
    deals: Iterable[Deal] = (),
    *,
    with_deals: bool = True,
    limits: VendorLimits | None = None,
) -> Snapshot:
    """A structure-only (or structure + deals) snapshot."""
    parts = list(parts)
    data = {DataSet.STRUCTURE: DataStatus(state=DataState.PULLED)}
    if with_deals:
        data[DataSet.DEALS] = DataStatus(state=DataState.PULLED)
    if limits is None:
        limits = B24_LIMITS if vendor is Vendor.BITRIX24 else AMO_LIMITS
    manifest = Manifest(vendor=vendor, domain="test.example", pulled_at=0, data=data, limits=limits)
    structure = Structure(
        portal=Portal(vendor=vendor, domain="test.example"),
        funnels=tuple(f for f, _ in parts),
        stages=tuple(s for _, stages in parts for s in stages),
    )
    return Snapshot(manifest=manifest, structure=structure, deals=tuple(deals))


def deals_in(funnel_id: str, stage_id: str, count: int, start: int = 1) -> list[Deal]:
    """`count` open deals sitting in one stage."""
    return [
        Deal(id=str(start + i), funnel_id=funnel_id, stage_id=stage_id, created_at=0)
        for i in range(count)
    ]


def fresh(vendor: Vendor, deals: Iterable[Deal] = ()) -> Snapshot:
    """A new portal of `vendor`: the emulator's empty portal (`emulator serve --empty`)."""
    state = empty_portal(vendor)
    return snapshot(vendor, [(f, state.stages_of(f.id)) for f in state.funnels.values()], deals)


def fresh_b24(deals: Iterable[Deal] = ()) -> Snapshot:
    """A new Bitrix24 portal: category 0 with default stages and the lead funnel."""
    return fresh(Vendor.BITRIX24, deals)


def fresh_amo(deals: Iterable[Deal] = ()) -> Snapshot:
    """A new amoCRM account: the main pipeline with its default status."""
    return fresh(Vendor.AMOCRM, deals)
