"""AmoCrmApp: routes amoCRM/Kommo v4 requests onto a PortalState."""

from __future__ import annotations

import re
import zlib

from funnelkit.emulator.amocrm import accountapi, entities, eventsapi, leads, leadwrites
from funnelkit.emulator.amocrm import pipelines as pipes
from funnelkit.emulator.amocrm.auth import Caller, TokenBook
from funnelkit.emulator.amocrm.context import Account, Ctx, Handler
from funnelkit.emulator.amocrm.events import Deletion, EventIndex
from funnelkit.emulator.amocrm.guard import Guard, blocked, too_many
from funnelkit.emulator.amocrm.hal import Problem, problem
from funnelkit.emulator.amocrm.leadops import event_id
from funnelkit.emulator.amocrm.query import nest
from funnelkit.emulator.amocrm.store import Store
from funnelkit.emulator.serving.server import Request, Response
from funnelkit.emulator.state import EmulatorOptions, PortalState

_N = r"(\d+)"
ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/api/v4/account", accountapi.account),
    ("GET", "/api/v4/leads/pipelines", pipes.list_pipelines),
    ("POST", "/api/v4/leads/pipelines", pipes.add_pipelines),
    ("GET", f"/api/v4/leads/pipelines/{_N}", pipes.get_pipeline),
    ("PATCH", f"/api/v4/leads/pipelines/{_N}", pipes.edit_pipeline),
    ("DELETE", f"/api/v4/leads/pipelines/{_N}", pipes.delete_pipeline),
    ("GET", f"/api/v4/leads/pipelines/{_N}/statuses", pipes.list_statuses),
    ("POST", f"/api/v4/leads/pipelines/{_N}/statuses", pipes.add_statuses),
    ("GET", f"/api/v4/leads/pipelines/{_N}/statuses/{_N}", pipes.get_status),
    ("PATCH", f"/api/v4/leads/pipelines/{_N}/statuses/{_N}", pipes.edit_status),
    ("DELETE", f"/api/v4/leads/pipelines/{_N}/statuses/{_N}", pipes.delete_status),
    ("GET", "/api/v4/leads/loss_reasons", accountapi.list_reasons),
    ("POST", "/api/v4/leads/loss_reasons", accountapi.add_reasons),
    ("GET", f"/api/v4/leads/loss_reasons/{_N}", accountapi.get_reason),
    ("PATCH", f"/api/v4/leads/loss_reasons/{_N}", accountapi.edit_reason),
    ("DELETE", f"/api/v4/leads/loss_reasons/{_N}", accountapi.delete_reason),
    ("GET", "/api/v4/(leads|contacts|companies)/custom_fields", accountapi.list_fields),
    ("GET", f"/api/v4/(leads|contacts|companies)/custom_fields/{_N}", accountapi.get_field),
    ("GET", "/api/v4/leads", leads.list_leads),
    ("POST", "/api/v4/leads", leadwrites.add_leads),
    ("PATCH", "/api/v4/leads", leadwrites.edit_leads),
    ("GET", f"/api/v4/leads/{_N}", leads.get_lead),
    ("PATCH", f"/api/v4/leads/{_N}", leadwrites.edit_lead),
    ("GET", "/api/v4/events", eventsapi.list_events),
    ("GET", "/api/v4/events/types", eventsapi.event_types),
    ("GET", r"/api/v4/events/([0-9a-z]+)", eventsapi.get_event),
    ("GET", "/api/v4/tasks", entities.list_tasks),
    ("POST", "/api/v4/tasks", entities.add_tasks),
    ("PATCH", "/api/v4/tasks", entities.edit_tasks),
    ("GET", f"/api/v4/tasks/{_N}", entities.get_task),
    ("PATCH", f"/api/v4/tasks/{_N}", entities.edit_tasks),
    ("GET", "/api/v4/users", accountapi.list_users),
    ("GET", f"/api/v4/users/{_N}", accountapi.get_user),
    ("GET", "/api/v4/contacts", entities.list_contacts),
    ("GET", f"/api/v4/contacts/{_N}", entities.get_contact),
    ("GET", "/api/v4/companies", entities.list_companies),
    ("GET", f"/api/v4/companies/{_N}", entities.get_company),
]
_COMPILED = [(m, re.compile(p + "/?"), h) for m, p, h in ROUTES]


