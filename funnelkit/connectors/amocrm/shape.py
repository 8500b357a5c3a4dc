"""The HAL+JSON shapes amoCRM answers in (amocrm.md §2, §3), checked before any row is used."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.connectors.shape import validate, what
from funnelkit.errors import ShapeError

VENDOR = "amoCRM"


class Link(BaseModel):
    """One `_links` entry."""

    model_config = ConfigDict(extra="allow")

    href: str


class Links(BaseModel):
    """`_links`: `self`, and `next` while more pages exist (§3)."""

    model_config = ConfigDict(extra="allow")

    next: Link | None = None


class Page(BaseModel):
    """A list answer: `_embedded.<key>` holds the rows; `_page` echoes the page (§2, §3)."""

    model_config = ConfigDict(extra="allow")

    embedded: dict[str, Any] = Field(alias="_embedded")
    links: Links | None = Field(default=None, alias="_links")
    page: int | None = Field(default=None, alias="_page")


class Account(BaseModel):
    """`GET /api/v4/account` (§10.2): an id and, optionally, `_embedded` settings."""

    model_config = ConfigDict(extra="allow")

    id: int
    embedded: dict[str, Any] | None = Field(default=None, alias="_embedded")


def page(method: str, payload: Any, key: str) -> tuple[list[dict[str, Any]], Page]:
    """The rows of one list page, checked: objects with an `id`, under `_embedded.<key>`."""
    where = f"{VENDOR} {method}"
    checked = validate(Page, payload, where, method)
    if key not in checked.embedded:
        raise ShapeError(
            f"{where}: `_embedded` has no `{key}` (got {what(checked.embedded)})", method=method
        )
    return rows(where, method, checked.embedded[key], key), checked


def rows(where: str, method: str, items: Any, key: str) -> list[dict[str, Any]]:
    """A list of objects each carrying an `id`: the cheap per-row check (no model per row)."""
    if not isinstance(items, list):
        raise ShapeError(f"{where}: `_embedded.{key}` is {what(items)}, not a list", method=method)
    for index, item in enumerate(items):
        if not isinstance(item, dict) or item.get("id") is None:
            raise ShapeError(
                f"{where}: `_embedded.{key}` row {index} is {what(item)} without an id",
                method=method,
            )
    return items


def account(method: str, payload: Any) -> dict[str, Any]:
    """The account object, checked."""
    validate(Account, payload, f"{VENDOR} {method}", method)
    return dict(payload)
