"""Apply state: which portal object each blueprint key was applied to, one file per portal.

Names change and may repeat; ids do not. Matching by the ids recorded at the last apply
is what lets a declared rename keep its deals (cli-conventions.md §16.7).

The state lives in `.funnelkit/state/` beside the config in use (the working directory
without one), in one file per portal named by the portal's own identity: vendor, domain
and, where the vendor tells it, the account id (amoCRM `GET /api/v4/account` → `id`,
amocrm.md §10.2; a Bitrix24 incoming webhook cannot read the portal's `member_id`, which
only OAuth answers carry, bitrix24.md §1.2, so a Bitrix24 portal is its domain). Inside,
ids are grouped by blueprint `name:` — never by the blueprint's file, which may be copied
or moved, and never by the config's portal name, which is only a local alias. Every id
read back is checked against the portal before it is trusted (`verified`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from funnelkit.errors import InputError
from funnelkit.fileio import write_atomic
from funnelkit.model import Snapshot

STATE_SCHEMA = "funnelkit.state/2"
STATE_DIR = Path(".funnelkit") / "state"


class PortalIds(BaseModel):
    """Ids of one blueprint's managed objects on one portal. Stage keys are `funnel/stage`."""

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

    def verified(self, snapshot: Snapshot) -> PortalIds:
        """Only the ids the portal still has (a stale id would otherwise claim a new object)."""
        structure = snapshot.structure
        funnels = {f.id for f in structure.funnels}
        stages = {(s.funnel_id, s.id) for s in structure.stages}
        reasons = {r.id for r in structure.loss_reasons}
        kept = {k: v for k, v in self.funnels.items() if v in funnels}
        return PortalIds(
            funnels=kept,
            stages={
                ref: v
                for ref, v in self.stages.items()
                if (kept.get(ref.split("/")[0], ""), v) in stages
            },
            loss_reasons={k: v for k, v in self.loss_reasons.items() if v in reasons},
            created=[k for k in self.created if k in kept],
        )


class StateFile(BaseModel):
    """One portal's state: its identity and, per blueprint name, the ids applied."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: str = Field(default=STATE_SCHEMA, alias="schema")
    portal: str = ""
    blueprints: dict[str, PortalIds] = Field(default_factory=dict)

    def ids(self, blueprint: str) -> PortalIds:
        """The ids of one blueprint, created empty when first applied."""
        return self.blueprints.setdefault(blueprint, PortalIds())


def portal_key(snapshot: Snapshot) -> str:
    """`vendor:domain[:account id]`: the portal's own identity, whatever the config calls it."""
    portal = snapshot.structure.portal
    parts = [snapshot.manifest.vendor.value, snapshot.manifest.domain.lower()]
    if portal.account_id:
        parts.append(portal.account_id)
    return ":".join(parts)


def state_dir(config: Path | None) -> Path:
    """`.funnelkit/state/` beside the config in use, else in the working directory."""
    base = config.resolve().parent if config is not None else Path.cwd()
    return base / STATE_DIR


def state_path(directory: Path, key: str) -> Path:
    """The state file of one portal: its identity, made safe for a file name."""
    return directory / (re.sub(r"[^A-Za-z0-9_.-]+", "_", key) + ".json")


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
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(state.model_dump(by_alias=True), ensure_ascii=False, indent=2, sort_keys=True)
    write_atomic(path, text + "\n")


def portal_ids(directory: Path, snapshot: Snapshot, blueprint: str) -> PortalIds:
    """The verified ids of `blueprint` on the snapshot's portal (empty when never applied)."""
    stored = load_state(state_path(directory, portal_key(snapshot)))
    return stored.blueprints.get(blueprint, PortalIds()).verified(snapshot)
