"""A server answering the wrong shape fails the pull (exit 3, the method named), never an
empty snapshot: interface.md's retry table bounds how long that takes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from funnelkit.model import Vendor
from tests.reliability.hostile_server import Spoil, hostile
from tests.reliability.live import NAME, cli, live_portal

JSON = "application/json"


def _always(path_end: str, status: int, kind: str, body: bytes) -> Spoil:
    return lambda path, _: (status, kind, body) if path.endswith(path_end) else None


def _truncated(path_end: str) -> Spoil:
    return lambda path, body: (
        (200, JSON, body[: len(body) // 2]) if path.endswith(path_end) else None
    )


def _edit(path_end: str, change: Any) -> Spoil:
    def spoil(path: str, body: bytes) -> tuple[int, str, bytes] | None:
        if not path.endswith(path_end):
            return None
        payload = json.loads(body)
        changed = change(payload)
        return None if changed is None else (200, JSON, json.dumps(changed).encode())

    return spoil


def _drop_command(payload: Any) -> Any:
    """A batch answer with its last command gone from `result` (no error in its place)."""
    inner = payload["result"]["result"]
    if isinstance(inner, dict) and len(inner) > 1:
        inner.pop(list(inner)[-1])
        return payload
    if isinstance(inner, list) and len(inner) > 1:
        inner.pop()
        return payload
    return None


def _rename_items(payload: Any) -> Any:
    """Pages of crm.item.list with their rows under a key the method does not use."""
    inner = payload["result"]["result"]
    pages = inner.values() if isinstance(inner, dict) else inner
    hit = False
    for page in pages:
        if isinstance(page, dict) and "items" in page:
            page["rows"] = page.pop("items")
            hit = True
    return payload if hit else None


B24: dict[str, tuple[Spoil, str]] = {
    "list": (_always("/batch", 200, JSON, b"[1, 2, 3]"), "batch"),
    "wrong-keys": (_always("/batch", 200, JSON, b'{"result": "x"}'), "batch"),
    "page-wrong-keys": (_edit("/batch", _rename_items), "crm.item.list"),
    "missing-command": (_edit("/batch", _drop_command), "missing from the answer"),
    "html-200": (_always("/batch", 200, "text/html", b"<html><body>Login</body></html>"), "batch"),
    "truncated": (_truncated("/batch"), "batch"),
}
LEADS = "/api/v4/leads"
AMO: dict[str, tuple[Spoil, str]] = {
    "list": (_always(LEADS, 200, JSON, b"[1, 2, 3]"), LEADS),
    "wrong-keys": (_always(LEADS, 200, JSON, b'{"_embedded": []}'), LEADS),
    "pipelines-wrong-keys": (
        _always(f"{LEADS}/pipelines", 200, JSON, b'{"result": "x"}'),
        f"{LEADS}/pipelines",
    ),
    "rows-without-id": (
        _always(LEADS, 200, JSON, b'{"_embedded": {"leads": [{"name": "x"}]}}'),
        LEADS,
    ),
    "html-200": (_always(LEADS, 200, "text/html", b"<!doctype html><p>Maintenance</p>"), LEADS),
    "truncated": (_truncated(LEADS), LEADS),
}
CASES = [(Vendor.BITRIX24, k, *v) for k, v in B24.items()] + [
    (Vendor.AMOCRM, k, *v) for k, v in AMO.items()
]


@pytest.mark.parametrize(
    ("vendor", "case", "spoil", "named"), CASES, ids=[f"{c[0].value}-{c[1]}" for c in CASES]
)
def test_wrong_shape_is_exit_3_naming_the_method_and_no_snapshot(
    vendor: Vendor,
    case: str,
    spoil: Spoil,
    named: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with (
        live_portal("wrong-shape", vendor, tmp_path, monkeypatch) as running,
        hostile(running.url, spoil) as url,
    ):
        config = (tmp_path / "funnelkit.yaml").read_text(encoding="utf-8")
        (tmp_path / "funnelkit.yaml").write_text(config.replace(running.url, url), "utf-8")
        for key, value in running.env(NAME).items():
            monkeypatch.setenv(key, value.replace(running.url, url))
        began = time.monotonic()
        code, _, err = cli(["-q", "pull", "--portal", NAME, "-o", "out.snapshot.zip"], capsys)
        took = time.monotonic() - began
    assert code == 3, err
    assert took < 30, f"{case}: exit after {took:.1f} s"
    assert named in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "out.snapshot.zip").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["funnelkit.yaml"]
