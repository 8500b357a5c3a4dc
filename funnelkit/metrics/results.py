"""What the metrics report holds: plain frozen models, ready for JSON and templates."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Spread(_Frozen):
    """Median and 90th percentile of a duration, in days, over `n` observations."""

    n: int = 0
    median: float | None = None
    p90: float | None = None


class StageMetrics(_Frozen):
    """One stage of a funnel's forward sequence (or a failure stage, outside it)."""

    stage_id: str
    name: str
    semantics: str
    open: int = Field(description="Open deals in the stage now")
    entered_any: int = Field(description="Deals that entered the stage, in any order")
    entered_strict: int = Field(description="Deals that entered it and every earlier stage")
    next_step_strict: float | None = None
    next_step_any: float | None = None
    cumulative_strict: float | None = None
    cumulative_any: float | None = None
    latest_days: Spread = Field(default_factory=Spread)
    cumulative_days: Spread = Field(default_factory=Spread)


class KeyStage(_Frozen):
    """The step whose conversion limits revenue most (lowest strict next-step conversion)."""

    from_stage_id: str
    to_stage_id: str
    conversion: float
    entered: int


class Money(_Frozen):
    """Sums per currency: amounts in different currencies are never added together."""

    by_currency: dict[str, float] = Field(default_factory=dict)


class FunnelMetrics(_Frozen):
    """Shown, not judged: how deals move through one funnel."""

    funnel_id: str
    name: str
    kind: str
    deals: int
    open: int
    stages: list[StageMetrics]
    key_stage: KeyStage | None = None
    won: int = 0
    lost: int = 0
    win_rate: float | None = None
    win_rate_value: float | None = None
    won_value: Money = Field(default_factory=Money)
    sales_cycle_days: Spread = Field(default_factory=Spread)
    lost_by_reason: dict[str, int] = Field(default_factory=dict)
    reentering_clients: int = 0
    weighted_pipeline: Money | None = None


class ManagerMetrics(_Frozen):
    """The same numbers per responsible manager (articles 002 and 003 judge managers by them)."""

    user_id: str
    name: str
    deals: int
    open: int
    won: int
    lost: int
    win_rate: float | None = None
    conversion: float | None = Field(
        default=None, description="Won ÷ all deals the manager holds or closed"
    )
    lost_by_reason: dict[str, int] = Field(default_factory=dict)
    open_without_task: int = 0


class ClientMetrics(_Frozen):
    """Per client: lifetime value and the time since the last interaction."""

    contact_id: str
    name: str
    won_deals: int
    ltv: Money
    days_since_interaction: float | None = None


class SourceConversion(_Frozen):
    """Lead → deal conversion for one lead source (Bitrix24 leads)."""

    source: str
    leads: int
    converted: int
    rate: float | None = None


class PortalMetrics(_Frozen):
    """Every metric of a snapshot."""

    currency: str | None = None
    now: int
    funnels: list[FunnelMetrics]
    managers: list[ManagerMetrics]
    clients: list[ClientMetrics] = Field(description="Top clients by LTV, then the rest")
    lead_sources: list[SourceConversion] = Field(default_factory=list)
    history_used: bool = True
