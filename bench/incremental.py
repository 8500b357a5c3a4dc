"""Incremental pull after 1 % of deals changed and 0.1 % were deleted: requests vs a full pull."""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from bench.common import Result, run_child
from bench.pulls import RATE, free_port, serve
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.state import PortalState
from funnelkit.model import Semantics, StageTransition, Vendor


def mutate(state: PortalState, changed: float, deleted: float, seed: int = 3) -> tuple[int, int]:
    """Move `changed` of the open deals one stage on and delete `deleted` of all deals."""
    rng = random.Random(seed)
    ids = list(state.deals)
    moved = 0
    later = state.now + 3600
    # the portal numbers new history rows after the last one, as Bitrix24 and amoCRM do
    top = max((int(t.id) for t in state.transitions if t.id.isdigit()), default=0)
    for deal_id in rng.sample(ids, int(len(ids) * changed)):
        deal = state.deals[deal_id]
        stages = state.stages_of(deal.funnel_id)
        here = next((i for i, s in enumerate(stages) if s.id == deal.stage_id), None)
        if (
            here is None
            or here + 1 >= len(stages)
            or stages[here].semantics is not Semantics.PROCESS
        ):
            state.deals[deal_id] = dataclasses.replace(
                deal, modified_at=later, title=deal.title + "*"
            )
            moved += 1
            continue
        target = stages[here + 1]
        state.deals[deal_id] = dataclasses.replace(deal, stage_id=target.id, modified_at=later)
        state.transitions.append(
            StageTransition(
                id=str(state.new_id("transitions", top + 1)),
                deal_id=deal_id,
                funnel_id=deal.funnel_id,
                to_stage_id=target.id,
                at=later,
                from_stage_id=deal.stage_id,
            )
        )
        moved += 1
    gone = rng.sample(ids, int(len(ids) * deleted))
    for deal_id in gone:
        state.deals.pop(deal_id, None)
    state.transitions = [t for t in state.transitions if t.deal_id in state.deals]
    return moved, len(gone)


def child(
    vendor: str, url: str, env: str, secret: str, rate: float, old: Path | None, out: Path
) -> dict[str, Any]:
    from pydantic import SecretStr

    from funnelkit.connectors import get_connector
    from funnelkit.connectors.base import Credentials, NullProgress, PortalSettings, PullScope
    from funnelkit.model import Vendor as V
    from funnelkit.store import load_snapshot, save_snapshot

    settings = PortalSettings(vendor=V(vendor), url=url, rate_limit=rate)
    creds = (
        Credentials(webhook=SecretStr(secret))
        if env == "WEBHOOK"
        else Credentials(token=SecretStr(secret))
    )
    connector = get_connector(settings, creds)
    if old is None:
        snapshot = connector.pull(PullScope(), NullProgress())
    else:
        snapshot = connector.pull_incremental(load_snapshot(old), NullProgress())
    connector.close()
    save_snapshot(snapshot, out)
    return {"deals": len(snapshot.deals)}


def pull(
    state: PortalState, scale: float, folder: Path, name: str, old: Path | None, port: int
) -> tuple[int, int]:
    """One pull (full, or incremental from `old`) in a child process; requests and deals."""
    with serve(state, scale, cost=False, port=port) as running:
        env, secret = running.secret_env
        out = folder / name
        args = [
            "--vendor",
            state.vendor.value,
            "--url",
            running.url,
            "--env",
            env,
            "--secret",
            secret,
            "--rate",
            str(RATE[state.vendor] * scale),
            "--out",
            str(out),
        ]
        if old is not None:
            args += ["--old", str(old)]
        result = run_child("bench.incremental", *args)
        if "error" in result:
            raise RuntimeError(result["error"])
        return running.server.requests, int(result["deals"])


def incremental_benchmark(deals: int, scale: float) -> list[Result]:
    results = []
    for vendor in (Vendor.BITRIX24, Vendor.AMOCRM):
        state = generate(vendor, deals=deals, seed=21)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            port = free_port()
            full_requests, _ = pull(state, scale, folder, "full.zip", None, port)
            moved, gone = mutate(state, 0.01, 0.001)
            old = folder / "full.zip"
            inc_requests, kept = pull(state, scale, folder, "inc.zip", old, port)
            refull_requests, refull = pull(state, scale, folder, "refull.zip", None, port)
        results.append(
            Result(
                "incremental pull (1 % changed, 0.1 % deleted)",
                f"{vendor.value}, {deals:,} deals",
                {
                    "full pull requests": refull_requests,
                    "incremental requests": inc_requests,
                    "incremental ÷ full": round(inc_requests / max(refull_requests, 1), 3),
                    "changed": moved,
                    "deleted": gone,
                    "deals after (incremental / full)": f"{kept:,} / {refull:,}",
                    "first full pull requests": full_requests,
                },
            )
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    for flag in ("--vendor", "--url", "--env", "--secret"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--old", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    a = parser.parse_args()
    print(json.dumps(child(a.vendor, a.url, a.env, a.secret, a.rate, a.old, a.out)))


if __name__ == "__main__":
    main()
