"""A healthy portal shaped by a blueprint: the audit's "no false alarms" ground.

Every deal belongs to a chain: it starts in a funnel nothing feeds, walks its stages
forward within their SLA, and on winning or losing follows the blueprint's tunnel
into the next funnel. A chain never revisits a funnel, and its last deal is open, with
a future task and a recent call, so every contact always has one open deal. Lost
deals carry a reason, each funnel has its own people, and nobody is reassigned.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from funnelkit.emulator.fixture.load import state_from_fixture
from funnelkit.emulator.generate.data import sample
from funnelkit.emulator.generate.healthy_layout import Layout, StageRef, layout
from funnelkit.emulator.generate.messy import DEFAULT_NOW
from funnelkit.emulator.generate.names import REASON_NAMES
from funnelkit.emulator.state import LEAD_PREFIX, PortalState
from funnelkit.model import Vendor
from funnelkit.model.timeutil import DAY

MAX_CHAIN = 4


@dataclass
class _Builder:
    """Fixture data under construction."""

    lay: Layout
    rng: random.Random
    now: int
    deals: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    next_deal: int = 1
    next_lead: int = 1


def from_blueprint(
    blueprint: dict[str, Any],
    vendor: Vendor,
    deals: int,
    seed: int,
    now: int | None = None,
) -> PortalState:
    """A well-behaved portal with about `deals` deal records, deterministic by seed."""
    now = DEFAULT_NOW if now is None else int(now)
    vendor = Vendor(vendor)
    rng = random.Random(seed)
    lay = layout(blueprint, vendor, rng)
    b = _Builder(lay, rng, now)
    while len(b.deals) < deals:
        _chain(b)
    data = {
        "vendor": vendor.value,
        "domain": "healthy.bitrix24.ru" if vendor == Vendor.BITRIX24 else "healthy.amocrm.ru",
        "currency": "RUB",
        "now": now,
        "users": lay.users,
        "funnels": lay.funnels,
        "loss_reasons": [
            {"id": str(9001 + n), "name": name, "sort": n + 1}
            for n, name in enumerate(REASON_NAMES)
        ]
        if vendor == Vendor.AMOCRM
        else [],
        "tunnels": lay.tunnels_out,
        "contacts": b.contacts,
        "deals": b.deals,
    }
    return state_from_fixture(data, name="<healthy portal>")


def _chain(b: _Builder) -> None:
    """One contact's path through the funnels; only its last deal stays open."""
    lay, rng = b.lay, b.rng
    contact = str(len(b.contacts) + 1)
    funnel = rng.choice(lay.roots)
    segments: list[tuple[str, list[StageRef], str | None]] = []  # funnel, stages, mode in
    seen = {funnel}
    mode: str | None = None
    start: str | None = None
    while True:
        outcome = _outcome(lay, rng, funnel, seen, len(segments))
        path = lay.path(funnel, outcome, rng, start)
        segments.append((funnel, path, mode))
        if outcome == "open":
            break
        tunnel = lay.tunnel_for(funnel, outcome)
        assert tunnel is not None
        funnel, mode, start = tunnel.to_funnel, tunnel.mode, tunnel.to_stage
        seen.add(funnel)
    times = _times(b, segments)
    first = len(b.deals)
    _emit(b, contact, segments, times)
    touched = [d["last_activity_at"] for d in b.deals[first:]]
    b.contacts.append(
        {
            "id": contact,
            "name": f"Клиент {contact}",
            "created_at": times[0][0],
            "last_activity_at": max(touched),
        }
    )


def _outcome(lay: Layout, rng: random.Random, funnel: str, seen: set[str], depth: int) -> str:
    """Win or lose only where a tunnel carries the deal on to a funnel not yet visited."""
    options = ["open"]
    if depth < MAX_CHAIN - 1:
        for outcome in ("won", "lost"):
            tunnel = lay.tunnel_for(funnel, outcome)
            if tunnel is not None and tunnel.to_funnel not in seen:
                options += [outcome, outcome]
    return rng.choice(options)


