"""A packed snapshot read as columns audits and measures exactly like the same rows held
as objects, and builds row objects only when something reads them."""

from __future__ import annotations

from pathlib import Path

from funnelkit.audit import result_to_dict, run_audit
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.index.history import history_index
from funnelkit.metrics import compute_metrics
from funnelkit.model import StageTransition, Vendor
from funnelkit.model.lazy import LazyRows
from funnelkit.store import load_snapshot, save_snapshot


def test_columns_and_objects_give_the_same_audit_and_metrics(tmp_path: Path) -> None:
    held = state_to_snapshot(generate(Vendor.AMOCRM, deals=400, seed=7))
    loaded = load_snapshot(save_snapshot(held, tmp_path / "s.snapshot.zip"))
    assert isinstance(loaded.transitions, LazyRows)
    a, b = run_audit(held), run_audit(loaded)
    assert result_to_dict(a) == result_to_dict(b)
    assert compute_metrics(held, a.now) == compute_metrics(loaded, b.now)


def artefact(t: StageTransition) -> bool:
    """A from-stage = to-stage row (cli-conventions.md §14.1), which the index leaves out."""
    return t.from_stage_id == t.to_stage_id and (t.from_funnel_id or t.funnel_id) == t.funnel_id


def test_history_is_not_built_as_objects_and_is_shared(tmp_path: Path) -> None:
    held = state_to_snapshot(generate(Vendor.BITRIX24, deals=200, seed=2))
    loaded = load_snapshot(save_snapshot(held, tmp_path / "s.snapshot.zip"))
    rows = loaded.transitions
    assert isinstance(rows, LazyRows)
    index = history_index(loaded)
    compute_metrics(loaded, loaded.manifest.pulled_at)
    assert history_index(loaded) is index  # one index for the rules and the metrics
    assert not rows.materialised
    deal = next(d for d in loaded.deals if index.of(d.id))
    want = sorted((t for t in held.transitions if t.deal_id == deal.id), key=lambda t: t.at)
    assert [t.id for t in index.of(deal.id)] == [t.id for t in want if not artefact(t)]
    assert not rows.materialised
    assert list(rows) == list(held.transitions) and rows.materialised


def test_an_unknown_enum_value_is_a_snapshot_error(tmp_path: Path) -> None:
    import io
    import json
    import zipfile

    import pyarrow as pa
    import pyarrow.parquet as pq
    import pytest

    from funnelkit.errors import SnapshotError

    held = state_to_snapshot(generate(Vendor.AMOCRM, deals=20, seed=1))
    path = save_snapshot(held, tmp_path / "s.snapshot.zip")
    broken = tmp_path / "broken.snapshot.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "tables/transitions.parquet":
                table = pq.read_table(io.BytesIO(data))
                kinds = pa.array(["teleported"] * table.num_rows)
                table = table.set_column(table.column_names.index("kind"), "kind", kinds)
                out = io.BytesIO()
                pq.write_table(table, out)
                data = out.getvalue()
            if name == "manifest.json":  # a manifest without a member list: caps only
                manifest = json.loads(data)
                manifest.pop("members", None)
                data = json.dumps(manifest).encode()
            dst.writestr(name, data)
    with pytest.raises(SnapshotError, match="teleported"):
        load_snapshot(broken)
