"""Snapshots on disk: round trips in both encodings, atomic writes, refusals."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funnelkit.errors import SnapshotError
from funnelkit.model import (
    Activity,
    ActivityKind,
    DataSet,
    DataState,
    DataStatus,
    Deal,
    EntityKind,
    Funnel,
    Manifest,
    Portal,
    Snapshot,
    Stage,
    StageTransition,
    Structure,
    TransitionKind,
    Vendor,
)
from funnelkit.store import load_snapshot, save_snapshot


def sample() -> Snapshot:
    manifest = Manifest(
        vendor=Vendor.AMOCRM,
        domain="acme.kommo.com",
        pulled_at=1_700_000_000,
        data={DataSet.DEADLINE_HISTORY: DataStatus(state=DataState.UNAVAILABLE, reason="x")},
    )
    structure = Structure(
        portal=Portal(vendor=Vendor.AMOCRM, domain="acme.kommo.com", currency="RUB"),
        funnels=(Funnel(id="10", name="Продажі"),),
        stages=(Stage(funnel_id="10", id="142", name="Успішно", sort=10000),),
    )
    deals = (
        Deal(id="1", funnel_id="10", stage_id="142", created_at=5, contact_ids=("7", "8")),
        Deal(
            id="2",
            funnel_id="10",
            stage_id="142",
            created_at=6,
            entity=EntityKind.LEAD,
            amount=None,
            tags=("vip",),
            title='<script>"x"</script>',
        ),
    )
    transitions = (
        StageTransition(
            id="100",
            deal_id="1",
            funnel_id="10",
            to_stage_id="142",
            at=9,
            from_stage_id="1",
            by="3",
            kind=TransitionKind.MOVED,
        ),
    )
    activities = (Activity(id="T1", kind=ActivityKind.TASK, created_at=1, deadline=2, done=True),)
    return Snapshot(
        manifest=manifest,
        structure=structure,
        deals=deals,
        transitions=transitions,
        activities=activities,
    )


@pytest.mark.parametrize("name", ["s.snapshot.zip", "s.json", "s.json.gz"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    original = sample()
    path = save_snapshot(original, tmp_path / name)
    loaded = load_snapshot(path)
    assert loaded.deals == original.deals
    assert loaded.transitions == original.transitions
    assert loaded.activities == original.activities
    assert loaded.structure == original.structure
    assert loaded.manifest.counts["deals"] == 2
    assert loaded.manifest.status(DataSet.DEADLINE_HISTORY).state is DataState.UNAVAILABLE
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


def test_shared_ids_are_interned(tmp_path: Path) -> None:
    loaded = load_snapshot(save_snapshot(sample(), tmp_path / "s.zip"))
    assert loaded.transitions[0].deal_id is loaded.deals[0].id


def test_future_schema_is_refused(tmp_path: Path) -> None:
    path = save_snapshot(sample(), tmp_path / "s.json")
    document = json.loads(path.read_text())
    document["manifest"]["schema"] = "funnelkit.snapshot/9"
    path.write_text(json.dumps(document))
    with pytest.raises(SnapshotError, match="not supported") as info:
        load_snapshot(path)
    assert info.value.hint and "upgrade" in info.value.hint


def test_truncated_packed_file(tmp_path: Path) -> None:
    path = save_snapshot(sample(), tmp_path / "s.zip")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(SnapshotError, match=r"s\.zip"):
        load_snapshot(path)


def test_wrong_row_types_are_named(tmp_path: Path) -> None:
    path = save_snapshot(sample(), tmp_path / "s.json")
    document = json.loads(path.read_text())
    document["tables"]["deals"][0]["created_at"] = "yesterday"
    path.write_text(json.dumps(document))
    with pytest.raises(SnapshotError, match=r"tables\.deals\.0\.created_at"):
        load_snapshot(path)


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = save_snapshot(sample(), tmp_path / "s.zip")
    before = path.read_bytes()
    broken = Snapshot(
        manifest=sample().manifest,
        structure=sample().structure,
        deals=("not a deal",),  # type: ignore[arg-type]
    )
    with pytest.raises(AttributeError):
        save_snapshot(broken, path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_junk_never_crashes(tmp_path_factory: pytest.TempPathFactory, junk: bytes) -> None:
    folder = tmp_path_factory.mktemp("junk")
    for name in ("j.zip", "j.json"):
        path = folder / name
        path.write_bytes(junk)
        with pytest.raises(SnapshotError):
            load_snapshot(path)


def test_zip_without_manifest(tmp_path: Path) -> None:
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(SnapshotError, match="not a funnelkit snapshot"):
        load_snapshot(path)
