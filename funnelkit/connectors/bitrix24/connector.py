"""`Bitrix24Connector`: the Connector protocol over a Bitrix24 portal."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from funnelkit import __version__
from funnelkit.connectors.base import Credentials, PortalSettings, Progress, PullScope
from funnelkit.connectors.bitrix24 import envelope, mapping, spa, specs
from funnelkit.connectors.bitrix24.auth import OAuthAuth, WebhookAuth
from funnelkit.connectors.bitrix24.client import Bitrix24Client
from funnelkit.connectors.bitrix24.pull import (
    PullResult,
    base_statuses,
    domain_of,
    limits,
    read_tables,
    structure_of,
)
from funnelkit.connectors.bitrix24.structure import read_structure
from funnelkit.connectors.bitrix24.tables import Tables
from funnelkit.connectors.http import ApiClient, connect_timeout
from funnelkit.errors import ConfigError
from funnelkit.model import (
    Change,
    ChangeResult,
    DataSet,
    DataState,
    DataStatus,
    Manifest,
    Scope,
    Snapshot,
    Vendor,
)
from funnelkit.store.spool import spooled

# §5.1: 2 requests/s drain, bucket of 50 (enterprise plans: 5/s and 250, set in the config).
DEFAULT_RATE = 2.0
DEFAULT_BURST = 50


def make_auth(settings: PortalSettings, credentials: Credentials) -> WebhookAuth | OAuthAuth:
    """Webhook when one is given, else OAuth tokens from the token file."""
    if credentials.webhook is not None:
        return WebhookAuth(credentials.webhook.get_secret_value())
    token_file = credentials.token_file or settings.token_file
    if token_file is not None:
        return OAuthAuth(settings, credentials, token_file.expanduser())
    raise ConfigError(
        "bitrix24 needs an incoming webhook URL or an OAuth token file",
        "export FUNNELKIT_<NAME>_WEBHOOK=https://PORTAL/rest/USER_ID/CODE/ or set token_file",
    )


class Bitrix24Connector:
    """A live Bitrix24 portal."""

    vendor = Vendor.BITRIX24

    def __init__(
        self,
        settings: PortalSettings,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        http = httpx.Client(
            transport=transport, timeout=connect_timeout(settings.timeout), follow_redirects=False
        )
        auth = make_auth(settings, credentials)
        self.api = ApiClient(
            http,
            vendor="bitrix24",
            rate=settings.rate_limit or DEFAULT_RATE,
            burst=settings.burst or DEFAULT_BURST,
            max_retry_seconds=settings.max_retry_seconds,
            check=envelope.check,
            sleep=sleep,
        )
        self.client = Bitrix24Client(self.api, auth, wall=wall, sleep=sleep)

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (retries included)."""
        return self.api.requests

    def _manifest(
        self,
        scope: PullScope,
        pulled_at: int,
        statuses: dict[DataSet, DataStatus],
        cursors: dict[str, str],
        incremental_from: str | None = None,
    ) -> Manifest:
        return Manifest(
            vendor=Vendor.BITRIX24,
            domain=domain_of(self.settings.url),
            pulled_at=pulled_at,
            funnelkit_version=__version__,
            data={**base_statuses(scope), **statuses},
            scope=Scope(
                funnels=scope.funnels,
                since=scope.since,
                history=scope.history,
                tasks=scope.tasks,
                incremental_from=incremental_from,
            ),
            limits=limits(),
            cursors=cursors,
        )

    def pull(self, scope: PullScope, progress: Progress) -> Snapshot:
        """Read the portal into a snapshot."""
        got = read_tables(
            self.client,
            scope,
            progress,
            max_wait=self.settings.max_retry_seconds,
            concurrency=self.settings.concurrency,
        )
        return self.assemble(scope, got)

    def assemble(
        self, scope: PullScope, got: PullResult, incremental_from: str | None = None
    ) -> Snapshot:
        """A snapshot from what a pull read."""
        tables = got.tables
        structure = structure_of(
            self.settings.url,
            got.funnels,
            got.stages,
            got.fields,
            tables.users,
            got.smart_processes,
        )
        for group in tables.items.row_groups():  # smart-process items follow the deals
            tables.deals.add_arrow(group)
        tables.items = Tables().items
        cursors = {
            f"{entity}.last_id": str(value) for entity, value in sorted(got.last_ids.items())
        }
        manifest = self._manifest(scope, got.started_at, got.statuses, cursors, incremental_from)
        gaps = spa.spa_data(bool(got.smart_processes), got.spa_unavailable)
        manifest = manifest.model_copy(update={"spa_data": gaps})
        transitions = tables.transitions.finish()
        history = spooled(transitions)
        if transitions and history is not None:
            earliest = history.minimum("at")
            manifest = manifest.model_copy(update={"earliest_event_at": earliest})
        return Snapshot(
            manifest=manifest,
            structure=structure,
            deals=tables.deals.finish(),
            transitions=transitions,
            activities=tables.activities.finish(),
            contacts=tables.contacts.finish(),
            companies=tables.companies.finish(),
        ).with_counts()

    def pull_incremental(self, old: Snapshot, progress: Progress) -> Snapshot:
        """Read what changed since `old` and merge (see incremental.py)."""
        from funnelkit.connectors.bitrix24.incremental import pull_incremental

        return pull_incremental(self, old, progress)

    def pull_structure(self) -> Snapshot:
        """Funnels, stages, fields and users only: what plan and drift need."""
        from funnelkit.connectors.base import NullProgress
        from funnelkit.connectors.bitrix24.jobs import Job, run_jobs
        from funnelkit.connectors.bitrix24.paging import Cursor

        types = {"types": spa.types_command()}
        funnels, stages, fields, first = read_structure(self.client, leads=True, extra=types)
        # Smart processes are part of the shape plans and drift compare (spa.py); their
        # items are not read.
        smart = spa.read_spa(self.client, first, items=False)
        funnels, stages = [*funnels, *smart.funnels], [*stages, *smart.stages]
        pulled_at = int(self.client.server_time or self.client.wall())
        tables = Tables()
        users = Cursor(specs.USERS)
        job = Job(users, lambda rows: tables.users.extend(map(mapping.user, rows)))
        run_jobs(self.client, [job], NullProgress(), max_wait=self.settings.max_retry_seconds)
        not_pulled = DataStatus(state=DataState.NOT_PULLED, reason="structure only")
        records = (DataSet.DEALS, DataSet.LEADS, DataSet.STAGE_HISTORY, DataSet.TASKS,
                   DataSet.ACTIVITIES, DataSet.CONTACTS, DataSet.COMPANIES,
                   DataSet.LAST_ACTIVITY_TIME)  # fmt: skip
        statuses = dict.fromkeys(records, not_pulled)
        got = PullResult(tables, statuses, funnels, stages, fields, {}, pulled_at, first)
        got.smart_processes = smart.processes
        got.spa_unavailable = smart.unavailable
        return self.assemble(PullScope(), got)

    def count_deals(self, funnel_id: str, stage_id: str | None = None) -> int:
        """Deals in a funnel or one stage (a counted read: for destructive changes only)."""
        from funnelkit.connectors.bitrix24.writes import count_items

        return count_items(self.client, funnel_id, stage_id)

    def apply_change(self, change: Change) -> ChangeResult:
        """Carry out one change (see writes.py)."""
        from funnelkit.connectors.bitrix24.writes import apply_change

        return apply_change(self.client, change)

    def close(self) -> None:
        """Release the HTTP client."""
        self.api.client.close()
