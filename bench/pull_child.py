"""One pull in its own process (for peak memory): funnelkit or fast_bitrix24 against a URL."""

from __future__ import annotations

import argparse
import json
import time

from bench.common import peak_rss_mb

B24_LISTS = [
    ("crm.deal.list", {}),
    ("crm.lead.list", {}),
    ("crm.stagehistory.list", {"entityTypeId": 2}),
    ("crm.stagehistory.list", {"entityTypeId": 1}),
    ("crm.activity.list", {}),
    ("tasks.task.list", {}),
    ("crm.contact.list", {}),
    ("crm.company.list", {}),
    ("user.get", {}),
]


def funnelkit_pull(
    vendor: str, url: str, secret_env: str, secret: str, rate: float
) -> dict[str, object]:
    """The real connector, as `funnelkit pull` runs it: the pull, then the snapshot saved."""
    import tempfile
    from pathlib import Path

    from pydantic import SecretStr

    from funnelkit.connectors import get_connector
    from funnelkit.connectors.base import Credentials, NullProgress, PortalSettings, PullScope
    from funnelkit.model import Vendor
    from funnelkit.store import save_snapshot

    settings = PortalSettings(vendor=Vendor(vendor), url=url, rate_limit=rate)
    creds = (
        Credentials(webhook=SecretStr(secret))
        if secret_env == "WEBHOOK"
        else Credentials(token=SecretStr(secret))
    )
    connector = get_connector(settings, creds)
    started = time.perf_counter()
    snapshot = connector.pull(PullScope(), NullProgress())
    connector.close()
    with tempfile.TemporaryDirectory() as folder:
        target = save_snapshot(snapshot, Path(folder) / "portal.snapshot.zip")
        size = target.stat().st_size
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": sum(snapshot.counts().values()), "snapshot_bytes": size}


def peer_pull(url: str, rate: float) -> dict[str, object]:
    """fast_bitrix24's `get_all` for the same entities (its documented bulk read)."""
    import logging

    from fast_bitrix24 import Bitrix

    logging.getLogger("fast_bitrix24").setLevel(logging.ERROR)
    client = Bitrix(url, requests_per_second=rate, request_pool_size=50, verbose=False)
    started = time.perf_counter()
    rows = 0
    for method, params in B24_LISTS:
        try:
            rows += len(client.get_all(method, params=params or None))
        except Exception as exc:  # the peer's own give-up: report how far it got
            return {
                "seconds": time.perf_counter() - started,
                "rows": rows,
                "failed": f"{method}: {type(exc).__name__}: {exc}"[:160],
            }
    return {"seconds": time.perf_counter() - started, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("client", choices=["funnelkit", "fast_bitrix24"])
    parser.add_argument("--vendor", default="bitrix24")
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret-env", default="WEBHOOK")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--rate", type=float, default=2.0)
    args = parser.parse_args()
    if args.client == "funnelkit":
        out = funnelkit_pull(args.vendor, args.url, args.secret_env, args.secret, args.rate)
    else:
        out = peer_pull(args.secret, args.rate)
    out["peak_rss_mb"] = round(peak_rss_mb())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
