"""`python -m bench [all|b24|amo|incremental|audit|startup] [--quick]`: every figure measured.

Writes bench/RESULTS.md and bench/results.json. Needs the bench extra for the peer
client: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

from bench.common import HERE, Result, machine, markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "what",
        nargs="*",
        default=["all"],
        choices=["all", "b24", "b24-1m", "amo", "incremental", "audit", "startup"],
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
    if every or "amo" in wanted:
        from bench.pulls import pull_benchmark

        results += pull_benchmark(Vendor.AMOCRM, 5_000 if small else 100_000, args.scale, True)
    if every or "incremental" in wanted:
        from bench.incremental import incremental_benchmark

        results += incremental_benchmark(5_000 if small else 100_000, args.scale)
    if every or "audit" in wanted:
        from bench.audit_scale import audit_benchmark

        results += audit_benchmark([2_000, 10_000] if small else [10_000, 100_000, 1_000_000])
    title = f"funnelkit benchmarks — {time.strftime('%Y-%m-%d', time.gmtime())}"
    text = markdown(results, title) + f"\nMachine: {machine()}\n"
    print(text)
    if not small:
        (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
        (HERE / "results.json").write_text(
            json.dumps([dataclasses.asdict(r) for r in results], ensure_ascii=False, indent=2),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
