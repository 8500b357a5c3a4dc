"""Build millions of frozen slotted rows without paying for their generated `__init__`.

Used wherever rows are made in bulk: the snapshot loader and the portal generator.

A frozen dataclass's `__init__` sets each field through `object.__setattr__`, a few
microseconds per row; five million history rows would spend most of the generator's
budget there. Writing each slot with its member descriptor, one C-level `map` per
field, gives identical objects (same class, same equality) about ten times faster.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable
from itertools import repeat
from typing import Any, TypeVar

T = TypeVar("T")


def rows(cls: type[T], count: int, columns: dict[str, Iterable[Any]]) -> list[T]:
    """`count` instances of `cls`; every field must be given, as a column or a constant."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    missing = set(names) - set(columns)
    if missing:
        raise ValueError(f"no column for {sorted(missing)}")
    new = object.__new__
    out: list[T] = list(map(new, repeat(cls, count)))
    for name in names:
        setter = getattr(cls, name).__set__
        deque(map(setter, out, columns[name]), maxlen=0)
    return out


def const(value: Any) -> Iterable[Any]:
    """A column holding one value for every row."""
    return repeat(value)
