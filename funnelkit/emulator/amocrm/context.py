"""What a route handler gets: the app's parts, the request, the caller and the time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.emulator.amocrm.auth import Caller
from funnelkit.emulator.amocrm.events import EventIndex
from funnelkit.emulator.amocrm.hal import fail, paged, validation
from funnelkit.emulator.amocrm.query import Paging, flat_params
from funnelkit.emulator.amocrm.store import Store
from funnelkit.emulator.serving.server import Request, Response
from funnelkit.emulator.state import EmulatorOptions, PortalState


@dataclass
class Account:
    """Account-level things the vendor-neutral state does not hold."""

    id: int
    subdomain: str
    descriptions: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    tag_ids: dict[str, int] = field(default_factory=dict)
    reason_stamps: dict[str, int] = field(default_factory=dict)
    description_seq: int = 487
    task_results: dict[str, str] = field(default_factory=dict)
    trash: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # lead → (at, by)

    def next_description(self) -> int:
        """Description ids: odd and increasing, as in the docs' examples (489, 491, …)."""
        self.description_seq += 2
        return self.description_seq

    def tag_id(self, name: str) -> int:
        """A stable id per tag name, assigned in first-seen order."""
        if name not in self.tag_ids:
            self.tag_ids[name] = 100_000 + len(self.tag_ids) + 1
        return self.tag_ids[name]


@dataclass
class Ctx:
    """One request in flight."""

    state: PortalState
    options: EmulatorOptions
    store: Store
    events: EventIndex
    account: Account
    request: Request
    caller: Caller
    base: str
    query: dict[str, Any]
    groups: tuple[str, ...] = ()

    @property
    def now(self) -> int:
        """Emulator time, whole seconds."""
        return int(self.options.clock.now())

    @property
    def params(self) -> list[tuple[str, str]]:
        """The query as ordered pairs (for `_links`)."""
        return flat_params(self.request.query)

    def page(self, key: str, items: list[dict[str, Any]], at: Paging, more: bool) -> Response:
        """One page of a collection with its HAL links, or 204 when it is empty (§3)."""
        return paged(
            key,
            items,
            base=self.base,
            path=self.request.path,
            params=self.params,
            page=at.page,
            limit=at.limit,
            more=more,
        )

    @property
    def href(self) -> str:
        """The request's own URL, for `_links.self`."""
        return f"{self.base}{self.request.path}"

    def body(self) -> Any:
        """The JSON body; empty or broken bodies get the documented 400s (§2)."""
        try:
            data = self.request.json()
        except ValueError:
            raise fail(400, "Request body is not valid JSON") from None
        if data is None or data == [] or data == {}:
            raise fail(400, "Request data can not be empty")
        return data

    def batch(self, cap: int = 250) -> list[dict[str, Any]]:
        """A JSON array of objects, at most `cap` of them (§3: 422 "Limit 250 per page")."""
        data = self.body()
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise validation([("0", "InvalidType", "", "This value should be of type array.")])
        if len(data) > cap:
            raise fail(422, f"Limit {cap} per page")
        return data

    def require_admin(self) -> None:
        """amocrm.md §5.2: pipeline and status writes are admin-only."""
        if not self.caller.admin:
            raise fail(403, "Access denied")


Handler = Callable[[Ctx], Response]


def request_id(item: dict[str, Any], index: int) -> str:
    """amocrm.md §5.8: the sent request_id, else the array index as a string."""
    value = item.get("request_id")
    return str(value) if value is not None else str(index)


def int_field(item: dict[str, Any], name: str, rid: str, path: str = "") -> int | None:
    """An optional integer field of a write, 400 InvalidType when it is not one."""
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise validation([(rid, "InvalidType", path + name, "This value should be of type int.")])
    return value
