"""The DuckDB yardstick computes the very time-in-stage table funnelkit's metrics show."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench.audit_e2e import TIME_IN_STAGE
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.metrics import compute_metrics
from funnelkit.model import Vendor
from funnelkit.store import export_snapshot, load_snapshot, save_snapshot


def test_duckdb_time_in_stage_equals_funnelkit_metrics(tmp_path: Path) -> None:
    held = state_to_snapshot(generate(Vendor.AMOCRM, deals=600, seed=9))
    snap = load_snapshot(save_snapshot(held, tmp_path / "s.snapshot.zip"))
    export_snapshot(snap, tmp_path / "dataset")
    query = TIME_IN_STAGE.format(dir=tmp_path / "dataset")
    theirs = {(f, s): (n, m, p) for f, s, n, m, p in duckdb.execute(query).fetchall()}
    metrics = compute_metrics(snap, snap.manifest.pulled_at)
    mine = {
        (f.funnel_id, s.stage_id): (s.latest_days.n, s.latest_days.median, s.latest_days.p90)
        for f in metrics.funnels
        for s in f.stages
        if s.latest_days.n
    }
    assert mine and set(mine) == set(theirs)
    for key, (n, median, p90) in mine.items():
        got_n, got_median, got_p90 = theirs[key]
        assert (got_n, round(got_median, 2), round(got_p90, 2)) == (n, median, p90), key
