"""Paged reads of amoCRM entities inside a frozen time window, de-duplicated by id."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, TypeVar

from funnelkit.connectors.amocrm import events as ev
from funnelkit.connectors.amocrm import mapping as mp
from funnelkit.connectors.amocrm import shape
from funnelkit.connectors.amocrm.client import AmoCrmClient, Params
from funnelkit.connectors.base import Progress
from funnelkit.connectors.shape import ROW_FAILURES, row_error
from funnelkit.errors import ShapeError
from funnelkit.model import (
    Activity,
    Company,
    Contact,
    CustomField,
    DeadlineChange,
    Deal,
    Funnel,
    LossReason,
    Portal,
    ResponsibleChange,
    Stage,
    StageTransition,
    User,
)

# amocrm.md §3: the largest pages the vendor serves.
ENTITY_LIMIT = 250
EVENT_LIMIT = 100

T = TypeVar("T")


def numeric_order(value: str) -> tuple[int, int, str]:
    """Numbers in numeric order, other ids after them in text order."""
    digits = value.removeprefix(ev.TASK_PREFIX)
    return (0, int(digits), "") if digits.isdigit() else (1, 0, value)


def window(field: str, low: int | None, high: int | None) -> Params:
    """`filter[<field>][from|to]` (amocrm.md §6.1: both ends as PHP range filters)."""
    params: Params = {}
    if low is not None:
        params[f"filter[{field}][from]"] = low
    if high is not None:
        params[f"filter[{field}][to]"] = high
    return params


_RANGE = re.compile(r"filter\[(\w+)\]\[(from|to)\]")


def in_window(params: Params) -> Callable[[dict[str, Any]], bool]:
    """A client-side check of the range filters sent: an unknown filter is silently
    ignored and the whole list comes back (amocrm.md §15 pitfall 7)."""
    bounds: list[tuple[str, str, int]] = []
    for name, value in params.items():
        match = _RANGE.fullmatch(name)
        if match is not None:
            bounds.append((match.group(1), match.group(2), int(value)))

    def fits(item: dict[str, Any]) -> bool:
        for field, end, limit in bounds:
            value = item.get(field)
            if value is None:
                continue
            if (end == "from" and int(value) < limit) or (end == "to" and int(value) > limit):
                return False
        return True

    return fits


class Reader:
    """Reads one account's entities into model rows, reporting progress per entity."""

    def __init__(self, client: AmoCrmClient, progress: Progress) -> None:
        self.client = client
        self.progress = progress
        self.earliest_event_at: int | None = None
        self._started: list[str] = []

    def finish(self) -> None:
        """Close every progress bar this reader opened."""
        for entity in self._started:
            self.progress.finish(entity)
        self._started.clear()

    def collect(
        self,
        entity: str,
        path: str,
        key: str,
        params: Params,
        convert: Callable[[dict[str, Any]], T | None],
        *,
        limit: int = ENTITY_LIMIT,
        into: dict[str, T] | None = None,
        ident: Callable[[dict[str, Any]], str] = lambda item: str(item["id"]),
    ) -> dict[str, T]:
        """Every row of a list, keyed by vendor id: a row read twice keeps its later copy.

        A "changed since" read (`filter[updated_at][from]`) stops at a page with no row in
        the window: a server that ignored the filter then costs one page, not the list.
        """
        rows: dict[str, T] = {} if into is None else into
        fits = in_window(params)
        if entity not in self._started:
            # amoCRM lists carry no totals (amocrm.md §3), so bars run without one.
            self.progress.start(entity, None)
            self._started.append(entity)
        changed_since = "filter[updated_at][from]" in params
        for page in self.client.pages(path, key, params, limit):
            kept = 0
            for index, item in enumerate(page):
                try:
                    if not fits(item):
                        continue
                    kept += 1
                    row = convert(item)
                except ROW_FAILURES as exc:  # a documented row converts; this one did not
                    raise row_error(f"amoCRM GET {path}", f"GET {path}", index, exc) from None
                except ShapeError as exc:  # an object embedded in the row had a wrong shape
                    raise ShapeError(
                        f"amoCRM GET {path}: row {index}: {exc.message}", method=f"GET {path}"
                    ) from None
                if row is not None:
                    rows[ident(item)] = row
            self.progress.advance(entity, kept)
            if changed_since and page and not kept:
                break
        return rows

    def portal(self, domain: str) -> Portal:
        """The account, with its currency where the vendor gives one (§10.2)."""
        method = "GET /api/v4/account"
        answer = self.client.get("/api/v4/account", {"with": "datetime_settings"})
        try:
            return mp.portal(shape.account(method, answer), domain)
        except ROW_FAILURES as exc:
            raise row_error(f"amoCRM {method}", method, 0, exc) from None

    def users(self) -> list[User]:
        """Every user with their groups (§10.1)."""
        found = self.collect("users", "/api/v4/users", "users", {"with": "group"}, mp.user)
        return sorted(found.values(), key=lambda u: numeric_order(u.id))

    def pipelines(self) -> tuple[list[Funnel], list[Stage]]:
        """Pipelines with their statuses: one unpaginated request (§5.4)."""
        method = "GET /api/v4/leads/pipelines"
        payload = self.client.get("/api/v4/leads/pipelines")
        if payload is None:  # §5.1: an account always has a pipeline; none is not an answer
            raise ShapeError(f"amoCRM {method}: an empty answer (no pipelines)", method=method)
        items = mp.embedded(payload, "pipelines", method=method)
        try:
            funnels = [mp.funnel(item) for item in items]
            stages = [s for item in items for s in mp.pipeline_stages(item)]
        except ShapeError as exc:
            raise ShapeError(f"amoCRM {method}: {exc.message}", method=method) from None
        except ROW_FAILURES as exc:
            raise row_error(f"amoCRM {method}", method, 0, exc) from None
        return funnels, stages

    def loss_reasons(self) -> list[LossReason]:
        """Loss reasons (§9)."""
        found = self.collect(
            "loss_reasons", "/api/v4/leads/loss_reasons", "loss_reasons", {}, mp.loss_reason
        )
        return sorted(found.values(), key=lambda r: (r.sort, numeric_order(r.id)))

    def custom_fields(self) -> list[CustomField]:
        """Field definitions of leads, contacts and companies."""
        fields: list[CustomField] = []
        for entity in mp.FIELD_ENTITIES:
            found = self.collect(
                "custom_fields",
                f"/api/v4/{entity}/custom_fields",
                "custom_fields",
                {},
                partial(mp.custom_field, entity=entity),
            )
            fields.extend(sorted(found.values(), key=lambda f: numeric_order(f.id)))
        return fields

    def deals(self, params: Params, currency: str | None, into: dict[str, Deal]) -> None:
        """Leads with contacts and products (`with=`, §6.1/§6.2), in id order."""
        query = {"with": "contacts,catalog_elements", "order[id]": "asc", **params}
        self.collect(
            "deals", "/api/v4/leads", "leads", query, lambda i: mp.deal(i, currency), into=into
        )

    def contacts(self, params: Params, into: dict[str, Contact]) -> None:
        """Contacts in id order (§11)."""
        query = {"order[id]": "asc", **params}
        self.collect("contacts", "/api/v4/contacts", "contacts", query, mp.contact, into=into)

    def companies(self, params: Params, into: dict[str, Company]) -> None:
        """Companies in id order."""
        query = {"order[id]": "asc", **params}
        self.collect("companies", "/api/v4/companies", "companies", query, mp.company, into=into)

    def tasks(self, params: Params, into: dict[str, Activity]) -> None:
        """Tasks in id order (§8), as activities with "T"-prefixed ids."""
        query = {"order[id]": "asc", **params}
        self.collect(
            "tasks", "/api/v4/tasks", "tasks", query, ev.task, into=into,
            ident=lambda item: f"{ev.TASK_PREFIX}{item['id']}",
        )  # fmt: skip

    def events(
        self, types: Iterable[str], span: tuple[int | None, int | None], history: History
    ) -> None:
        """Events of some types created in `span`, filed into `history` page by page (5M
        events never sit in memory as JSON). Events have no `order` (§7): pages may overlap
        if the vendor's order shifts, and the event id de-duplicates them."""
        low, high = span
        # §7: the PHP SDK sends both lists comma-joined, `filter[created_at]=from,to`.
        query: Params = {"filter[type]": ",".join(types)}
        if low is not None or high is not None:
            query["filter[created_at]"] = f"{low or 0},{high if high is not None else 2**31 - 1}"
        fits = in_window(window("created_at", low, high))
        if "events" not in self._started:
            self.progress.start("events", None)
            self._started.append("events")
        for page in self.client.pages("/api/v4/events", "events", query, EVENT_LIMIT):
            for index, item in enumerate(page):
                try:
                    if not fits(item):
                        continue
                    history.add_one(item)
                    at = int(item["created_at"])
                except ROW_FAILURES as exc:
                    where = "amoCRM GET /api/v4/events"
                    raise row_error(where, "GET /api/v4/events", index, exc) from None
                if self.earliest_event_at is None or at < self.earliest_event_at:
                    self.earliest_event_at = at
            self.progress.advance("events", len(page))


