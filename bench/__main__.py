"""`python -m bench [all|b24|b24-memory|amo|incremental|audit|startup] [--quick]`: figures.

Writes bench/RESULTS.md and bench/results.json. Needs the bench extra for the peer
client: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

from bench.common import HERE, Result, machine, markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "what",
        nargs="*",
        default=["all"],
        choices=[
            "all",
            "b24",
            "b24-1m",
            "b24-nocost",
            "b24-memory",
            "amo",
            "incremental",
            "audit",
            "e2e",
            "startup",
        ],
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--scale", type=float, default=20.0, help="emulator clock speed-up")
    args = parser.parse_args()
    wanted = set(args.what)
    every = "all" in wanted
    small = args.quick
    results: list[Result] = []
    from funnelkit.model import Vendor

    if every or "startup" in wanted:
        from bench.startup import startup_benchmark

        results += startup_benchmark()
    if every or "b24" in wanted:
        from bench.pulls import pull_benchmark

        results += pull_benchmark(Vendor.BITRIX24, 5_000 if small else 100_000, args.scale, True)
    if "b24-1m" in wanted:
        from bench.pulls import pull_benchmark

        results += pull_benchmark(Vendor.BITRIX24, 1_000_000, args.scale, True)
    if every or "b24-nocost" in wanted:
        from bench.pulls import pull_benchmark

        deals = 5_000 if small else 100_000
        results += pull_benchmark(Vendor.BITRIX24, deals, args.scale, True, cost=False)
    if every or "b24-memory" in wanted:
        from bench.pull_memory import memory_benchmark

        sizes = [5_000, 20_000] if small else [50_000, 200_000, 1_000_000]
        results += memory_benchmark(sizes, args.scale)
    if every or "amo" in wanted:
        from bench.pulls import pull_benchmark

        results += pull_benchmark(Vendor.AMOCRM, 5_000 if small else 100_000, args.scale, True)
    if every or "incremental" in wanted:
        from bench.incremental import incremental_benchmark

        results += incremental_benchmark(5_000 if small else 100_000, args.scale)
    if every or "audit" in wanted:
        from bench.audit_scale import audit_benchmark

        results += audit_benchmark([2_000, 10_000] if small else [10_000, 100_000, 1_000_000])
    if every or "e2e" in wanted:
        from bench.audit_e2e import e2e_benchmark

        results += e2e_benchmark([2_000, 10_000] if small else [10_000, 100_000, 1_000_000])
    stamp = {
        "commit": commit(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": machine(),
    }
    print(markdown(results, "funnelkit benchmarks (this run)"))
    if small:
        return
    # Merge into the recorded results: a run replaces the benchmarks it ran, keeps the rest.
    store = HERE / "results.json"
    kept = [r for r in _load(store) if r["bench"] not in {x.bench for x in results}]
    rows = kept + [{**dataclasses.asdict(r), **stamp} for r in results]
    store.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    (HERE / "RESULTS.md").write_text(render_recorded(rows), encoding="utf-8")


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [r for r in rows if isinstance(r, dict) and "commit" in r]


def commit() -> str:
    """The commit the numbers belong to (with `+dirty` for uncommitted changes)."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=HERE, check=False)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--", "funnelkit", "bench") else "")


def render_recorded(rows: list[dict[str, Any]]) -> str:
    """RESULTS.md: every recorded benchmark with the commit, date and machine it ran on."""
    results = [Result(r["bench"], r["subject"], r["figures"]) for r in rows]
    text = markdown(results, "funnelkit benchmarks")
    runs = sorted({(r["bench"], r["commit"], r["date"], r["machine"]) for r in rows})
    lines = ["", "Produced by `python -m bench`; each benchmark as last run:", ""]
    lines += [f"- {b}: commit `{c}`, {d}, {m}" for b, c, d, m in runs]
    return text + "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
