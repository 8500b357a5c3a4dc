"""The blueprint format: funnels, stages, loss reasons and tunnels a portal should have."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from funnelkit.model import FunnelKind, FunnelRole, Semantics, Thresholds, TunnelMode

BLUEPRINT_SCHEMA: Final = "funnelkit.blueprint/1"
KEY_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
REF_PATTERN = r"^[a-z][a-z0-9_-]{0,39}(/[a-z][a-z0-9_-]{0,39})?$"
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"

Language = Literal["ru", "uk", "en"]


class Strict(BaseModel):
    """Blueprints are hand-written: unknown keys are typos, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Names(Strict):
    """One text in the three languages funnelkit speaks; Russian is the articles' own."""

    ru: str = Field(min_length=1, max_length=255)
    uk: str | None = Field(default=None, min_length=1, max_length=255)
    en: str | None = Field(default=None, min_length=1, max_length=255)

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to Russian."""
        value = getattr(self, lang, None)
        return value if isinstance(value, str) else self.ru

    def all(self) -> tuple[str, ...]:
        """Every language's text (for matching portal names)."""
        return tuple(v for v in (self.ru, self.uk, self.en) if v)


class Serves(Strict):
    """Which products or business process a funnel carries (FK403 reads this)."""

    products: tuple[str, ...] = ()
    process: str | None = None


def _renamed_from() -> Any:
    """`renamed_from:` (one name or a list); `previous_names:` is its older spelling."""
    return Field(
        default=(),
        validation_alias=AliasChoices("renamed_from", "previous_names"),
        serialization_alias="renamed_from",
        description="Portal names this object had: the only way a named object is renamed",
    )


def _vendor_id() -> Any:
    return Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The portal id (written by `export`); trusted only on the portal exported",
    )


