"""Checking a vendor answer against the shape its method documents, before it is used.

Envelopes and pages go through a pydantic model per method (a handful of keys, cheap); rows
get only the checks that keep them usable (a mapping with an id), so a 1M-row pull pays a
dict lookup per row, not a model. A wrong shape is a `ShapeError` (exit 3, never retried):
asking again gets the same answer, and using it would make an empty or invented snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from funnelkit.errors import ShapeError

M = TypeVar("M", bound=BaseModel)

# A row conversion failing on one of these means the row is not what the method documents.
ROW_FAILURES: tuple[type[Exception], ...] = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
)


def what(value: Any) -> str:
    """A short description of a value's kind, never its content (which may hold secrets)."""
    if isinstance(value, Mapping):
        keys = ", ".join(sorted(str(k) for k in value)[:5])
        return f"an object with keys [{keys}]" if keys else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def summary(exc: ValidationError) -> str:
    """The first few validation problems as `where: what` pairs."""
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "(top)"
        parts.append(f"{where}: {error['msg'].lower()}")
    return "; ".join(parts)


def validate(model: type[M], payload: Any, where: str, method: str) -> M:
    """`payload` as `model`, or a ShapeError naming the method and what was wrong."""
    if not isinstance(payload, Mapping):
        raise ShapeError(f"{where}: expected an object, got {what(payload)}", method=method)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise ShapeError(f"{where}: unexpected answer ({summary(exc)})", method=method) from None


def row_error(where: str, method: str, index: int, exc: BaseException) -> ShapeError:
    """The error for one row a method returned that cannot be read."""
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return ShapeError(f"{where}: row {index} is not usable ({detail[:200]})", method=method)


TOTAL_TOLERANCE = 0.01
TOTAL_SLACK = 2


def check_total(where: str, method: str, total: int, read: int) -> None:
    """Rows read must match the count the vendor announced, give or take the rows added or
    removed while the pull ran: `TOTAL_TOLERANCE` of the count, at least `TOTAL_SLACK` rows."""
    allowed = max(TOTAL_SLACK, int(total * TOTAL_TOLERANCE))
    if abs(total - read) > allowed:
        raise ShapeError(
            f"{where}: the answer announced {total} rows but {read} were read "
            f"(more than {allowed} apart)",
            "Rows may come and go during a pull, but not this many; run the pull again, and "
            "if it repeats, the server is not answering like the vendor's API",
            method=method,
        )
