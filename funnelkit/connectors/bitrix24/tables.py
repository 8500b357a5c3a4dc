"""Where a Bitrix24 pull puts rows as they arrive, shared by the serial and parallel readers.

Its own module so that `parallel.py` can fill it without importing `pull.py`, which
drives `parallel.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tables:
    """Rows as they arrive, mapped; `positions` chains stage history per deal."""

    deals: list[Any] = field(default_factory=list)
    transitions: list[Any] = field(default_factory=list)
    activities: list[Any] = field(default_factory=list)
    contacts: list[Any] = field(default_factory=list)
    companies: list[Any] = field(default_factory=list)
    users: list[Any] = field(default_factory=list)
    positions: dict[str, tuple[str, str]] = field(default_factory=dict)
