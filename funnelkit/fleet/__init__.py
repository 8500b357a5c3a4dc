"""Fleet audits: pull and audit every portal of a config at once, and sum them up.

    runner.py   threads, one per portal: pull on from the last snapshot, audit, write reports
    layout.py   the output folder: DIR/<portal>/ (snapshots, reports, history), DIR/fleet.*
    summary.py  pure: a portal's outcome, change since its last run, trend, the fleet summary
    measure.py  the score and money at stake of one audit (report/score.py)
    progress.py per-portal progress lines on stderr

The summary renders in report/fleet.py; the command is cli/fleet.py.
"""

from __future__ import annotations

from funnelkit.fleet.runner import Fleet, FleetPortal, run_fleet
from funnelkit.fleet.summary import FLEET_SCHEMA, PortalOutcome, fleet_exit_code

__all__ = ["FLEET_SCHEMA", "Fleet", "FleetPortal", "PortalOutcome", "fleet_exit_code", "run_fleet"]
