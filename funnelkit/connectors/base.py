"""What every connector offers, and the settings and scope it is given.

A connector translates between one vendor's REST API and the model; it knows
nothing of plans, rules or reports. The CLI builds one with `connect()` (see
connectors/__init__.py) from a portal's settings and its credentials.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from funnelkit.model import Change, ChangeResult, Snapshot, Thresholds, Vendor


class PortalSettings(BaseModel):
    """One portal of funnelkit.yaml. Credentials are never read from the file itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vendor: Vendor
    url: str = Field(description="Base URL of the portal, e.g. https://acme.bitrix24.ru")
    token_file: Path | None = Field(
        default=None, description="OAuth token file (access + refresh); client id/secret from env"
    )
    rate_limit: float | None = Field(
        default=None, gt=0, le=1000, description="Requests per second (vendor default if unset)"
    )
    burst: int | None = Field(
        default=None, ge=1, le=1000, description="Bitrix24 bucket size (default 50)"
    )
    concurrency: int = Field(
        default=4,
        ge=1,
        le=16,
        description=(
            "Requests a pull keeps in flight at once (Bitrix24); the rate limit still paces "
            "the total, and the portal advises against many parallel series (bitrix24.md §5.1)"
        ),
    )
    timeout: float = Field(default=30.0, gt=0, le=600, description="Per-request timeout, s")
    max_retry_seconds: float = Field(
        default=300.0, gt=0, le=86_400, description="Give up on a request after this long"
    )
    # The one thresholds model (model/changes.py), as a blueprint sets it; this one wins.
    thresholds: Thresholds | None = Field(
        default=None, description="Update/delete safety thresholds for apply on this portal"
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        """An http(s) address with a host; a path or query would hide a secret or a typo."""
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "must be an http:// or https:// address, e.g. https://acme.bitrix24.ru"
            )
        return value.strip().rstrip("/")


class Credentials(BaseModel):
    """Secrets from the environment (or the token file), kept out of every repr."""

    model_config = ConfigDict(frozen=True)

    webhook: SecretStr | None = None
    token: SecretStr | None = None
    client_id: SecretStr | None = None
    client_secret: SecretStr | None = None
    token_file: Path | None = None


class PullScope(BaseModel):
    """What to read (interface.md: --funnel, --since, --no-history, --no-tasks)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    funnels: tuple[str, ...] = ()
    since: int | None = None
    history: bool = True
    tasks: bool = True


class Progress(Protocol):
    """Where a pull reports how far it got; the CLI draws bars or plain lines."""

    def start(self, entity: str, total: int | None) -> None:
        """A new entity begins; total is an estimate (may be None)."""

    def advance(self, entity: str, rows: int) -> None:
        """Rows arrived for an entity."""

    def finish(self, entity: str) -> None:
        """The entity is complete."""


class NullProgress:
    """Reports nothing (`--quiet`, tests)."""

    def start(self, entity: str, total: int | None) -> None:
        """Ignore."""

    def advance(self, entity: str, rows: int) -> None:
        """Ignore."""

    def finish(self, entity: str) -> None:
        """Ignore."""


class Connector(Protocol):
    """A live portal."""

    vendor: Vendor

    def pull(self, scope: PullScope, progress: Progress) -> Snapshot:
        """Read the portal into a snapshot."""

    def pull_incremental(self, old: Snapshot, progress: Progress) -> Snapshot:
        """Read what changed since `old` and merge: equal to a full pull of the same state."""

    def pull_structure(self) -> Snapshot:
        """Only funnels, stages, loss reasons and users: what plan and drift need."""

    def count_deals(self, funnel_id: str, stage_id: str | None = None) -> int:
        """Deals in a funnel or one stage (for destructive changes only)."""

    def apply_change(self, change: Change) -> ChangeResult:
        """Carry out one change whose ids are resolved; raise ConnectorError on refusal."""

    def close(self) -> None:
        """Release the HTTP client."""
