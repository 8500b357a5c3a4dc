"""`python -m tests.connectors.bitrix24.pull_memory URL ROW_GROUP`: a pull's Python heap peak.

Pulls the portal served at URL (webhook in FUNNELKIT_TEST_WEBHOOK) and saves the snapshot
with `tracemalloc` on, and prints the peak in bytes. Its own process, with the emulator in
another, so that only what the pull itself holds is counted.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import tracemalloc
from pathlib import Path

from pydantic import SecretStr

from funnelkit.connectors.base import Credentials, NullProgress, PortalSettings, PullScope
from funnelkit.connectors.bitrix24.connector import Bitrix24Connector
from funnelkit.model import Vendor
from funnelkit.store import save_snapshot, spool


def main() -> None:
    url, row_group = sys.argv[1], int(sys.argv[2])
    spool.ROW_GROUP = row_group  # the portal is small: row groups shrink with it
    settings = PortalSettings(vendor=Vendor.BITRIX24, url=url, rate_limit=100, burst=1000)
    webhook = SecretStr(os.environ["FUNNELKIT_TEST_WEBHOOK"])
    connector = Bitrix24Connector(settings, Credentials(webhook=webhook))
    with tempfile.TemporaryDirectory() as folder:
        tracemalloc.start()
        snapshot = connector.pull(PullScope(), NullProgress())
        target = save_snapshot(snapshot, Path(folder) / "portal.snapshot.zip")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = target.stat().st_size
    connector.close()
    rows = sum(snapshot.counts().values())
    print(json.dumps({"peak": peak, "rows": rows, "bytes": size}))


if __name__ == "__main__":
    main()
