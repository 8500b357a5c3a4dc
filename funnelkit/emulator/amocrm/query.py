"""PHP-style bracketed query parameters (`filter[statuses][0][status_id]=1`) and paging."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from funnelkit.emulator.amocrm.hal import fail

_PART = re.compile(r"\[([^\]]*)\]")

Node = dict[str, Any] | list[str]


def nest(query: dict[str, list[str]]) -> dict[str, Any]:
    """`a[b][c]=v` → {"a": {"b": {"c": ["v"]}}}; `a[]=v` appends to the list at `a`."""
    root: dict[str, Any] = {}
    for key, values in query.items():
        head, _, rest = key.partition("[")
        parts = [head, *_PART.findall("[" + rest)] if rest else [head]
        if len(parts) > 1 and parts[-1] == "":
            parts = parts[:-1]
        node: dict[str, Any] = root
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {"": child} if isinstance(child, list) else {}
                node[part] = child
            node = child
        existing = node.get(parts[-1])
        if isinstance(existing, dict):
            existing.setdefault("", []).extend(values)
        else:
            node[parts[-1]] = [*(existing or []), *values]
    return root


def leaves(node: Any) -> list[str]:
    """Every scalar under a node; comma lists split (the PHP SDK joins with commas, §7)."""
    if node is None:
        return []
    if isinstance(node, dict):
        out: list[str] = []
        for value in node.values():
            out.extend(leaves(value))
        return out
    out = []
    for value in node:
        out.extend(v for v in str(value).split(",") if v != "")
    return out


def ints(node: Any, name: str) -> set[int] | None:
    """The integer set a filter names, None when absent; junk → 400."""
    values = leaves(node)
    if not values:
        return None
    try:
        return {int(v) for v in values}
    except ValueError:
        raise fail(400, f"Invalid value of {name}") from None


def strs(node: Any) -> set[str] | None:
    """The string set a filter names, None when absent."""
    values = leaves(node)
    return set(values) if values else None


def span(node: Any, name: str) -> tuple[int | None, int | None] | None:
    """A date range: {from,to}, a bare timestamp ("after it", §7), or "from,to" (PHP SDK)."""
    if node is None:
        return None
    try:
        if isinstance(node, dict) and ("from" in node or "to" in node):
            low = leaves(node.get("from"))
            high = leaves(node.get("to"))
            return (int(low[0]) if low else None, int(high[0]) if high else None)
        values = leaves(node)
        if not values:
            return None
        if len(values) >= 2:
            return (int(values[0]), int(values[1]))
        return (int(values[0]), None)
    except ValueError:
        raise fail(400, f"Invalid value of {name}") from None


def within(value: int | None, bounds: tuple[int | None, int | None] | None) -> bool:
    """Whether a timestamp falls in an inclusive range (unverified: both ends inclusive)."""
    if bounds is None:
        return True
    if value is None:
        return False
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


@dataclass(frozen=True, slots=True)
class Paging:
    """`page` (1-based) and `limit` of a list request."""

    page: int
    limit: int

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.limit


def paging(query: dict[str, list[str]], cap: int, default: int = 50) -> Paging:
    """Read page/limit. A limit over the cap is refused with the documented 422 (§2, §3).

    unverified: the docs show the 422 for writes; refusing reads too is the safer
    reading, as a client that relies on silent capping would break on the vendor.
    """
    try:
        page = int((query.get("page") or ["1"])[0] or "1")
        limit = int((query.get("limit") or [str(default)])[0] or str(default))
    except ValueError:
        raise fail(400, "Invalid page or limit") from None
    if limit > cap:
        raise fail(422, f"Limit {cap} per page")
    if page < 1 or limit < 1:
        raise fail(400, "Invalid page or limit")
    return Paging(page, limit)


def flat_params(query: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The request's parameters as ordered pairs, for `_links`."""
    return [(key, value) for key, values in query.items() for value in values]
