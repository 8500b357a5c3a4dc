"""Audit speed and memory from 10k to 1M deals: load, audit, peak RSS, in a child process."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.common import Result, peak_rss_mb, run_child


def child(path: Path) -> dict[str, float]:
    """Load a snapshot, audit it and compute its metrics."""
    from funnelkit.audit import run_audit
    from funnelkit.metrics import compute_metrics
    from funnelkit.store import load_snapshot

    started = time.perf_counter()
    snapshot = load_snapshot(path)
    loaded = time.perf_counter()
    result = run_audit(snapshot)
    audited = time.perf_counter()
    compute_metrics(snapshot, result.now)
    done = time.perf_counter()
    return {
        "load_s": round(loaded - started, 1),
        "audit_s": round(audited - loaded, 1),
        "metrics_s": round(done - audited, 1),
        "findings": len(result.findings),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def make_snapshot(deals: int, folder: Path) -> tuple[Path, dict[str, int]]:
    """A generated messy portal saved as a snapshot (generation is not timed here)."""
    from funnelkit.emulator.generate.messy import generate
    from funnelkit.emulator.generate.truth import state_to_snapshot
    from funnelkit.model import Vendor
    from funnelkit.store import save_snapshot

    snapshot = state_to_snapshot(generate(Vendor.AMOCRM, deals=deals, seed=5))
    path = save_snapshot(snapshot, folder / f"audit-{deals}.snapshot.zip")
    return path, snapshot.counts()


def audit_benchmark(sizes: list[int]) -> list[Result]:
    """One row per size."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for deals in sizes:
            path, counts = make_snapshot(deals, Path(folder))
            out = run_child("bench.audit_scale", "--child", str(path))
            figures = {
                "history rows": f"{counts['transitions']:,}",
                "tasks/activities": f"{counts['activities']:,}",
                **out,
            }
            results.append(Result("audit (load → rules → metrics)", f"{deals:,} deals", figures))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", type=Path, required=True)
    print(json.dumps(child(parser.parse_args().child)))


if __name__ == "__main__":
    main()
