"""Pull memory is bounded: a portal four times larger costs the pull about the same memory.

Pages stream into Parquet row groups as they arrive (store/spool.py), so what a pull holds is
a few row groups and the pages in flight, not the portal. Each pull runs in a process of its
own with small row groups, so a small portal already shows the bound. The pages in flight
set a floor that a small portal does not quite reach (the larger pull peaks 1.35-1.5× the
smaller one); a pull that kept its rows as objects peaks 2.5× here, and more as portals grow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from funnelkit.emulator.bitrix24 import webhook_url
from funnelkit.emulator.generate.messy import generate
from funnelkit.model import Vendor
from tests.connectors.bitrix24.portal import running

ROOT = Path(__file__).resolve().parents[3]
ROW_GROUP = 500


def _pull(deals: int) -> dict[str, int]:
    state = generate(Vendor.BITRIX24, deals + deals // 10, 5)
    with running(state) as portal:
        webhook = webhook_url(portal.server.url, portal.options)
        child = [sys.executable, "-m", "tests.connectors.bitrix24.pull_memory"]
        done = subprocess.run(
            [*child, portal.server.url, str(ROW_GROUP)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "FUNNELKIT_TEST_WEBHOOK": webhook},
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_pull_memory_does_not_grow_with_the_portal() -> None:
    small, large = _pull(3_000), _pull(12_000)
    assert large["rows"] > 3.5 * small["rows"]
    assert large["bytes"] > 3 * small["bytes"]  # the larger snapshot really holds more
    ratio = large["peak"] / small["peak"]
    assert ratio < 1.75, (small, large)
