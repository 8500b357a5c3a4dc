"""Compare our answers with the official examples by shape: keys, nesting and value types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = json.loads((Path(__file__).parent / "examples" / "appendix.json").read_text("utf-8"))
# Portal-specific keys in the examples (user fields, SPA parents) a generic portal lacks.
CUSTOM_PREFIXES = ("UF_", "PARENT_ID_", "ufCrm", "parentId")


def example(section: str, index: int = 0, kind: str = "response") -> Any:
    """The index-th request/response body of an appendix section."""
    blocks = [b for b in EXAMPLES[section]["blocks"] if b["kind"] == kind]
    return blocks[index]["body"]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def shape_diff(ours: Any, theirs: Any, path: str = "$", exact: bool = False) -> list[str]:
    """Problems found; empty when `ours` has every key of `theirs` with a compatible type."""
    if theirs is None or ours is None:
        return []
    if _kind(ours) != _kind(theirs):
        if isinstance(theirs, list) and not theirs and isinstance(ours, dict):
            return []  # PHP empty array vs filled map
        return [f"{path}: {_kind(ours)} != {_kind(theirs)}"]
    if isinstance(theirs, dict):
        problems = []
        for key, value in theirs.items():
            if key.startswith(CUSTOM_PREFIXES):
                continue
            if key not in ours:
                problems.append(f"{path}.{key}: missing")
                continue
            problems += shape_diff(ours[key], value, f"{path}.{key}", exact)
        if exact:
            problems += [f"{path}.{k}: extra" for k in ours if k not in theirs]
        return problems
    if isinstance(theirs, list) and theirs and ours:
        return shape_diff(ours[0], theirs[0], f"{path}[0]", exact)
    return []
