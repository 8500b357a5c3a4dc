"""Each deal's last stage, kept as int32 codes by deal number rather than a dict of strings.

Stage history names only the stage entered (bitrix24.md §8), so the stage left is the
deal's previous row: chaining a million-deal history needs every deal's last position at
hand. A dict of a million id strings to tuples costs ~150 MB per id range read side by
side; one int32 code per deal number (an index into the few distinct (funnel, stage)
pairs) costs 4 MB, in a stdlib `array` (a flat C array). Deal ids are numbers and lead
ids "L<n>" (mapping.py); any other id, or a number too large to index, goes to a dict.
"""

from __future__ import annotations

from array import array
from typing import Protocol

Position = tuple[str, str]  # (funnel id, stage id) a deal was last seen in
_LARGEST = 1 << 24  # above this deal number a plain dict is cheaper than the array
_NONE = -1


class PositionMap(Protocol):
    """What history chaining needs of a position store (a dict does as well)."""

    def get(self, deal_id: str, /) -> Position | None: ...

    def __setitem__(self, deal_id: str, position: Position, /) -> None: ...


class Positions:
    """deal id → last (funnel, stage), for numeric and "L<n>" ids in flat int32 arrays."""

    def __init__(self) -> None:
        self._pairs: list[Position] = []
        self._code_of: dict[Position, int] = {}
        self._arrays: dict[str, array[int]] = {}
        self._other: dict[str, Position] = {}

    @staticmethod
    def _key(deal_id: str) -> tuple[str, int] | None:
        prefix, digits = ("L", deal_id[1:]) if deal_id[:1] == "L" else ("", deal_id)
        # only canonical numbers: "007" and "7" are different ids
        if not digits.isdigit() or not digits.isascii() or (digits[0] == "0" and digits != "0"):
            return None
        number = int(digits)
        return (prefix, number) if number < _LARGEST else None

    def get(self, deal_id: str, /) -> Position | None:
        key = self._key(deal_id)
        if key is None:
            return self._other.get(deal_id)
        codes = self._arrays.get(key[0])
        if codes is None or key[1] >= len(codes):
            return None
        code = codes[key[1]]
        return None if code == _NONE else self._pairs[code]

    def __setitem__(self, deal_id: str, position: Position, /) -> None:
        key = self._key(deal_id)
        if key is None:
            self._other[deal_id] = position
            return
        code = self._code_of.get(position)
        if code is None:
            code = self._code_of[position] = len(self._pairs)
            self._pairs.append(position)
        prefix, number = key
        codes = self._arrays.get(prefix)
        if codes is None or number >= len(codes):
            if codes is None:
                codes = self._arrays[prefix] = array("i")
            size = max(number + 1, 2 * len(codes), 1024)
            codes.extend(array("i", [_NONE]) * (size - len(codes)))
        codes[number] = code

    def __len__(self) -> int:
        inside = sum(len(codes) - codes.count(_NONE) for codes in self._arrays.values())
        return inside + len(self._other)
