"""Bounds on what reading a packed snapshot may cost, checked while it is read.

A snapshot is input like any other: a 1.6 MB zip can inflate to gigabytes, and the sizes a
zip declares can lie. Each member kind has a cap on its uncompressed size (interface.md,
Files: readers bound each member by kind and refuse what exceeds it, exit 2), the whole
snapshot has one too, and members are inflated in chunks that stop at the cap, so the
bytes held never exceed what was allowed. The manifest lists every member with its size and
SHA-256 (`members`); a member that disagrees with it is refused.

Caps (uncompressed bytes):
    manifest.json        4 MiB     provenance and counts only
    structure.json      64 MiB     portal, users, funnels, stages, fields (100k users ≈ 30 MiB)
    extras.json         64 MiB     connector extras
    tables/*.parquet     4 GiB     each; zstd Parquet, a 1M-deal table is tens of MB;
                         decoded (Parquet metadata) at most 8 GiB
    all members         16 GiB
    a plain .json / .json.gz snapshot, inflated: 256 MiB
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from funnelkit.errors import SnapshotError

MiB = 1024 * 1024
GiB = 1024 * MiB
CAPS: dict[str, int] = {
    "manifest": 4 * MiB,
    "structure": 64 * MiB,
    "extras": 64 * MiB,
    "table": 4 * GiB,
}
TOTAL_CAP = 16 * GiB
DECODED_TABLE_CAP = 8 * GiB  # a table's row groups as Parquet's metadata sizes them
CHUNK = 1 * MiB
MEMBERS_KEY = "members"  # manifest.json: {member name: {"size": int, "sha256": hex}}


def kind_of(name: str) -> str | None:
    """The cap kind of a member name, or None for a member funnelkit does not read."""
    if name.startswith("tables/") and name.endswith(".parquet"):
        return "table"
    stem = name.removesuffix(".json")
    return stem if stem != name and stem in CAPS else None


def describe(data: bytes) -> dict[str, Any]:
    """The manifest entry of one member as written."""
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _size(value: int) -> str:
    return f"{value / GiB:.1f} GiB" if value >= GiB else f"{value / MiB:.1f} MiB"


class Reader:
    """Reads the members of one open zip within the caps, keeping a running total."""

    def __init__(self, archive: zipfile.ZipFile, source: object) -> None:
        self.archive = archive
        self.source = source
        self.total = 0
        self.expected: Mapping[str, Any] | None = None

    def _refuse(self, name: str, problem: str) -> SnapshotError:
        return SnapshotError(
            f"{self.source}: {name}: {problem}",
            hint="the file is damaged, or not a snapshot funnelkit wrote; pull the portal again",
        )

    def expect(self, manifest: Any) -> None:
        """Take (and remove) the manifest's member list; refuse a malformed one."""
        if not isinstance(manifest, dict) or MEMBERS_KEY not in manifest:
            return  # written before member lists: sizes are still capped, nothing to compare
        listed = manifest.pop(MEMBERS_KEY)
        ok = isinstance(listed, dict) and all(
            isinstance(v, dict)
            and isinstance(v.get("size"), int)
            and isinstance(v.get("sha256"), str)
            for v in listed.values()
        )
        if not ok:
            raise self._refuse("manifest.json", "the member list is malformed")
        names = set(self.archive.namelist())
        missing = sorted(set(listed) - names)
        if missing:
            raise self._refuse(missing[0], "listed in the manifest but not in the file")
        self.expected = listed

    def read(self, name: str) -> bytes:
        """One member's bytes, inflated in chunks and refused past its cap or its listing."""
        kind = kind_of(name)
        if kind is None:
            raise self._refuse(name, "not a snapshot member")
        cap = min(CAPS[kind], TOTAL_CAP - self.total)
        info = self.archive.getinfo(name)
        listed = None
        if self.expected is not None and kind != "manifest":
            listed = self.expected.get(name)
            if listed is None:
                raise self._refuse(name, "not listed in the manifest")
        declared = info.file_size
        if declared > cap:
            raise self._refuse(
                name, f"{_size(declared)} uncompressed exceeds the {kind} cap of {_size(cap)}"
            )
        if listed is not None and listed["size"] != declared:
            raise self._refuse(
                name, f"the zip says {declared} bytes, the manifest {listed['size']}"
            )
        data = self._inflate(name, min(cap, declared))
        if listed is not None and hashlib.sha256(data).hexdigest() != listed["sha256"]:
            raise self._refuse(name, "checksum does not match the manifest")
        self.total += len(data)
        return data

    def _inflate(self, name: str, limit: int) -> bytes:
        """At most `limit` bytes; one more means the zip's declared size lied."""
        parts: list[bytes] = []
        got = 0
        try:
            with self.archive.open(name) as stream:
                while True:
                    piece = stream.read(min(CHUNK, limit + 1 - got))
                    if not piece:
                        break
                    got += len(piece)
                    if got > limit:
                        raise self._refuse(name, f"inflates past its declared {_size(limit)}")
                    parts.append(piece)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
            # A CRC or length mismatch (the declared size lied), encryption, an unknown method.
            raise self._refuse(name, f"cannot be inflated ({exc})") from None
        return b"".join(parts)

    def table(self, name: str) -> bytes:
        """One Parquet member, its decoded size (from its own metadata) held to the table cap:
        a small file of highly compressible pages could otherwise decode to gigabytes."""
        data = self.read(name)
        try:
            meta = pq.ParquetFile(io.BytesIO(data)).metadata
            decoded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise self._refuse(name, f"not a Parquet table ({type(exc).__name__})") from None
        if decoded > DECODED_TABLE_CAP:
            raise self._refuse(
                name, f"decodes to {_size(decoded)}, past the cap of {_size(DECODED_TABLE_CAP)}"
            )
        return data

    def json(self, name: str) -> Any:
        """One JSON member, parsed; nesting too deep for the parser is refused, not raised."""
        data = self.read(name)
        try:
            return json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise self._refuse(name, f"corrupt JSON ({type(exc).__name__})") from None


JSON_SNAPSHOT_CAP = 256 * MiB  # plain `.json` / `.json.gz` snapshots: small or hand-written


def read_json_snapshot(path: Path) -> bytes:
    """A plain JSON snapshot's bytes, inflated (for `.gz`) in chunks up to JSON_SNAPSHOT_CAP."""
    cap = JSON_SNAPSHOT_CAP
    if path.stat().st_size > cap:
        raise SnapshotError(
            f"{path}: {_size(path.stat().st_size)} exceeds the JSON snapshot cap of {_size(cap)}",
            hint="write big snapshots in the packed format (.snapshot.zip)",
        )
    if path.suffix != ".gz":
        return path.read_bytes()
    parts: list[bytes] = []
    got = 0
    try:
        with gzip.open(path, "rb") as stream:
            while piece := stream.read(CHUNK):
                got += len(piece)
                if got > cap:
                    raise SnapshotError(
                        f"{path}: inflates past the JSON snapshot cap of {_size(cap)}",
                        hint="write big snapshots in the packed format (.snapshot.zip)",
                    )
                parts.append(piece)
    except (OSError, EOFError, zlib.error) as exc:
        raise SnapshotError(f"{path}: truncated or not gzip ({exc})") from None
    return b"".join(parts)
