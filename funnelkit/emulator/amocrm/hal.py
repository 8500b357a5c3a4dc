"""HAL+JSON envelopes, problem+json errors and the other response shapes of amoCRM v4."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from funnelkit.emulator.serving.server import Response, json_response

HAL = "application/hal+json"  # amocrm.md §2: every success
PROBLEM = "application/problem+json"  # amocrm.md §2: every error

# amocrm.md §4: a blocked IP gets nginx's HTML page, not JSON (amocrm-api-php #434).
BLOCK_PAGE = (
    b"<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
    b"<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
TOO_MANY_PAGE = (
    b"<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n"
    b"<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


class Problem(Exception):
    """Raised by handlers: the app turns it into its response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def ok(payload: Any, status: int = 200) -> Response:
    """A HAL+JSON success."""
    return json_response(status, payload, HAL)


def no_content() -> Response:
    """amocrm.md §2: empty lists, missing ids and deletes answer 204 with no body."""
    return Response(204, b"", {})


def problem(status: int, detail: str, **extra: Any) -> Response:
    """The httpstatus.es problem body of amocrm.md §2 / §1.5."""
    body: dict[str, Any] = {
        "title": TITLES.get(status, "Error"),
        "type": f"https://httpstatus.es/{status}",
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    return json_response(status, body, PROBLEM)


def fail(status: int, detail: str, **extra: Any) -> Problem:
    """A Problem to raise."""
    return Problem(problem(status, detail, **extra))


def validation(errors: list[tuple[str, str, str, str]]) -> Problem:
    """amocrm.md §2 validation-errors: (request_id, code, path, detail) rows, grouped."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for request_id, code, path, detail in errors:
        grouped.setdefault(request_id, []).append({"code": code, "path": path, "detail": detail})
    rows = [{"request_id": rid, "errors": errs} for rid, errs in grouped.items()]
    body = {
        "validation-errors": rows,
        "title": "Bad Request",
        "type": "https://httpstatus.es/400",
        "status": 400,
        "detail": "Request validation failed",
    }
    return Problem(json_response(400, body, PROBLEM))


def link(href: str) -> dict[str, dict[str, str]]:
    """A `_links` object with only `self`."""
    return {"self": {"href": href}}


def query_string(params: list[tuple[str, str]]) -> str:
    """Brackets left readable as in the docs' hrefs (amocrm.md §8 tasks list example)."""
    return "&".join(f"{quote(k, safe='[]')}={quote(v, safe='[],')}" for k, v in params)


def page_links(
    base: str, path: str, params: list[tuple[str, str]], page: int, limit: int, more: bool
) -> dict[str, Any]:
    """amocrm.md §3/§6.2: self always, next while more rows exist, first/prev past page 1."""
    kept = [(k, v) for k, v in params if k not in ("page", "limit")]

    def href(number: int) -> dict[str, str]:
        query = query_string([*kept, ("limit", str(limit)), ("page", str(number))])
        return {"href": f"{base}{path}?{query}"}

    links: dict[str, Any] = {"self": href(page)}
    if more:
        links["next"] = href(page + 1)
    if page > 1:
        links["first"] = href(1)
        links["prev"] = href(page - 1)
    return links


def paged(
    key: str,
    items: list[dict[str, Any]],
    *,
    base: str,
    path: str,
    params: list[tuple[str, str]],
    page: int,
    limit: int,
    more: bool,
) -> Response:
    """A paginated collection, or 204 when the page is empty (amocrm.md §3)."""
    if not items:
        return no_content()
    payload = {
        "_page": page,
        "_links": page_links(base, path, params, page, limit, more),
        "_embedded": {key: items},
    }
    return ok(payload)


def total(key: str, items: list[dict[str, Any]], self_href: str | None) -> Response:
    """A non-paginated collection with `_total_items` (amocrm.md §5.4, §5.7)."""
    payload: dict[str, Any] = {"_total_items": len(items)}
    if self_href is not None:
        payload["_links"] = link(self_href)
    payload["_embedded"] = {key: items}
    return ok(payload)
