"""Local HTTP servers that behave as the documented Bitrix24 and amoCRM APIs do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from funnelkit.emulator.fixture import load_fixture
    from funnelkit.emulator.generator import answer_key, generate
    from funnelkit.emulator.healthy import from_blueprint

__all__ = ["answer_key", "from_blueprint", "generate", "load_fixture"]

_HOMES = {
    "answer_key": "funnelkit.emulator.generator",
    "generate": "funnelkit.emulator.generator",
    "load_fixture": "funnelkit.emulator.fixture",
    "from_blueprint": "funnelkit.emulator.healthy",
}


def __getattr__(name: str) -> Any:
    # Lazy: the servers should not pay for numpy and the sample data just by importing.
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'funnelkit.emulator' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(home), name)
