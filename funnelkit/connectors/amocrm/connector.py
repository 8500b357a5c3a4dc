"""`AmoCrmConnector`: the Connector protocol for amoCRM and Kommo accounts."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from funnelkit.connectors.amocrm.client import AmoCrmClient
from funnelkit.connectors.amocrm.incremental import IncrementalPull
from funnelkit.connectors.amocrm.pull import LIMITS, FullPull, Rows, build
from funnelkit.connectors.amocrm.reader import Reader
from funnelkit.connectors.amocrm.writes import Writer
from funnelkit.connectors.base import Credentials, NullProgress, PortalSettings, Progress, PullScope
from funnelkit.model import (
    Change,
    ChangeResult,
    DataSet,
    DataState,
    DataStatus,
    Snapshot,
    Vendor,
    VendorLimits,
)


class AmoCrmConnector:
    """A live amoCRM/Kommo account reached through its own host (amocrm.md §1.4)."""

    vendor = Vendor.AMOCRM
    limits: VendorLimits = LIMITS

    def __init__(
        self,
        settings: PortalSettings,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.settings = settings
        self.client = AmoCrmClient(settings, credentials, transport=transport)
        # The snapshot names the account by host only: never a token, never a path.
        parts = urlsplit(settings.url)
        host = parts.hostname or settings.url
        self.domain = f"{host}:{parts.port}" if parts.port else host
        self._clock = clock

    def _full(self, progress: Progress) -> FullPull:
        reader = Reader(self.client, progress)
        if self._clock is None:
            return FullPull(reader, self.domain)
        return FullPull(reader, self.domain, self._clock)

    def pull(self, scope: PullScope, progress: Progress) -> Snapshot:
        """Read the account into a snapshot."""
        return self._full(progress).run(scope)

    def pull_incremental(self, old: Snapshot, progress: Progress) -> Snapshot:
        """Read what changed since `old` and merge it: equal to a full pull now."""
        return IncrementalPull(self._full(progress)).run(old)

    def pull_structure(self) -> Snapshot:
        """Pipelines, statuses, loss reasons and users only (plan and drift)."""
        full = self._full(NullProgress())
        started = int(full.clock())
        structure = full.structure(with_fields=False)
        scope = PullScope(history=False, tasks=False)
        snapshot = build(structure, Rows(), scope, set(), started, None)
        missing = DataStatus(state=DataState.NOT_PULLED, reason="structure-only pull")
        data = {
            key: (value if key in _STRUCTURE_SETS else missing)
            for key, value in snapshot.manifest.data.items()
        }
        manifest = snapshot.manifest.model_copy(update={"data": data})
        return Snapshot(manifest=manifest, structure=snapshot.structure)

    def count_deals(self, funnel_id: str, stage_id: str | None = None) -> int:
        """Leads in a pipeline or one status; amoCRM has no count, so the ids are paged."""
        return len(Writer(self.client).lead_ids(funnel_id, stage_id))

    def apply_change(self, change: Change) -> ChangeResult:
        """Carry out one change; refusals raise ConnectorError (exit 3)."""
        return Writer(self.client).apply(change)

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (benchmarks and tests compare them)."""
        return self.client.requests

    def close(self) -> None:
        """Release the HTTP client."""
        self.client.close()


_STRUCTURE_SETS = {DataSet.STRUCTURE, DataSet.USERS, DataSet.LOSS_REASONS, DataSet.LEADS}
