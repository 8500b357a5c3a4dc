"""Pull and audit every portal of a fleet at once, each in its own thread.

Pulls wait on the network and on each vendor's rate limit, not on the CPU, so threads
give a wall time close to the slowest portal's. Each connector paces itself with its
own client-side bucket (connectors/pacing.py), so portals never share a budget: two
Bitrix24 portals each get their own 2 requests per second (bitrix24.md §5).

What a run needs from outside is passed in — how to open a portal's connector and how
to audit a snapshot — so this module never reads the config or the command line.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from funnelkit.audit import AuditResult
from funnelkit.connectors.base import Connector, PullScope
from funnelkit.errors import FunnelkitError, SnapshotError
from funnelkit.fileio import write_atomic
from funnelkit.fleet.layout import REPORTS, PortalFolder
from funnelkit.fleet.measure import measure
from funnelkit.fleet.progress import PortalProgress
from funnelkit.fleet.summary import (
    PortalOutcome,
    change_since,
    fleet_document,
    last_ok,
    trend,
)
from funnelkit.model import Snapshot
from funnelkit.report.schema import AuditReport

MAX_PARALLEL = 16  # portals pulled at once; more would only queue on the machine's sockets
Connect = Callable[[str], Connector]
Audit = Callable[[Snapshot], tuple[AuditResult, AuditReport]]
Say = Callable[[str], None]


@dataclass(frozen=True)
class FleetPortal:
    """A portal of the config, by the NAME `--portal` uses."""

    name: str
    vendor: str


@dataclass(frozen=True)
class Fleet:
    """How to reach and judge the portals, and where the results go."""

    out: Path
    connect: Connect
    audit: Audit
    lang: str
    fail_on: str
    say: Say
    clock: Callable[[], float] = time.time


def _pull(fleet: Fleet, portal: FleetPortal, folder: PortalFolder) -> tuple[Snapshot, str]:
    """Pull on from the newest kept snapshot, or in full when there is none to pull on from."""
    from funnelkit.store import load_snapshot

    progress = PortalProgress(portal.name, fleet.say)
    old: Snapshot | None = None
    latest = folder.latest_snapshot()
    if latest is not None:
        try:
            old = load_snapshot(latest)
        except SnapshotError as exc:
            fleet.say(f"{portal.name}: {latest.name} unreadable ({exc.message}); pulling in full")
    connector = fleet.connect(portal.name)
    try:
        if old is not None:
            try:
                return connector.pull_incremental(old, progress), "incremental"
            except SnapshotError as exc:  # another portal's snapshot in this folder
                fleet.say(f"{portal.name}: {exc.message}; pulling in full")
        return connector.pull(PullScope(), progress), "full"
    finally:
        connector.close()


def _write_reports(fleet: Fleet, folder: PortalFolder, doc: AuditReport) -> dict[str, str]:
    from funnelkit.report import render

    written = {}
    for fmt in REPORTS:
        path = folder.report(fmt)
        write_atomic(path, render(doc, fmt))
        written[fmt] = str(path.relative_to(fleet.out))
    return written


def _read_and_audit(fleet: Fleet, portal: FleetPortal, folder: PortalFolder) -> PortalOutcome:
    from funnelkit.store import save_snapshot

    history = folder.read_history()
    started = time.monotonic()
    snapshot, kind = _pull(fleet, portal, folder)
    seconds = round(time.monotonic() - started, 2)
    folder.snapshots.mkdir(parents=True, exist_ok=True)
    save_snapshot(snapshot, folder.snapshot_for(int(fleet.clock())))
    folder.prune()
    result, doc = fleet.audit(snapshot)
    score, money = measure(doc)
    by_severity = doc.summary.by_severity
    keys = {f.key for f in result.findings}
    change = change_since(last_ok(history), score, by_severity, money, folder.read_keys(), keys)
    folder.write_keys(keys)
    return PortalOutcome(
        name=portal.name,
        vendor=portal.vendor,
        status="ok",
        score=score,
        findings_by_severity=dict(by_severity),
        failing=len(result.failing()),
        money_at_stake=money,
        change=change,
        pull={"kind": kind, "seconds": seconds},
        reports=_write_reports(fleet, folder, doc),
    )


def run_portal(fleet: Fleet, portal: FleetPortal) -> PortalOutcome:
    """One portal, start to end; a portal that cannot be read is an outcome, not an error."""
    folder = PortalFolder(fleet.out / portal.name)
    folder.root.mkdir(parents=True, exist_ok=True)
    fleet.say(f"{portal.name}: pulling ({portal.vendor})")
    try:
        outcome = _read_and_audit(fleet, portal, folder)
    except FunnelkitError as exc:
        error = exc.message + (f" ({exc.hint})" if exc.hint else "")
        outcome = PortalOutcome(portal.name, portal.vendor, "unreadable", error=error)
        fleet.say(f"{portal.name}: unreadable: {error}")
    else:
        fleet.say(
            f"{portal.name}: score {outcome.score}, {sum(outcome.findings_by_severity.values())}"
            f" findings ({outcome.pull['kind']} pull in {outcome.pull['seconds']} s)"
        )
    folder.append_history(outcome.history_line(int(fleet.clock())))
    return _with_trend(outcome, folder)


def _with_trend(outcome: PortalOutcome, folder: PortalFolder) -> PortalOutcome:
    return replace(outcome, trend=trend(folder.read_history()))


def run_fleet(fleet: Fleet, portals: Sequence[FleetPortal]) -> dict[str, Any]:
    """Every portal concurrently, then the summary files; returns the summary document."""
    from funnelkit.report.fleet import fleet_to_html, fleet_to_markdown

    started = time.monotonic()
    fleet.out.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()

    def say(text: str) -> None:
        with lock:  # one line at a time from many threads
            fleet.say(text)

    shared = replace(fleet, say=say)
    workers = max(1, min(MAX_PARALLEL, len(portals)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fleet") as pool:
        outcomes = list(pool.map(lambda p: run_portal(shared, p), portals))
    doc = fleet_document(outcomes, fleet.fail_on, int(fleet.clock()), time.monotonic() - started)
    write_atomic(
        fleet.out / "fleet.json",
        json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
    )
    write_atomic(fleet.out / "fleet.md", fleet_to_markdown(doc, fleet.lang))
    write_atomic(fleet.out / "fleet.html", fleet_to_html(doc, fleet.lang))
    return doc
