"""The amoCRM peer: aioamocrm (PyPI) pulling what funnelkit pulls, in its own process.

aioamocrm 0.1.1 (2026-10) is the only maintained amoCRM client on PyPI found with both a
client-side rate limiter and a configurable base URL, so it can be pointed at the emulator
and told the same scaled rate. It pages leads, contacts, companies, tasks, users and field
definitions itself (`iterate`); it has no resource for events or loss reasons, so those go
through its public `AmoCRMClient.request`, following `_links.next` as its own pager does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from bench.common import peak_rss_mb

EVENT_PAGE = 100  # amocrm.md §7: «Максимум – 100»


async def _events(amo: Any, types: str) -> int:
    """Every event of `types`, page by page until no `next` link or a 204 (amocrm.md §3)."""
    rows, page = 0, 1
    while True:
        params = {"filter[type]": types, "limit": str(EVENT_PAGE), "page": str(page)}
        data = await amo.request("GET", "events", params=params)
        items = ((data or {}).get("_embedded") or {}).get("events") or []
        rows += len(items)
        if not items or "next" not in ((data or {}).get("_links") or {}):
            return rows
        page += 1


async def _count(iterator: Any) -> int:
    rows = 0
    async for _ in iterator:
        rows += 1
    return rows


async def pull(url: str, token: str, rate: float, types: str) -> int:
    """One full read of the account; returns the rows received."""
    from aioamocrm import AmoCRMClient, LongLivedToken

    rows = 0
    async with AmoCRMClient(base_url=url, auth=LongLivedToken(token), rate_limit=rate) as amo:
        await amo.account.get()
        rows += len(await amo.pipelines.list())
        rows += await _count(amo.users.iterate())
        reasons = await amo.request("GET", "leads/loss_reasons")
        rows += len(((reasons or {}).get("_embedded") or {}).get("loss_reasons") or [])
        for resource in (amo.leads, amo.contacts, amo.companies):
            rows += await _count(resource.custom_fields.iterate())
        rows += await _count(amo.leads.iterate(with_=["contacts", "catalog_elements"]))
        rows += await _count(amo.contacts.iterate())
        rows += await _count(amo.companies.iterate())
        rows += await _count(amo.tasks.iterate())
        rows += await _events(amo, types)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--rate", type=float, default=7.0)
    # The event types funnelkit reads, passed in so both clients fetch the same rows and
    # this process loads none of funnelkit (its peak memory is the peer's own).
    parser.add_argument("--types", required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = asyncio.run(pull(args.url, args.secret, args.rate, args.types))
    out = {"seconds": time.perf_counter() - started, "rows": rows}
    out["peak_rss_mb"] = round(peak_rss_mb())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
