"""The state file: blueprint key → vendor id per portal, kept beside the blueprint.

Names change and may repeat; ids do not. Matching by the ids recorded at the last
apply is what lets a renamed stage keep its deals (cli-conventions.md §16.7).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from funnelkit.errors import InputError
from funnelkit.fileio import write_atomic

STATE_SCHEMA = "funnelkit.state/1"


class PortalIds(BaseModel):
    """Ids of one portal's managed objects. Stage keys are `funnel/stage`."""

    model_config = ConfigDict(extra="forbid")

    funnels: dict[str, str] = Field(default_factory=dict)
    stages: dict[str, str] = Field(default_factory=dict)
    loss_reasons: dict[str, str] = Field(default_factory=dict)
    created: list[str] = Field(default_factory=list)  # funnels funnelkit created itself

    def forget_funnel(self, key: str) -> None:
        """Drop a funnel and its stages (after it was deleted)."""
        self.funnels.pop(key, None)
        for ref in [r for r in self.stages if r.split("/")[0] == key]:
            del self.stages[ref]


class StateFile(BaseModel):
    """Every portal a blueprint was applied to, keyed by `vendor:domain`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: str = Field(default=STATE_SCHEMA, alias="schema")
    portals: dict[str, PortalIds] = Field(default_factory=dict)

    def portal(self, vendor: str, domain: str) -> PortalIds:
        """The ids of one portal, created empty when first seen."""
        return self.portals.setdefault(f"{vendor}:{domain}", PortalIds())


def state_path(blueprint: Path) -> Path:
    """`name.yaml` → `name.state.json` in the same folder."""
    return blueprint.with_name(
        blueprint.name.removesuffix(".yaml").removesuffix(".yml") + ".state.json"
    )


def load_state(path: Path) -> StateFile:
    """Read a state file; a missing file is an empty state."""
    if not path.exists():
        return StateFile()
    try:
        state = StateFile.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError) as exc:
        raise InputError(
            f"{path}: not a funnelkit state file ({str(exc).splitlines()[0]})",
            hint="restore it from version control, or delete it: objects are then matched by name",
        ) from None
    if state.schema_ != STATE_SCHEMA:
        raise InputError(f"{path}: unsupported state schema {state.schema_!r}")
    return state


def save_state(state: StateFile, path: Path) -> None:
    """Write the state atomically (sorted keys: diffs stay readable in git)."""
    text = json.dumps(state.model_dump(by_alias=True), ensure_ascii=False, indent=2, sort_keys=True)
    write_atomic(path, text + "\n")
