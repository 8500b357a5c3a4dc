"""List filters and ordering: `>ID`, `@ID`, `!=NAME`, `%TITLE`, `logic: OR` (bitrix24.md §7.1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.emulator.bitrix24.envelope import B24Error
from funnelkit.emulator.bitrix24.fields import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    LIST,
    YN,
    Field,
    Schema,
    coerce,
)

# Longest prefixes first so `!=%` is not read as `!=` + `%`.
_OPS = ("!=%", "!%=", "!%", "!@", "!=", "=%", "%=", ">=", "<=", ">", "<", "@", "=", "!", "%")
_NUMERIC = (INT, FLOAT, DATE)

Pred = Callable[[Any], bool]


@dataclass
class Compiled:
    """A filter split into what an index can answer (id range, one partition) and the rest."""

    low: int | None = None  # inclusive lower bound on ID
    high: int | None = None  # inclusive upper bound on ID
    partition: tuple[str, Any] | None = None  # (field upper name, coerced value)
    preds: list[Pred] = field(default_factory=list)

    def match(self, row: Any) -> bool:
        """Whether a row passes every residual condition."""
        return all(p(row) for p in self.preds)


def split_key(key: str) -> tuple[str, str]:
    """`>=DATE_MODIFY` -> (">=", "DATE_MODIFY")."""
    for op in _OPS:
        if key.startswith(op):
            return op, key[len(op) :]
    return "=", key


def _like(pattern: str, explicit: bool) -> re.Pattern[str]:
    if not explicit:
        return re.compile(re.escape(pattern), re.IGNORECASE)
    parts = [re.escape(p) for p in pattern.split("%")]
    return re.compile("^" + ".*".join(parts) + "$", re.IGNORECASE | re.DOTALL)


def _values(f: Field, raw: Any) -> list[Any]:
    items = raw if isinstance(raw, list) else [raw]
    return [coerce(f.kind, v) for v in items]


def _condition(f: Field, op: str, raw: Any) -> Pred:
    get = f.get
    base = op.lstrip("!") or "="
    negate = op.startswith("!")
    if base in ("%", "=%", "%="):
        rx = _like(str(raw), explicit=base != "%")
        return lambda r: (rx.search(str(get(r) or "")) is not None) != negate
    if base in (">", ">=", "<", "<="):
        target = coerce(f.kind, raw)
        if target is None:
            return lambda r: False

        def compare(r: Any) -> bool:
            v = get(r)
            if v is None:
                return False
            if base == ">":
                return bool(v > target)
            if base == ">=":
                return bool(v >= target)
            return bool(v < target) if base == "<" else bool(v <= target)

        return compare
    wanted = set(_values(f, raw))
    if f.kind == LIST:
        return lambda r: bool(wanted & {str(x) for x in get(r) or ()}) != negate
    if f.kind in (YN, BOOL):
        # `filter[CLOSED]=N`: the wire says Y/N, a row holds a bool or "Y"/"N" — compare
        # both as booleans (bitrix24.md §3, list filters), never as text.
        return lambda r: (coerce(f.kind, get(r)) in wanted) != negate
    if f.kind not in _NUMERIC:
        # An empty string matches an empty field: `!=NAME: ""` means "has a name".
        def text_eq(r: Any) -> bool:
            v = get(r)
            return (("" if v is None else str(v)) in wanted) != negate

        return text_eq
    return lambda r: (get(r) in wanted) != negate


def compile_filter(raw: Any, schema: Schema, strict: bool, partitions: tuple[str, ...]) -> Compiled:
    """Compile a filter; unknown fields raise (`strict`, crm.item.*) or are skipped (legacy)."""
    out = Compiled()
    if raw in (None, "", []):
        return out
    if not isinstance(raw, dict):
        raise B24Error("", "Parameter 'filter' must be array.", 400)
    for key, value in raw.items():
        if isinstance(value, dict) and (key.isdigit() or key == ""):
            out.preds.append(_group(value, schema, strict))
            continue
        if key.upper() == "LOGIC":
            continue
        op, name = split_key(key)
        f = schema.find(name)
        if f is None:
            if strict:
                msg = f"Invalid filter: field '{name}' is not allowed in filter"
                raise B24Error("INVALID_ARG_VALUE", msg, 400)
            continue  # legacy lists skip unknown fields (unverified; safer than failing)
        if not _use_index(out, f, op, value, partitions):
            out.preds.append(_condition(f, op, value))
    return out


def _narrow(out: Compiled, low: int | None, high: int | None) -> None:
    if low is not None:
        out.low = low if out.low is None else max(out.low, low)
    if high is not None:
        out.high = high if out.high is None else min(out.high, high)


def _use_index(out: Compiled, f: Field, op: str, value: Any, partitions: tuple[str, ...]) -> bool:
    if f.upper == "ID" and op in ("=", "@"):
        # `ID: 5` / `@ID: [..]` look-ups: bound the id range, keep the exact test as a predicate.
        wanted = [v for v in _values(f, value) if v is not None]
        if wanted:
            _narrow(out, min(wanted), max(wanted))
        return False
    if f.upper == "ID" and op in (">", ">=", "<", "<=") and not isinstance(value, list):
        bound = coerce(INT, value)
        if bound is None:
            return False
        if op in (">", ">="):
            low = bound + 1 if op == ">" else bound
            out.low = low if out.low is None else max(out.low, low)
        else:
            high = bound - 1 if op == "<" else bound
            out.high = high if out.high is None else min(out.high, high)
        return True
    if (
        f.upper in partitions
        and op == "="
        and out.partition is None
        and not isinstance(value, list)
    ):
        out.partition = (f.upper, coerce(f.kind, value))
        return True
    return False


def _group(raw: dict[str, Any], schema: Schema, strict: bool) -> Pred:
    """A nested sub-filter; `logic: OR` joins its members with OR (crm.item.list)."""
    logic = str(next((v for k, v in raw.items() if k.upper() == "LOGIC"), "AND")).upper()
    members: list[Pred] = []
    for key, value in raw.items():
        if key.upper() == "LOGIC":
            continue
        if isinstance(value, dict):
            members.append(_group(value, schema, strict))
            continue
        sub = compile_filter({key: value}, schema, strict, ())
        members.extend(sub.preds)
    if logic == "OR":
        return lambda r: any(m(r) for m in members)
    return lambda r: all(m(r) for m in members)


def compile_order(raw: Any, schema: Schema, strict: bool) -> list[tuple[Field, bool]]:
    """`{"ID": "ASC"}` -> [(field, descending)]; unknown fields raise or are skipped."""
    if raw in (None, "", []):
        return []
    if not isinstance(raw, dict):
        raise B24Error("", "Parameter 'order' must be array.", 400)
    keys: list[tuple[Field, bool]] = []
    for name, direction in raw.items():
        f = schema.find(str(name))
        if f is None:
            if strict:
                msg = f"Invalid order: field '{name}' is not allowed in order"
                raise B24Error("INVALID_ARG_VALUE", msg, 400)
            continue
        way = str(direction).upper()
        if strict and way not in ("ASC", "DESC"):
            msg = (
                "Invalid order: allowed sort directions are ASC, DESC. "
                f"But got '{direction}' for field '{name}'"
            )
            raise B24Error("INVALID_ARG_VALUE", msg, 400)
        keys.append((f, way == "DESC"))
    return keys
