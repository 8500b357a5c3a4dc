"""Request parameters: PHP-style bracket query strings and JSON bodies into one nested dict."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from funnelkit.emulator.bitrix24.envelope import B24Error

_KEY = re.compile(r"^([^\[]*)((?:\[[^\]]*\])*)")


def _segments(key: str) -> list[str]:
    """`filter[>ID]` -> ["filter", ">ID"]; `select[]` -> ["select", ""]."""
    match = _KEY.match(key)
    if match is None:  # pragma: no cover - the pattern always matches
        return [key]
    head, rest = match.group(1), match.group(2)
    parts = [head]
    parts.extend(re.findall(r"\[([^\]]*)\]", rest))
    return parts


def _assign(target: dict[str, Any], parts: list[str], value: str) -> None:
    node: Any = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            # `select[]=A` appends; an explicit index `select[0]` behaves the same in order.
            if last:
                node.append(value)
                return
            child: Any = [] if parts[i + 1] == "" else {}
            node.append(child)
            node = child
            continue
        if part == "":
            part = str(len(node))
        if last:
            node[part] = value
            return
        nxt = parts[i + 1]
        if part not in node or not isinstance(node[part], dict | list):
            node[part] = [] if nxt == "" else {}
        node = node[part]


def parse_form(text: str) -> dict[str, Any]:
    """Decode `a[b]=1&c[]=2&c[]=3` as PHP does (trailing `&` and blank keys ignored)."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        if not key:
            continue
        _assign(out, _segments(key), value)
    result: dict[str, Any] = _listify(out)
    return result


def _listify(value: Any) -> Any:
    """Dicts keyed 0..n-1 (from `select[0]=..`) become lists, as PHP arrays are."""
    if isinstance(value, dict):
        fixed = {k: _listify(v) for k, v in value.items()}
        if fixed and list(fixed) == [str(i) for i in range(len(fixed))]:
            return list(fixed.values())
        return fixed
    if isinstance(value, list):
        return [_listify(v) for v in value]
    return value


def merge_params(query: str, body: bytes, content_type: str | None) -> dict[str, Any]:
    """Query-string parameters overlaid with the body's (JSON or form-encoded)."""
    params = parse_form(query) if query else {}
    if not body:
        return params
    kind = (content_type or "").split(";")[0].strip().lower()
    text = body.decode("utf-8", errors="replace")
    if kind == "application/json" or (not kind and text.lstrip()[:1] in "{["):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise B24Error("INVALID_REQUEST", "Invalid JSON body", 400) from exc
        if isinstance(data, dict):
            params.update(data)
        return params
    params.update(parse_form(text))
    return params


def pick(params: dict[str, Any], name: str, default: Any = None) -> Any:
    """A top-level parameter, case-insensitively (bitrix24.md §7.1: `FILTER` or `filter`)."""
    if name in params:
        return params[name]
    lowered = name.lower()
    for key, value in params.items():
        if key.lower() == lowered:
            return value
    return default


def as_int(value: Any, default: int | None = None) -> int | None:
    """An integer from a JSON number or a form string; None when it is not one."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(float(str(value)))
    except ValueError:
        return default
