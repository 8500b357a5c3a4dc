"""Field schemas: one definition per vendor field gives filtering, ordering and rendering.

Three typings exist on the wire (bitrix24.md §2.5): legacy methods send every
scalar as a string ("ID": "37", "Y"/"N"), crm.item.* and crm.stagehistory.list
send numbers, tasks.task.list sends camelCase keys with string values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from funnelkit.emulator.bitrix24.envelope import iso_time

INT, FLOAT, STR, DATE, YN, LIST, RAW = "int", "float", "str", "date", "yn", "list", "raw"
BOOL = "bool"  # a real JSON boolean (user.get ACTIVE), filtered like Y/N


@dataclass(frozen=True, slots=True)
class Field:
    """A vendor field: its wire names, its kind and how to read it from a state row."""

    upper: str
    camel: str
    kind: str
    get: Callable[[Any], Any]


class Schema:
    """The fields of one entity, addressable by UPPER or camelCase name."""

    def __init__(self, fields: Iterable[Field]) -> None:
        self.fields = list(fields)
        self._by_name: dict[str, Field] = {}
        for f in self.fields:
            self._by_name[f.upper] = f
            self._by_name[f.camel] = f
        self._folded = {k.lower(): v for k, v in self._by_name.items()}

    def find(self, name: str) -> Field | None:
        """A field by exact name, else case-insensitively."""
        return self._by_name.get(name) or self._folded.get(name.lower())


def render_value(kind: str, value: Any, strings: bool) -> Any:
    """A state value as the vendor prints it; `strings` selects the legacy typing."""
    if value is None:
        return None
    if kind == DATE:
        return iso_time(value)
    if kind == YN:
        return "Y" if value else "N"
    if kind == BOOL:
        return bool(value)
    if kind == FLOAT:
        return f"{float(value):.2f}" if strings else _number(value)
    if kind == INT:
        return str(value) if strings else int(value)
    if kind == LIST:
        return list(value)
    return value


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def render(
    schema: Schema, row: Any, names: list[str] | None, camel: bool, strings: bool
) -> dict[str, Any]:
    """One row as a dict of the selected fields (all fields when `names` is None)."""
    chosen = schema.fields if names is None else [f for n in names if (f := schema.find(n))]
    out: dict[str, Any] = {}
    for f in chosen:
        out[f.camel if camel else f.upper] = render_value(f.kind, f.get(row), strings)
    return out


def coerce(kind: str, value: Any) -> Any:
    """A filter value in the kind of the field it is compared with (None if it cannot be)."""
    if value is None:
        return None
    try:
        if kind == INT:
            if value == "":
                return 0  # PHP compares "" as 0 (unverified for the vendor's SQL layer)
            return int(float(str(value)))
        if kind == FLOAT:
            return float(str(value))
        if kind == DATE:
            return parse_date(value)
        if kind in (YN, BOOL):
            return str(value).upper() in ("Y", "1", "TRUE")
    except (TypeError, ValueError):
        return None
    return "" if value is None else str(value)


def parse_date(value: Any) -> int | None:
    """Epoch seconds from an ISO datetime/date (offset respected), `dd.mm.yyyy`, or a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y"):
        try:
            return int(datetime.strptime(text, fmt).replace(tzinfo=UTC).timestamp())
        except ValueError:
            pass
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def num_id(text: str | None) -> int | None:
    """The vendor number of a state id ("L12" -> 12, "T5" -> 5, "37" -> 37)."""
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    digits = text.lstrip("LTlt")
    return int(digits) if digits.isdigit() else None
