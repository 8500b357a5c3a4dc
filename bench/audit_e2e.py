"""The audit as a user runs it, end to end, beside a DuckDB yardstick on the same data.

For each size: one generated snapshot (generation is not timed); then
- funnelkit: `funnelkit audit --snapshot S --format json --output /dev/null`, one process,
  wall time and peak RSS from `/usr/bin/time -v` (Python start-up, load, rules, metrics,
  report: everything a user waits for);
- duckdb: the same snapshot exported with `funnelkit snapshot export --format parquet-dir`
  (not timed), then one DuckDB process computing the time-in-stage table that funnelkit's
  metrics show (median and p90 days of each deal's latest completed visit per stage,
  consecutive entries of one stage merged, cli-conventions.md §14.1), same measurement.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.audit_scale import make_snapshot
from bench.common import Result, peak_rss_mb

TIME_IN_STAGE = """
with t as (
    select deal_id, funnel_id, to_stage_id as stage, "at" as entered,
           row_number() over () as pos
    from read_parquet('{dir}/transitions/*.parquet')
),
ordered as (
    select *, lag(funnel_id || chr(31) || stage) over w as previous
    from t window w as (partition by deal_id order by entered, pos)
),
visits as (
    select deal_id, funnel_id, stage, entered, pos,
           lead(entered) over (partition by deal_id order by entered, pos) as left_at
    from ordered
    where previous is distinct from funnel_id || chr(31) || stage
),
latest as (
    select funnel_id, stage, deal_id, arg_max((left_at - entered) / 86400.0, pos) as days
    from visits where left_at is not null
    group by funnel_id, stage, deal_id
)
select funnel_id, stage, count(*) as n, median(days) as median_days,
       quantile_cont(days, 0.9) as p90_days
from latest group by funnel_id, stage order by funnel_id, stage
"""


def timed(command: list[str], ok: tuple[int, ...] = (0,)) -> dict[str, Any]:
    """Wall seconds and peak RSS of one command, as /usr/bin/time -v reports them."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    figures: dict[str, Any] = {
        "wall s": round(wall, 1),
        "peak RSS MB": round(int(rss.group(1)) / 1024) if rss else "",
    }
    if done.returncode not in ok:
        tail = (done.stderr.strip().splitlines() or ["failed"])[-1]
        figures["result"] = f"exit {done.returncode}: {tail}"
    return figures


def duckdb_child(folder: Path) -> None:
    """Run the yardstick query (in its own process, for a clean peak RSS)."""
    import duckdb

    started = time.perf_counter()
    rows = duckdb.execute(TIME_IN_STAGE.format(dir=folder)).fetchall()
    print(
        json.dumps(
            {
                "stages": len(rows),
                "seconds": round(time.perf_counter() - started, 2),
                "peak_rss_mb": round(peak_rss_mb()),
            }
        )
    )


def e2e_benchmark(sizes: list[int]) -> list[Result]:
    """Rows of one bench per size: funnelkit, then duckdb."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for deals in sizes:
            path, counts = make_snapshot(deals, Path(folder))
            bench = f"audit end to end, {deals:,} deals"
            audit = [sys.executable, "-m", "funnelkit", "audit", "--snapshot", str(path)]
            # exit 1 is a finished audit with findings at or above --fail-on
            mine = timed([*audit, "--format", "json", "--output", "/dev/null"], ok=(0, 1))
            mine["history rows"] = f"{counts['transitions']:,}"
            results.append(Result(bench, "funnelkit", mine))
            dataset = Path(folder) / f"dataset-{deals}"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "funnelkit",
                    "snapshot",
                    "export",
                    str(path),
                    "--format",
                    "parquet-dir",
                    "-o",
                    str(dataset),
                ],
                check=True,
                capture_output=True,
            )
            theirs = timed([sys.executable, "-m", "bench.audit_e2e", "--duckdb", str(dataset)])
            theirs["history rows"] = f"{counts['transitions']:,}"
            theirs["note"] = "time-in-stage table only, over the exported Parquet"
            results.append(Result(bench, "duckdb", theirs))
            path.unlink()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb", type=Path, required=True)
    duckdb_child(parser.parse_args().duckdb)


if __name__ == "__main__":
    main()