class Identified(Strict):
    """What funnels and stages share: how an existing portal object is recognised as theirs."""

    id: str | None = _vendor_id()
    renamed_from: tuple[str, ...] = _renamed_from()

    @field_validator("renamed_from", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        # YAML reads `id: 12` as a number; vendor ids are compared as text.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class StageSpec(Identified):
    """One stage of a blueprint funnel."""

    key: str = Field(pattern=KEY_PATTERN)
    names: Names
    semantics: Semantics = Semantics.PROCESS
    colour: str | None = Field(default=None, pattern=COLOUR_PATTERN)
    sla_days: float | None = Field(default=None, ge=0, le=3650)
    probability: int | None = Field(default=None, ge=0, le=100)
    task: Names | None = Field(default=None, description="The manager's task at this stage")
    department: str | None = None
    absent: bool = Field(default=False, description="Remove this stage from the portal")
    move_deals_to: str | None = Field(
        default=None,
        pattern=REF_PATTERN,
        description="Where its deals go when it is removed: `stage` or `funnel/stage`",
    )
    merge_into: str | None = Field(
        default=None,
        pattern=KEY_PATTERN,
        description="Move this stage's deals to stage KEY of the same funnel, then delete it",
    )

    @property
    def leaving(self) -> bool:
        """True when the plan removes this stage (`absent` or merged into another)."""
        return self.absent or self.merge_into is not None


class ProcessRef(Strict):
    """The Bitrix24 smart process a `kind: spa` funnel belongs to.

    Its entityTypeId is numbered per portal (bitrix24.md §12), so what names a process on
    every portal is its `title` (compared as names are) or, when set, its symbolic `code`;
    `id:` (the entityTypeId, written by `export`) counts only on the portal exported.
    """

    title: str = Field(min_length=1, max_length=255)
    code: str | None = Field(default=None, min_length=1, max_length=255)
    id: str | None = _vendor_id()

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class FunnelSpec(Identified):
    """One funnel (Bitrix24 deal category, lead statuses or smart-process funnel; amoCRM
    pipeline)."""

    key: str = Field(pattern=KEY_PATTERN)
    kind: Literal[FunnelKind.DEAL, FunnelKind.LEAD, FunnelKind.SPA] = FunnelKind.DEAL
    process: ProcessRef | None = Field(
        default=None, description="The smart process of a `kind: spa` funnel (Bitrix24)"
    )
    role: FunnelRole
    names: Names
    main: bool = Field(
        default=False, description="Adopt the portal's default funnel (Bitrix24 category 0)"
    )
    serves: Serves = Field(default_factory=Serves)
    stages: tuple[StageSpec, ...] = ()
    absent: bool = False
    move_deals_to: str | None = Field(default=None, pattern=REF_PATTERN)
    thresholds: Thresholds | None = None

    @model_validator(mode="after")
    def _process_with_spa(self) -> FunnelSpec:
        if self.kind is FunnelKind.SPA and self.process is None:
            raise ValueError("a funnel of `kind: spa` names its smart process in `process:`")
        if self.kind is not FunnelKind.SPA and self.process is not None:
            raise ValueError("`process:` is only for funnels of `kind: spa`")
        if self.kind is FunnelKind.SPA and self.main:
            raise ValueError("`main:` adopts the default deal funnel; a spa funnel cannot be it")
        return self

    def stage(self, key: str) -> StageSpec | None:
        """The stage with this key."""
        return next((s for s in self.stages if s.key == key), None)


class LossReasonSpec(Strict):
    """An amoCRM loss reason (Bitrix24 expresses reasons as failure stages)."""

    key: str = Field(pattern=KEY_PATTERN)
    names: Names
    renamed_from: tuple[str, ...] = _renamed_from()
    absent: bool = False


class TunnelOn(StrEnum):
    """What fires a tunnel: reaching a stage, winning, or losing."""

    STAGE = "stage"
    WON = "won"
    LOST = "lost"


class TunnelEnd(Strict):
    """One end of a tunnel; `stage` may be left out at the receiving end (first stage)."""

    funnel: str = Field(pattern=KEY_PATTERN)
    stage: str | None = Field(default=None, pattern=KEY_PATTERN)


class TunnelSpec(Strict):
    """A link carrying deals from one funnel's stage into another funnel."""

    from_: TunnelEnd = Field(alias="from")
    to: TunnelEnd
    mode: TunnelMode = TunnelMode.COPY
    on: TunnelOn = TunnelOn.STAGE
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _yaml11_on(cls, data: Any) -> Any:
        # YAML 1.1 reads a bare `on:` key as the boolean true; accept it as written.
        if isinstance(data, dict) and True in data and "on" not in data:
            data = {("on" if k is True else k): v for k, v in data.items()}
        return data


class Moved(Strict):
    """A key that was renamed in the blueprint (Terraform's `moved`): `funnel` or `funnel/stage`."""

    from_: str = Field(alias="from", pattern=REF_PATTERN)
    to: str = Field(pattern=REF_PATTERN)


class Blueprint(Strict):
    """A set of funnels a portal should have, with their links."""

    schema_: Literal["funnelkit.blueprint/1"] = Field(default=BLUEPRINT_SCHEMA, alias="schema")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
    title: Names | None = None
    description: str | None = None
    source: str | None = Field(default=None, description="Where the funnels come from")
    language: Language = Field(default="ru", description="Which names are written to the portal")
    exported_from: str | None = Field(
        default=None,
        description="The portal `export` read (vendor:domain[:account]); its `id:`s count there",
    )
    funnels: tuple[FunnelSpec, ...] = ()
    loss_reasons: tuple[LossReasonSpec, ...] = ()
    tunnels: tuple[TunnelSpec, ...] = ()
    moved: tuple[Moved, ...] = ()
    thresholds: Thresholds = Field(default_factory=Thresholds)

    @model_validator(mode="before")
    @classmethod
    def _not_a_mapping(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("a blueprint is a mapping with `name:` and `funnels:`")
        return data

    def funnel(self, key: str) -> FunnelSpec | None:
        """The funnel with this key."""
        return next((f for f in self.funnels if f.key == key), None)


FunnelSpec.model_rebuild()


def blueprint_schema() -> dict[str, Any]:
    """The JSON Schema of a blueprint file (`funnelkit schema blueprint`)."""
    schema = Blueprint.model_json_schema(by_alias=True)
    schema["$id"] = "https://funnelkit.dev/schema/blueprint/1"
    schema["title"] = "funnelkit blueprint"
    return schema
