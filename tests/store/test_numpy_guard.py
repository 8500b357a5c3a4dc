"""No hash-based `np.unique` in the package: on millions of int64 it costs seconds where
sorting costs a tenth of one (index/sorting.py has the sort-based helpers)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "funnelkit"
# The portal generator makes test data before anything is timed; everything that reads
# a snapshot (store, audit, metrics, report, blueprint, connectors) is guarded.
EXEMPT = ("emulator",)
BANNED = {"unique", "union1d", "unique_counts", "unique_inverse", "unique_values"}


def offenders(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in BANNED
            and isinstance(node.value, ast.Name)
            and node.value.id in {"np", "numpy"}
        ):
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "numpy":
            lines += [node.lineno for alias in node.names if alias.name in BANNED]
    return lines


def test_the_guard_sees_a_call() -> None:
    assert offenders("import numpy as np\nnp.unique(x)\n") == [2]
    assert offenders("from numpy import unique\n") == [1]


def test_no_np_unique_in_the_package() -> None:
    found = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in EXEMPT
        if (lines := offenders(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"use funnelkit.index.sorting instead of np.unique: {found}"
