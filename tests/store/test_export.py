"""`snapshot export --format parquet-dir`: plain Parquet that DuckDB reads without funnelkit."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.model import Snapshot, Vendor
from funnelkit.store import export_snapshot, load_snapshot, save_snapshot


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    snap = state_to_snapshot(generate(Vendor.AMOCRM, deals=250, seed=3))
    return save_snapshot(snap, tmp_path_factory.mktemp("snap") / "s.snapshot.zip")


def count(folder: Path, table: str) -> int:
    [(found,)] = duckdb.execute(f"select count(*) from '{folder / table}/*.parquet'").fetchall()
    return int(found)


def test_duckdb_reads_the_same_counts(snapshot_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "dataset"
    args = ["snapshot", "export", str(snapshot_file), "--format", "parquet-dir", "-o", str(out)]
    assert run_main(app, args) == 0
    snap = load_snapshot(snapshot_file)
    for table in Snapshot.TABLES:
        assert count(out, table) == len(getattr(snap, table)), table
    assert count(out, "stages") == len(snap.structure.stages)
    # text columns are plain strings, joinable with the structure
    [(joined,)] = duckdb.execute(
        f"select count(*) from '{out}/transitions/*.parquet' t "
        f"join '{out}/stages/*.parquet' s on s.funnel_id = t.funnel_id and s.id = t.to_stage_id"
    ).fetchall()
    assert joined == len(snap.transitions)
    kinds = duckdb.execute(f"select distinct kind from '{out}/transitions/*.parquet'").fetchall()
    assert {k for (k,) in kinds} <= {"created", "moved", "funnel_changed"}
    assert (out / "manifest.json").is_file()


def test_in_memory_snapshot_exports_the_same_rows(snapshot_file: Path, tmp_path: Path) -> None:
    loaded = load_snapshot(snapshot_file)
    held = Snapshot(
        manifest=loaded.manifest,
        structure=loaded.structure,
        **{t: tuple(getattr(loaded, t)) for t in Snapshot.TABLES},  # type: ignore[arg-type]
    )
    a, b = tmp_path / "a", tmp_path / "b"
    export_snapshot(loaded, a)
    export_snapshot(held, b)
    query = "select * from '{}/deals/*.parquet' order by id"
    assert duckdb.execute(query.format(a)).fetchall() == duckdb.execute(query.format(b)).fetchall()


def test_an_existing_folder_is_refused(snapshot_file: Path, tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("mine")
    args = ["snapshot", "export", str(snapshot_file), "-o", str(tmp_path / "taken")]
    assert run_main(app, args) == 2
    assert (tmp_path / "taken" / "x").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]  # no half-written folder
