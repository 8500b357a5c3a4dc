"""Peak memory of a Bitrix24 pull as the portal grows: the pull streams, so it should stay flat.

One generated portal per size, each pulled by `funnelkit` in its own process (pull + snapshot
saved, as `funnelkit pull` does) against a fresh emulator in this one. The vendor cost model
is off: it changes how long the pull waits, not what it holds.
"""

from __future__ import annotations

from bench.common import Result
from bench.pulls import measure
from funnelkit.emulator.generate.messy import generate
from funnelkit.model import Vendor

LABEL = "bitrix24 pull peak memory by portal size, clock ×{scale:g}, vendor cost model off"


def memory_benchmark(sizes: list[int], scale: float) -> list[Result]:
    """Peak RSS of the pull process per portal size, and its ratio to the smallest."""
    label = LABEL.format(scale=scale)
    results: list[Result] = []
    first: float | None = None
    for deals in sizes:
        state = generate(Vendor.BITRIX24, deals=deals, seed=11)
        out = measure("funnelkit", state, scale, cost=False)
        del state
        if "error" in out:
            results.append(Result(label, f"{deals:,} deals", {"result": str(out["error"])}))
            continue
        peak = float(out["peak_rss_mb"])
        first = peak if first is None else first
        figures = {
            "rows": f"{out['rows']:,}",
            "requests": out["requests"],
            "wall s": out["wall_s"],
            "snapshot MB": round(int(out["snapshot_bytes"]) / 1e6, 1),
            "peak RSS MB": round(peak),
            f"÷ {sizes[0]:,} deals": round(peak / first, 2),
        }
        results.append(Result(label, f"{deals:,} deals", figures))
    return results