class AmoCrmApp:
    """The amoCRM/Kommo v4 API over a PortalState (the App protocol of server.py).

    Knobs beyond EmulatorOptions: `retry_after` of a 429 (the docs' example says 300;
    a test waits 1 s by default), `block_after` refusals before an IP is blocked
    (None: never), `html_429` for nginx's non-JSON 429, `unpaid` for the 402 mode.
    """

    def __init__(
        self,
        state: PortalState,
        options: EmulatorOptions | None = None,
        *,
        retry_after: int = 1,
        block_after: int | None = 200,
        html_429: bool = False,
        unpaid: bool = False,
        account_id: int | None = None,
    ) -> None:
        self.state = state
        self.options = options or EmulatorOptions()
        subdomain = state.domain.split(".")[0] or "example"
        derived = zlib.crc32(state.domain.encode()) % 90_000_000 + 10_000_000
        self.account = Account(id=account_id or derived, subdomain=subdomain)
        self.tokens = TokenBook(self.options, api_domain=f"api-b.{state.domain}")
        self.guard = Guard(self.options.clock, block_after, retry_after, html_429)
        self.store = Store(state)
        self.events = EventIndex(state)
        self.unpaid = unpaid

    def issue_code(self, user_id: str | None = None, admin: bool = True) -> str:
        """An OAuth authorization code for `/oauth2/access_token` (single use, 20 min)."""
        return self.tokens.issue_code(user_id, admin)

    def invalidate(self) -> None:
        """Call after changing `state` directly: indexes are rebuilt on next use."""
        self.store.invalidate()
        self.events.invalidate()

    def delete(self, entity: str, entity_id: str, by: str | None = None) -> bool:
        """Remove a lead, contact, company or task as a user would in the UI.

        The v4 API has no delete for these; the account logs `<entity>_deleted` (§7) and
        keeps deleted leads in the trash (`with=only_deleted`, §6.1).
        """
        with self.state.lock:
            removed = self._remove(entity, entity_id)
            if removed is None:
                return False
            now = int(self.options.clock.now())
            if entity == "lead":
                self.account.trash[entity_id] = (now, by)
            self.events.deletions.append(Deletion(event_id(self.state), entity, entity_id, now, by))
        self.store.invalidate()
        return True

    def _remove(self, entity: str, entity_id: str) -> object | None:
        if entity == "lead":
            return self.state.deals.pop(entity_id, None)
        if entity == "contact":
            return self.state.contacts.pop(entity_id, None)
        if entity == "company":
            return self.state.companies.pop(entity_id, None)
        if entity == "task":
            for index, row in enumerate(self.state.activities):
                if row.id == entity_id:
                    return self.state.activities.pop(index)
            return None
        raise ValueError(f"cannot delete a {entity!r}: lead, contact, company or task")

    def expire_tokens(self) -> None:
        """Every OAuth access token issued so far expires now."""
        self.tokens.expire_tokens()

    def fault_response(self, kind: str) -> Response:
        """The vendor's answer for an injected fault: 429 JSON, 403 HTML block, or 503."""
        if kind == "429":
            return too_many(self.guard.retry_after, self.guard.html_429)
        if kind == "403":
            return blocked()
        return problem(503, "Service Unavailable")

    def handle(self, request: Request) -> Response:
        """Answer one request."""
        if request.path.rstrip("/") == "/oauth2/access_token":
            if request.method != "POST":
                return problem(405, "Method Not Allowed")
            return self.tokens.grant(request)
        if request.path.startswith("/api/"):
            refused = self._admit(request)
            if refused is not None:
                return refused
        caller = self.tokens.caller(request.header("authorization"))
        if caller is None:
            # amocrm.md §1.5: wrong, expired or missing token
            return problem(401, "Invalid user name or password")
        if self.unpaid:
            return problem(402, "Payment required")
        return self._route(request, caller)

    def _admit(self, request: Request) -> Response | None:
        if request.client in self.guard.blocked:
            return blocked()
        if not self.options.rate_limit:
            return None
        return self.guard.check(request.client)

    def _route(self, request: Request, caller: Caller) -> Response:
        base = (
            f"http://{request.header('host')}"
            if request.header("host")
            else (f"https://{self.state.domain}")
        )
        path_known = False
        for method, pattern, handler in _COMPILED:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            path_known = True
            if method != request.method:
                continue
            ctx = Ctx(
                self.state,
                self.options,
                self.store,
                self.events,
                self.account,
                request,
                caller,
                base,
                nest(request.query),
                match.groups(),
            )
            try:
                # One request at a time on the state: reads build indexes from the same
                # dicts that writes change, and the API is rate limited anyway.
                with self.state.lock:
                    return handler(ctx)
            except Problem as refused:
                return refused.response
        if path_known:
            return problem(405, "Method Not Allowed")
        return problem(404, f"Cannot {request.method} {base}{request.path}")