class History:
    """Event rows split into the model's history tables."""

    def __init__(self) -> None:
        self.transitions: dict[str, StageTransition] = {}
        self.responsible: dict[str, ResponsibleChange] = {}
        self.deadlines: dict[str, DeadlineChange] = {}
        self.interactions: dict[str, Activity] = {}
        # Deletions seen: (event type, entity id, time), for the incremental merge.
        self.deleted: list[tuple[str, str, int]] = []

    def add(self, items: Iterable[dict[str, Any]]) -> None:
        """File several events."""
        for item in items:
            self.add_one(item)

    def add_one(self, item: dict[str, Any]) -> None:
        """File one event under its table; unknown shapes are skipped."""
        kind = str(item.get("type"))
        if kind == ev.STATUS_CHANGED:
            row = ev.transition(item)
            if row is not None:
                self.transitions[row.id] = row
        elif kind == ev.RESPONSIBLE_CHANGED:
            if item.get("entity_type") in (None, "lead"):
                change = ev.responsible_change(item)
                self.responsible[change.id] = change
        elif kind == ev.DEADLINE_CHANGED:
            deadline = ev.deadline_change(item)
            self.deadlines[deadline.id] = deadline
        elif kind.endswith("_deleted"):
            self.deleted.append((kind, str(item["entity_id"]), int(item["created_at"])))
        else:
            activity = ev.interaction(item)
            if activity is not None:
                self.interactions[activity.id] = activity

    def resolve_created(self, deals: Mapping[str, Deal], since: int | None) -> int | None:
        """A first history row for every lead created in the window that has none yet.

        Rows made from a lead go with it: a deleted lead (an incremental pull) loses its.
        Returns the earliest creation time among the rows made.
        """
        gone = [
            k
            for k, t in self.transitions.items()
            if k.startswith(ev.CREATED_PREFIX) and t.deal_id not in deals
        ]
        for key in gone:
            del self.transitions[key]
        first: dict[str, StageTransition] = {}
        has_first: set[str] = set()
        for row in self.transitions.values():
            if row.from_stage_id is None:
                has_first.add(row.deal_id)
                continue
            known = first.get(row.deal_id)
            if (
                known is None
                or row.at < known.at
                or (row.at == known.at and numeric_order(row.id) < numeric_order(known.id))
            ):
                first[row.deal_id] = row
        earliest: int | None = None
        for deal in deals.values():
            if deal.id in has_first or (since is not None and deal.created_at < since):
                continue
            made = ev.created(deal, first.get(deal.id))
            self.transitions[made.id] = made
            if earliest is None or made.at < earliest:
                earliest = made.at
        return earliest


def ordered(rows: Iterable[T], key: Callable[[T], str]) -> tuple[T, ...]:
    """Rows in vendor id order, as the emulator's state keeps them."""
    return tuple(sorted(rows, key=lambda r: numeric_order(key(r))))
