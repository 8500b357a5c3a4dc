"""Snapshots are read with an Arrow pool that returns freed memory, unless the user chose one."""

from __future__ import annotations

import pyarrow as pa
import pytest

from funnelkit.store import pool


def test_loading_switches_to_a_returning_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pa.default_memory_pool()
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    monkeypatch.setattr(pool, "_chosen", False)
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        pool.use_returning_pool()
        assert pa.default_memory_pool().backend_name in {"jemalloc", "system"}
    finally:
        pa.set_memory_pool(before)


def test_a_pool_the_user_chose_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pa.default_memory_pool()
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
    monkeypatch.setattr(pool, "_chosen", False)
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        pool.use_returning_pool()
        assert pa.default_memory_pool().backend_name == "mimalloc"
    finally:
        pa.set_memory_pool(before)
