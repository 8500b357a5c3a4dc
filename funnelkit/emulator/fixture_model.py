"""The hand-writable portal file: pydantic models whose JSON Schema documents the format."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from funnelkit.model import ActivityKind, EntityKind, FunnelKind, FunnelRole, Semantics, Vendor
from funnelkit.model.timeutil import parse_iso, to_epoch


def _to_epoch(value: Any) -> Any:
    """Accept epoch seconds, ISO-8601 text, or the date/datetime objects YAML makes of them."""
    if isinstance(value, bool):
        raise ValueError("a time must be epoch seconds or ISO-8601 text, not a boolean")
    if isinstance(value, datetime):
        return to_epoch(value)
    if isinstance(value, date):
        return to_epoch(datetime(value.year, value.month, value.day, tzinfo=UTC))
    if isinstance(value, str):
        try:
            return parse_iso(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO-8601 time or date") from None
    return value


Time = Annotated[
    int,
    BeforeValidator(_to_epoch),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "description": "seconds since the Unix epoch, UTC"},
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ]
        }
    ),
]
Id = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FxUser(_Strict):
    """A portal user."""

    id: Id
    name: str
    active: bool = True
    departments: list[str] = Field(default_factory=list)


class FxStage(_Strict):
    """One stage, written inside its funnel; `sort` defaults to the position × 10."""

    id: Id
    name: str
    semantics: Semantics = Semantics.PROCESS
    sort: int | None = None
    color: str | None = None
    system: bool = False
    extras: dict[str, str] = Field(default_factory=dict)


class FxFunnel(_Strict):
    """A funnel with its stages inline, in order."""

    id: Id
    name: str
    kind: FunnelKind = FunnelKind.DEAL
    sort: int | None = None
    is_default: bool = False
    role: FunnelRole | None = None
    stages: list[FxStage] = Field(min_length=1)


class FxLossReason(_Strict):
    """An amoCRM loss reason."""

    id: Id
    name: str
    sort: int = 0


class FxCustomField(_Strict):
    """A user-defined field."""

    entity: str = "deal"
    id: Id
    name: str
    type: str = "string"
    multiple: bool = False
    mandatory: bool = False


class FxStageRef(_Strict):
    """A funnel and optionally one of its stages."""

    funnel: Id
    stage: Id | None = None


class FxTunnel(_Strict):
    """A link from a stage of one funnel into another funnel."""

    from_: FxStageRef = Field(alias="from")
    to: FxStageRef
    mode: str = Field(default="copy", pattern="^(copy|move)$")


class FxContact(_Strict):
    """A person."""

    id: Id
    name: str = ""
    company: Id | None = None
    responsible: Id | None = None
    created_at: Time | None = None
    last_activity_at: Time | None = None


class FxCompany(_Strict):
    """An organisation."""

    id: Id
    name: str = ""
    responsible: Id | None = None
    created_at: Time | None = None


class FxMove(_Strict):
    """A deal entering a stage; `funnel` defaults to the previous entry's (first: the deal's)."""

    stage: Id
    at: Time
    funnel: Id | None = None
    by: Id | None = None


class FxResponsibleChange(_Strict):
    """A deal changing hands."""

    at: Time
    to: Id | None
    from_: Id | None = Field(default=None, alias="from")
    by: Id | None = None


class FxDeadlineChange(_Strict):
    """A task's deadline moved."""

    at: Time
    new: Time | None
    old: Time | None = None
    by: Id | None = None


class FxActivity(_Strict):
    """A task or an interaction; tasks get ids with the T prefix when none is given."""

    id: Id | None = None
    kind: ActivityKind = ActivityKind.TASK
    created_at: Time
    contact: Id | None = None
    responsible: Id | None = None
    deadline: Time | None = None
    done: bool = False
    completed_at: Time | None = None
    subject: str = ""
    deadline_changes: list[FxDeadlineChange] = Field(default_factory=list)


class FxDeal(_Strict):
    """A deal (or a Bitrix24 lead) with its whole stage history, oldest first."""

    id: Id
    funnel: Id
    history: list[FxMove] = Field(min_length=1)
    entity: EntityKind = EntityKind.DEAL
    title: str = ""
    responsible: Id | None = None
    creator: Id | None = None
    contacts: list[Id] = Field(default_factory=list)
    company: Id | None = None
    amount: float | None = None
    currency: str | None = None
    closed_at: Time | None = None
    modified_at: Time | None = None
    last_activity_at: Time | None = None
    loss_reason: Id | None = None
    source: str | None = None
    tags: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    responsible_changes: list[FxResponsibleChange] = Field(default_factory=list)
    activities: list[FxActivity] = Field(default_factory=list)


class Fixture(_Strict):
    """A whole portal as a person would write it down."""

    vendor: Vendor
    domain: str = "demo.example"
    currency: str = "RUB"
    now: Time
    users: list[FxUser] = Field(default_factory=list)
    funnels: list[FxFunnel] = Field(min_length=1)
    loss_reasons: list[FxLossReason] = Field(default_factory=list)
    custom_fields: list[FxCustomField] = Field(default_factory=list)
    tunnels: list[FxTunnel] = Field(default_factory=list)
    contacts: list[FxContact] = Field(default_factory=list)
    companies: list[FxCompany] = Field(default_factory=list)
    deals: list[FxDeal] = Field(default_factory=list)
    activities: list[FxActivity] = Field(
        default_factory=list, description="activities on contacts, not on a deal"
    )


def fixture_schema() -> dict[str, Any]:
    """The JSON Schema that `funnelkit schema emulator-fixture` prints."""
    schema = Fixture.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "funnelkit emulator fixture"
    return schema
