"""Hostile snapshot files: members bounded by kind, sizes and checksums held to the manifest."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from funnelkit.model import Deal, Funnel, Manifest, Portal, Snapshot, Stage, Structure, Vendor
from funnelkit.store import load_snapshot, save_snapshot
from funnelkit.store.limits import CAPS, MEMBERS_KEY, MiB

BOMB = 1536 * MiB  # 1.5 GiB of structure.json
RSS_LIMIT_MB = 900
# Runs the CLI and reports its own peak RSS (kB on Linux) on the last stderr line.
MEASURED = (
    "import resource, sys\n"
    "from funnelkit.cli import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def genuine(path: Path) -> Path:
    structure = Structure(
        portal=Portal(vendor=Vendor.BITRIX24, domain="acme.bitrix24.ru"),
        funnels=(Funnel(id="0", name="Sales"),),
        stages=(Stage(funnel_id="0", id="NEW", name="New", sort=10),),
    )
    deals = tuple(
        Deal(id=str(i), funnel_id="0", stage_id="NEW", created_at=1_700_000_000 + i)
        for i in range(1, 40)
    )
    manifest = Manifest(vendor=Vendor.BITRIX24, domain="acme.bitrix24.ru", pulled_at=1_700_100_000)
    return save_snapshot(Snapshot(manifest=manifest, structure=structure, deals=deals), path)


def rebuild(source: Path, target: Path, replace: dict[str, bytes], *, keep_list: bool) -> None:
    """A copy of `source` with some members replaced; the manifest's member list kept or cut."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = replace.get(name, old.read(name))
            if name == "manifest.json" and not keep_list:
                manifest = json.loads(data)
                manifest.pop(MEMBERS_KEY, None)
                data = json.dumps(manifest).encode()
            new.writestr(name, data)


def audit(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from tests.reliability.live import cli

    code, _, err = cli(["audit", "--snapshot", str(snapshot)], capsys)
    return code, err


def test_genuine_snapshot_lists_and_passes_its_members(tmp_path: Path) -> None:
    path = genuine(tmp_path / "a.snapshot.zip")
    with zipfile.ZipFile(path) as archive:
        listed = json.loads(archive.read("manifest.json"))[MEMBERS_KEY]
        assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    assert len(load_snapshot(path).deals) == 39


def test_zip_bomb_in_structure_is_exit_2_with_bounded_memory(tmp_path: Path) -> None:
    source = genuine(tmp_path / "a.snapshot.zip")
    bomb = tmp_path / "bomb.snapshot.zip"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            if name != "structure.json":
                new.writestr(name, old.read(name))
        # Deflated, 1.5 GiB of spaces is a ~1.5 MB member; its declared size is honest here
        # (the lying kind is the next test).
        with new.open("structure.json", "w", force_zip64=True) as out:
            out.write(b'{"portal": ')
            chunk = b" " * (16 * MiB)
            for _ in range(BOMB // len(chunk)):
                out.write(chunk)
    assert bomb.stat().st_size < 2 * MiB
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "audit", "--snapshot", str(bomb)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    *lines, peak_kb = done.stderr.strip().splitlines()
    message = "\n".join(lines)
    assert done.returncode == 2, done.stderr
    assert "structure.json" in message and "cap" in message, message
    assert "Traceback" not in message
    assert int(peak_kb) / 1024 < RSS_LIMIT_MB, f"peak RSS {int(peak_kb) / 1024:.0f} MB"


def test_declared_size_that_lies_is_refused_without_inflating_past_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = genuine(tmp_path / "a.snapshot.zip")
    real = 8 * MiB
    liar = tmp_path / "liar.snapshot.zip"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest.pop(MEMBERS_KEY)
                data = json.dumps(manifest).encode()
            new.writestr(name, b" " * real if name == "structure.json" else data)
    raw = liar.read_bytes()
    assert raw.count(struct.pack("<I", real)) == 2  # the local header and the central directory
    liar.write_bytes(raw.replace(struct.pack("<I", real), struct.pack("<I", 100)))
    with zipfile.ZipFile(liar) as archive:
        assert archive.getinfo("structure.json").file_size == 100
    code, err = audit(liar, capsys)
    assert code == 2, err
    assert "structure.json" in err and "Traceback" not in err


@pytest.mark.parametrize("case", ["checksum", "size", "missing", "unlisted"])
def test_members_that_disagree_with_the_manifest_are_refused(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = genuine(tmp_path / "a.snapshot.zip")
    with zipfile.ZipFile(source) as archive:
        structure = archive.read("structure.json")
        manifest = json.loads(archive.read("manifest.json"))
    if case == "checksum":  # same length, other content
        changed = {"structure.json": structure.replace(b"Sales", b"Sa1es")}
    elif case == "size":
        changed = {"structure.json": structure + b" "}
    elif case == "missing":
        manifest[MEMBERS_KEY]["tables/ghost.parquet"] = {"size": 1, "sha256": "0" * 64}
        changed = {"manifest.json": json.dumps(manifest).encode()}
    else:
        del manifest[MEMBERS_KEY]["structure.json"]
        changed = {"manifest.json": json.dumps(manifest).encode()}
    target = tmp_path / "bad.snapshot.zip"
    rebuild(source, target, changed, keep_list=True)
    code, err = audit(target, capsys)
    assert code == 2, err
    assert "Traceback" not in err
    assert ("ghost" if case == "missing" else "structure.json") in err, err


def test_deeply_nested_json_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = genuine(tmp_path / "a.snapshot.zip")
    target = tmp_path / "deep.snapshot.zip"
    rebuild(source, target, {"structure.json": b"[" * 200_000}, keep_list=False)
    code, err = audit(target, capsys)
    assert code == 2, err
    assert "structure.json" in err and "Traceback" not in err


def test_caps_leave_room_for_a_million_deals() -> None:
    # README (Snapshots): a 1M-deal, 5M-history snapshot is 22 MB in all.
    assert CAPS["table"] >= 100 * 22 * MiB
    assert CAPS["structure"] < RSS_LIMIT_MB * MiB / 8


def test_gzip_json_bomb_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import gzip

    from funnelkit.store.limits import JSON_SNAPSHOT_CAP

    bomb = tmp_path / "bomb.json.gz"
    with gzip.open(bomb, "wb") as out:
        out.write(b'{"manifest": ')
        chunk = b" " * (16 * MiB)
        for _ in range(JSON_SNAPSHOT_CAP // len(chunk) + 1):
            out.write(chunk)
    code, err = audit(bomb, capsys)
    assert code == 2, err
    assert "cap" in err and "Traceback" not in err


def test_deeply_nested_plain_json_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 200_000)
    code, err = audit(deep, capsys)
    assert code == 2, err
    assert "Traceback" not in err
