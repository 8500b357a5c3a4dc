"""Shared fixtures: a clean environment, a fixed `now`, emulator servers."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

NOW = 1_767_225_600  # 2026-01-01T00:00:00Z


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No FUNNELKIT_* credentials leak in from the developer's shell; no colours."""
    for key in list(os.environ):
        if key.startswith("FUNNELKIT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture
def now() -> int:
    """The fixed moment tests judge time against."""
    return NOW


@pytest.fixture
def chdir_tmp(tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in an empty directory (no stray funnelkit.yaml)."""
    monkeypatch.chdir(tmp_path)
    yield