def _times(b: _Builder, segments: list[tuple[str, list[StageRef], str | None]]) -> list[list[int]]:
    """Entry times laid backwards from now: every dwell inside the stage's SLA."""
    rng = b.rng
    durations: list[list[int]] = []
    for _funnel, path, _mode in segments:
        dwell = [int(rng.uniform(0.1, 0.8) * s.sla_days * DAY) + 60 for s in path[:-1]]
        durations.append(dwell)
    last = segments[-1][1][-1]
    cursor = b.now - int(rng.uniform(0.0, 0.7) * last.sla_days * DAY)
    out: list[list[int]] = []
    for dwell in reversed(durations):
        entries = [cursor]
        for d in reversed(dwell):
            entries.append(entries[-1] - d)
        entries.reverse()
        out.append(entries)
        cursor = entries[0] - 120  # the tunnel fires two minutes after the terminal stage
    out.reverse()
    return out


def _emit(
    b: _Builder,
    contact: str,
    segments: list[tuple[str, list[StageRef], str | None]],
    times: list[list[int]],
) -> None:
    """Turn a chain into fixture deals: copies start a new deal, moves continue the old one."""
    current: dict[str, Any] | None = None
    for (funnel, path, mode), entries in zip(segments, times, strict=True):
        moved = current is not None and mode == "move"
        # a moved deal keeps its manager: nobody is reassigned inside a funnel (FK405)
        user = current["responsible"] if moved and current else b.rng.choice(b.lay.staff[funnel])
        moves = [
            {"stage": s.id, "at": at, "funnel": funnel, **b.lay.by(user)}
            for s, at in zip(path, entries, strict=True)
        ]
        if moved and current is not None:
            current["history"] += moves
        else:
            current = _new_deal(b, funnel, contact, user, moves)
            b.deals.append(current)
        last = path[-1]
        current["loss_reason"] = b.lay.reason(last, b.rng)
        _activities(b, current, user, entries, open_=last.semantics == "process")


def _new_deal(
    b: _Builder, funnel: str, contact: str, user: str, moves: list[dict[str, Any]]
) -> dict[str, Any]:
    lead = b.lay.kinds[funnel] == "lead"
    if lead:
        deal_id = f"{LEAD_PREFIX}{b.next_lead}"
        b.next_lead += 1
    else:
        deal_id = str(b.next_deal)
        b.next_deal += 1
    products = b.lay.products[funnel]
    product = b.rng.choice(products) if products else None
    out: dict[str, Any] = {
        "id": deal_id,
        "funnel": funnel,
        "entity": "lead" if lead else "deal",
        "title": f"{product or b.lay.names[funnel]} — Клиент {contact}",
        "responsible": user,
        "creator": user,
        "contacts": [contact],
        "history": moves,
        "activities": [],
    }
    if product:
        prices = dict(zip(sample().products, sample().product_prices.tolist(), strict=True))
        out["amount"] = float(round(prices.get(product, 1000.0) * b.rng.uniform(0.9, 1.05)))
        out["currency"] = "RUB"
        out["products"] = [product]
    return out


def _activities(
    b: _Builder, deal: dict[str, Any], user: str, entries: list[int], open_: bool
) -> None:
    """Open deals: a task due within a week and a call in the last few days."""
    now, rng = b.now, b.rng
    if open_:
        called = max(entries[-1], now - int(rng.uniform(0, 5) * DAY))
        deal["last_activity_at"] = called
        deal["activities"] += [
            {
                "kind": "call",
                "created_at": called,
                "done": True,
                "completed_at": called,
                "responsible": user,
            },
            {
                "kind": "task",
                "created_at": called,
                "deadline": now + int(rng.uniform(1, 7) * DAY),
                "responsible": user,
                "subject": "Следующий шаг по сделке",
            },
        ]
    else:
        at = entries[-1] - 30
        deal["last_activity_at"] = max(deal.get("last_activity_at", 0), at)
        deal["activities"].append(
            {
                "kind": "call",
                "created_at": at,
                "done": True,
                "completed_at": at,
                "responsible": user,
            }
        )
