"""The output folder of a fleet run: one folder per portal, the summary beside them.

DIR/fleet.json  fleet.md  fleet.html       the summary of the latest run
DIR/<portal>/snapshots/<stamp>.snapshot.zip the last KEEP_SNAPSHOTS pulls (the newest
                                            is where the next run pulls on from)
DIR/<portal>/audit.{json,md,html}          the latest audit of the portal
DIR/<portal>/finding-keys.txt              the latest findings' keys (new / resolved)
DIR/<portal>/history.jsonl                 one line per run: status, score, counts
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from funnelkit.fileio import write_atomic

KEEP_SNAPSHOTS = 3
SNAPSHOT_SUFFIX = ".snapshot.zip"
REPORTS = {"json": "audit.json", "markdown": "audit.md", "html": "audit.html"}


@dataclass(frozen=True)
class PortalFolder:
    """Where one portal's files live inside the fleet's output folder."""

    root: Path

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def history(self) -> Path:
        return self.root / "history.jsonl"

    @property
    def keys(self) -> Path:
        return self.root / "finding-keys.txt"

    def report(self, fmt: str) -> Path:
        """The latest report in one format."""
        return self.root / REPORTS[fmt]

    def latest_snapshot(self) -> Path | None:
        """The newest kept snapshot (stamps sort as time does)."""
        found = sorted(self.snapshots.glob(f"*{SNAPSHOT_SUFFIX}"))
        return found[-1] if found else None

    def snapshot_for(self, at: int) -> Path:
        """The file a pull made at `at` is saved to."""
        stamp = datetime.fromtimestamp(at, UTC).strftime("%Y%m%dT%H%M%SZ")
        return self.snapshots / f"{stamp}{SNAPSHOT_SUFFIX}"

    def prune(self) -> None:
        """Keep only the newest KEEP_SNAPSHOTS snapshots."""
        found = sorted(self.snapshots.glob(f"*{SNAPSHOT_SUFFIX}"))
        for old in found[:-KEEP_SNAPSHOTS]:
            old.unlink(missing_ok=True)

    def read_history(self) -> list[dict[str, Any]]:
        """Earlier runs, oldest first; a damaged line is skipped, not fatal."""
        if not self.history.exists():
            return []
        runs = []
        for line in self.history.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict):
                runs.append(item)
        return runs

    def append_history(self, line: dict[str, Any]) -> None:
        """Add one run to the history."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self.history.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")

    def read_keys(self) -> set[str] | None:
        """The previous run's finding keys (None before the first audit)."""
        if not self.keys.exists():
            return None
        return set(self.keys.read_text(encoding="utf-8").splitlines()) - {""}

    def write_keys(self, keys: set[str]) -> None:
        """Remember this run's finding keys for the next one."""
        write_atomic(self.keys, "".join(f"{k}\n" for k in sorted(keys)))
