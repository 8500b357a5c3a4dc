"""The snapshot's JSON Schema: manifest, structure and the row format of every table."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from funnelkit.model import ROW_TYPES, SNAPSHOT_SCHEMA, Manifest, Structure


def snapshot_schema() -> dict[str, Any]:
    """JSON Schema of a snapshot in its JSON encoding (the packed file holds the same parts)."""
    defs: dict[str, Any] = {}

    def inline(schema: dict[str, Any]) -> dict[str, Any]:
        defs.update(schema.pop("$defs", {}))
        return schema

    tables = {
        table: {"type": "array", "items": inline(TypeAdapter(cls).json_schema())}
        for table, cls in ROW_TYPES.items()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://funnelkit.dev/schema/snapshot-1.json",
        "title": "funnelkit snapshot",
        "description": (
            "A portal read by `funnelkit pull`. Saved as JSON (this shape) or packed: a zip of "
            "manifest.json, structure.json, extras.json and tables/<table>.parquet whose columns "
            "are the row fields below."
        ),
        "type": "object",
        "required": ["schema", "manifest", "structure", "tables"],
        "properties": {
            "schema": {"const": SNAPSHOT_SCHEMA},
            "manifest": inline(Manifest.model_json_schema(by_alias=True)),
            "structure": inline(Structure.model_json_schema()),
            "extras": {"type": "object"},
            "tables": {
                "type": "object",
                "properties": tables,
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
        "$defs": defs,
    }
