"""Snapshot storage candidates side by side: size, write and read time, peak memory.

    python -m bench.storage --deals 1000000 --history 5

Each candidate runs in its own process so peak RSS is its own. The packed format
(zip of zstd Parquet) is funnelkit's; gzip JSON lines is the obvious alternative.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from funnelkit.model import (
    Activity,
    ActivityKind,
    Deal,
    Funnel,
    Manifest,
    Portal,
    Snapshot,
    Stage,
    StageTransition,
    Structure,
    Vendor,
)

CANDIDATES = ("packed-parquet", "gzip-jsonl")


def synthetic(deals: int, history: int) -> Snapshot:
    """A portal-shaped snapshot: ids repeat the way real ones do."""
    stages = [f"C{f}:{s}" for f in range(4) for s in ("NEW", "PREP", "OFFER", "WON", "LOSE")]
    rows = []
    for i in range(1, deals + 1):
        stage = stages[i % len(stages)]
        rows.append(
            Deal(
                id=str(i),
                funnel_id=stage.split(":")[0][1:],
                stage_id=stage,
                created_at=1_600_000_000 + i,
                responsible_id=str(i % 40),
                amount=float(i % 9000),
                currency="RUB",
                contact_ids=(str(i // 2),),
                title=f"Deal {i}",
            )
        )
    transitions = []
    n = 0
    for i in range(1, deals + 1):
        for step in range(history):
            n += 1
            transitions.append(
                StageTransition(
                    id=str(n),
                    deal_id=str(i),
                    funnel_id=str(i % 4),
                    to_stage_id=stages[(i + step) % len(stages)],
                    at=1_600_000_000 + i + step * 86_400,
                    from_stage_id=stages[(i + step - 1) % len(stages)] if step else None,
                )
            )
    activities = [
        Activity(
            id=f"T{i}",
            kind=ActivityKind.TASK,
            created_at=1_600_000_000 + i,
            deal_id=str(i),
            deadline=1_600_100_000 + i,
            responsible_id=str(i % 40),
        )
        for i in range(1, deals + 1)
    ]
    manifest = Manifest(vendor=Vendor.BITRIX24, domain="bench.local", pulled_at=1_700_000_000)
    structure = Structure(
        portal=Portal(vendor=Vendor.BITRIX24, domain="bench.local"),
        funnels=tuple(Funnel(id=str(f), name=f"F{f}") for f in range(4)),
        stages=tuple(
            Stage(funnel_id=s.split(":")[0][1:], id=s, name=s, sort=k) for k, s in enumerate(stages)
        ),
    )
    return Snapshot(
        manifest=manifest,
        structure=structure,
        deals=tuple(rows),
        transitions=tuple(transitions),
        activities=tuple(activities),
    )


def write_jsonl(snapshot: Snapshot, path: Path) -> None:
    """Candidate: one gzip JSON-lines file, a header line then one line per row."""
    from funnelkit.store import snapshot_to_json

    document = snapshot_to_json(snapshot)
    tables = document.pop("tables")
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as handle:
        handle.write(json.dumps(document) + "\n")
        for table, rows in tables.items():
            for row in rows:
                handle.write(json.dumps([table, row]) + "\n")


def read_jsonl(path: Path) -> int:
    """Rebuild the rows (as dataclasses, like the packed reader) and count them."""
    from funnelkit.model import ROW_TYPES

    count = 0
    tables: dict[str, list[Any]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            table, row = json.loads(line)
            for key in ("contact_ids", "tags", "products"):
                if key in row:
                    row[key] = tuple(row[key])
            tables.setdefault(table, []).append(ROW_TYPES[table](**row))
            count += 1
    return count


def child(candidate: str, phase: str, path: Path, deals: int, history: int) -> dict[str, Any]:
    """One measurement in this process."""
    from funnelkit.store import load_snapshot, save_snapshot

    start = time.perf_counter()
    if phase == "write":
        snapshot = synthetic(deals, history)
        start = time.perf_counter()
        if candidate == "packed-parquet":
            save_snapshot(snapshot, path)
        else:
            write_jsonl(snapshot, path)
        rows = sum(snapshot.counts().values())
    else:
        if candidate == "packed-parquet":
            rows = sum(load_snapshot(path).counts().values())
        else:
            rows = read_jsonl(path)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 1), "rows": rows, "peak_rss_mb": round(peak_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=5)
    parser.add_argument("--child", nargs=3, metavar=("CANDIDATE", "PHASE", "PATH"))
    args = parser.parse_args()
    if args.child:
        candidate, phase, path = args.child
        print(json.dumps(child(candidate, phase, Path(path), args.deals, args.history)))
        return
    print(
        f"| {args.deals:,} deals, {args.deals * args.history:,} history rows | size MB "
        "| write s | read s | read peak RSS MB |"
    )
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for candidate in CANDIDATES:
            path = Path(folder) / (candidate + (".zip" if "packed" in candidate else ".jsonl.gz"))
            results = {}
            for phase in ("write", "read"):
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.storage",
                        "--deals",
                        str(args.deals),
                        "--history",
                        str(args.history),
                        "--child",
                        candidate,
                        phase,
                        str(path),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[phase] = json.loads(out.stdout)
            size = path.stat().st_size / 1e6
            print(
                f"| {candidate} | {size:,.0f} | {results['write']['seconds']} | "
                f"{results['read']['seconds']} | {results['read']['peak_rss_mb']:,} |"
            )


if __name__ == "__main__":
    main()
