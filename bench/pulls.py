"""Pull benchmarks: funnelkit against the fewest requests the API allows, and against a peer.

Each client gets a fresh emulator over the same generated portal, with the vendor's rate
limit on a clock running `scale` times faster for everyone (both clients are told the same
scaled rate). Portal-side time = the emulator's active time × scale: what a real portal at the real
limit would need from the first request to the last, server time of the cost model and any
blocking included (client start-up is not; client CPU between requests is scaled with the rest).
"""

from __future__ import annotations

import math
import time
from typing import Any

from bench.common import Result, run_child
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.run import Running, start
from funnelkit.emulator.state import TASK_PREFIX, EmulatorOptions, PortalState
from funnelkit.model import EntityKind, Vendor

ROWS_PER_REQUEST = {Vendor.BITRIX24: 2500, Vendor.AMOCRM: 250}
RATE = {Vendor.BITRIX24: 2.0, Vendor.AMOCRM: 7.0}
# The peer each vendor's pull runs beside; bench/amo_peer.py says why aioamocrm.
AMO_PEER = "aioamocrm"
PEERS = {Vendor.BITRIX24: "fast_bitrix24", Vendor.AMOCRM: AMO_PEER}


def entity_counts(state: PortalState) -> dict[str, int]:
    """Rows per list the API serves."""
    leads = {d for d, deal in state.deals.items() if deal.entity is EntityKind.LEAD}
    tasks = sum(1 for a in state.activities if a.id.startswith(TASK_PREFIX))
    lead_history = sum(1 for t in state.transitions if t.deal_id in leads)
    return {
        "deals": len(state.deals) - len(leads),
        "leads": len(leads),
        "history_deals": len(state.transitions) - lead_history,
        "history_leads": lead_history,
        "tasks": tasks,
        "activities": len(state.activities) - tasks,
        "contacts": len(state.contacts),
        "companies": len(state.companies),
        "users": len(state.users),
    }


def minimum_requests(vendor: Vendor, counts: dict[str, int]) -> int:
    """⌈rows / rows-per-request⌉ per list, plus one request for the structure."""
    if vendor is Vendor.AMOCRM:
        from bench.amo_counts import amo_minimum

        return amo_minimum(counts)
    per = ROWS_PER_REQUEST[vendor]
    return sum(math.ceil(v / per) for v in counts.values()) + 1


def serve(state: PortalState, scale: float, cost: bool, port: int = 0) -> Running:
    """A fresh emulator (fresh rate-limit and cost state) over the portal."""
    options = EmulatorOptions(rate_limit=True, cost_model=cost, clock=Clock(scale=scale))
    return start(state, options, port=port)


def free_port() -> int:
    """A port to reuse across restarts, so incremental pulls see the same portal address."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure(client: str, state: PortalState, scale: float, cost: bool) -> dict[str, Any]:
    """One client's pull against a fresh emulator."""
    vendor = state.vendor
    with serve(state, scale, cost) as running:
        env, secret = running.secret_env
        started = time.perf_counter()
        rate = str(RATE[vendor] * scale)
        if client == AMO_PEER:
            from funnelkit.connectors.amocrm.pull import EVENT_TYPES

            types = ",".join(EVENT_TYPES)
            args = ["--url", running.url, "--secret", secret, "--rate", rate, "--types", types]
            out = run_child("bench.amo_peer", *args)
        else:
            out = run_child(
                "bench.pull_child",
                client,
                "--vendor",
                vendor.value,
                "--url",
                running.url,
                "--secret-env",
                env,
                "--secret",
                secret,
                "--rate",
                rate,
            )
        wall = time.perf_counter() - started
        app: Any = running.server.app
        out["requests"] = running.server.requests
        first, last = running.server.first_at, running.server.last_at
        active = (last - first) if first is not None and last is not None else wall
        out["server_s"] = round(float(getattr(app, "server_seconds", 0.0)), 1)
    out["wall_s"] = round(wall, 1)
    out["portal_side_s"] = round(active * scale, 1)
    return out


def pull_benchmark(
    vendor: Vendor, deals: int, scale: float, peer: bool, cost: bool | None = None
) -> list[Result]:
    """funnelkit (and the peer, for Bitrix24) on one generated portal.

    `cost`: the emulator's model of Bitrix24's per-method time budget (on by default for
    Bitrix24). With it off the peer finishes too, so the side-by-side ratio is a number.
    """
    cost = vendor is Vendor.BITRIX24 if cost is None else cost
    state = generate(vendor, deals=deals, seed=11)
    if vendor is Vendor.AMOCRM:
        from bench.amo_counts import amo_counts

        counts = amo_counts(state)
    else:
        counts = entity_counts(state)
    rows = sum(counts.values())
    minimum = minimum_requests(vendor, counts)
    label = f"{vendor.value} pull, {deals:,} deals, {rows:,} rows, clock ×{scale:g}"
    if vendor is Vendor.BITRIX24 and not cost:
        label += ", vendor cost model off"
    results = []
    other = PEERS[vendor]
    clients = ["funnelkit", other] if peer else ["funnelkit"]
    runs = {c: measure(c, state, scale, cost) for c in clients}
    for client, out in runs.items():
        figures: dict[str, Any] = {"minimum requests": minimum}
        if "error" in out or "failed" in out:
            reason = out.get("failed") or out.get("error")
            figures.update(
                {
                    "result": f"did not finish ({reason}); "
                    f"rows read: {out.get('rows', 0):,} of {rows:,}",
                    "requests": out.get("requests", ""),
                    "wall s": out["wall_s"],
                    "portal-side s": out.get("portal_side_s", ""),
                }
            )
        else:
            figures.update(
                {
                    "requests": out["requests"],
                    "requests ÷ minimum": round(out["requests"] / minimum, 3),
                    "wall s": out["wall_s"],
                    "portal-side s": out["portal_side_s"],
                    "modelled server s": out["server_s"],
                    "rows/s (portal-side)": round(out["rows"] / max(out["portal_side_s"], 1e-9)),
                    "peak RSS MB": out["peak_rss_mb"],
                }
            )
        results.append(Result(label, client, figures))
    finished = all("error" not in r and "failed" not in r for r in runs.values())
    if peer and finished:
        mine, theirs = runs["funnelkit"], runs[other]
        results.append(
            Result(
                label,
                f"funnelkit ÷ {other}",
                {
                    "requests": round(mine["requests"] / theirs["requests"], 3),
                    "portal-side s": round(mine["portal_side_s"] / theirs["portal_side_s"], 3),
                },
            )
        )
    return results
