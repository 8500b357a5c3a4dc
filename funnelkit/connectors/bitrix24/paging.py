"""Keyset paging inside `batch`: 50 chained commands × 50 rows = 2,500 rows a request (§3, §4)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from funnelkit.connectors.bitrix24.client import (
    MAX_BATCH,
    PAGE,
    BatchResult,
    Bitrix24Client,
    command,
)
from funnelkit.connectors.shape import ROW_FAILURES, row_error, what
from funnelkit.errors import ConnectorError, ShapeError


@dataclass(frozen=True)
class ListSpec:
    """How one list method pages: its id field, its result wrapper, its fixed parameters."""

    entity: str
    method: str
    id_field: str = "ID"  # the field named in filter/order
    row_id: str = "ID"  # the key of the id in returned rows
    wrapper: str | None = None  # crm.item/stagehistory: "items", tasks: "tasks"
    base: Mapping[str, Any] = field(default_factory=dict)
    user_sort: bool = False  # user.get orders with `sort`/`order` strings (§10)

    def params(
        self, after: int | str, extra: Mapping[str, Any], *, desc: bool = False
    ) -> dict[str, Any]:
        """List parameters for rows with id > `after` (or the highest first when `desc`)."""
        flt: dict[str, Any] = dict(extra)
        if not desc:
            flt[f">{self.id_field}"] = after
        out: dict[str, Any] = {**self.base, "filter": flt, "start": -1}
        direction = "DESC" if desc else "ASC"
        if self.user_sort:
            out["sort"], out["order"] = self.id_field, direction
        else:
            out["order"] = {self.id_field: direction}
        return out

    def ref(self, name: str) -> str:
        """`$result[p3][items][49][id]`: the last id of the previous command's full page."""
        wrap = f"[{self.wrapper}]" if self.wrapper else ""
        return f"$result[{name}]{wrap}[{PAGE - 1}][{self.row_id}]"

    def rows(self, result: Any) -> list[dict[str, Any]]:
        """The rows of one page, checked: the method's wrapper (§2.1, §17.4), then a list
        (or a keyed PHP map) of objects, each with its id. Anything else is a ShapeError."""
        where = f"bitrix24 {self.method}"
        if self.wrapper is not None:
            if not isinstance(result, dict) or self.wrapper not in result:
                raise ShapeError(
                    f"{where}: expected {{{self.wrapper!r}: [...]}}, got {what(result)}",
                    method=self.method,
                )
            result = result[self.wrapper]
        if isinstance(result, dict):  # an empty PHP map or a keyed list
            result = list(result.values())
        if not isinstance(result, list):
            raise ShapeError(
                f"{where}: expected a list of rows, got {what(result)}", method=self.method
            )
        for index, row in enumerate(result):
            if not isinstance(row, dict):
                raise ShapeError(f"{where}: row {index} is {what(row)}", method=self.method)
            try:
                self.id_of(row)
            except ValueError:
                raise ShapeError(
                    f"{where}: row {index} has no numeric {self.row_id}", method=self.method
                ) from None
        return result

    def id_of(self, row: Mapping[str, Any]) -> int:
        """A row's numeric id."""
        value = row.get(self.row_id, row.get(self.row_id.lower(), row.get(self.row_id.upper())))
        return int(str(value))


@dataclass
class Cursor:
    """Where one entity's keyset read stands; survives a method being paused (§5.2)."""

    spec: ListSpec
    extra: Mapping[str, Any] = field(default_factory=dict)
    after: int = 0
    max_id: int | None = None
    done: bool = False
    rows: int = 0


def need(cursor: Cursor) -> int:
    """Commands the next batch gives this chain: no more than its id range can fill."""
    if cursor.max_id is None:
        return MAX_BATCH
    # Each full page spans at least 50 ids, so this never falls short of the pages left.
    return max(1, min(MAX_BATCH, math.ceil((cursor.max_id - cursor.after) / PAGE)))


def _commands(cursor: Cursor, prefix: str = "", count: int | None = None) -> dict[str, str]:
    """Chained keyset commands p0..pN: each starts after the last id of the one before."""
    spec = cursor.spec
    names = [f"{prefix}p{i}" for i in range(need(cursor) if count is None else count)]
    return {
        name: command(
            spec.method,
            spec.params(cursor.after if i == 0 else spec.ref(names[i - 1]), cursor.extra),
        )
        for i, name in enumerate(names)
    }


Sink = Callable[[list[dict[str, Any]]], None]


def step(client: Bitrix24Client, cursor: Cursor, sink: Sink) -> None:
    """Read up to 2,500 more rows into `sink`; rows are handed over before an error is raised."""
    step_group(client, [(cursor, sink)])


def step_group(client: Bitrix24Client, members: list[tuple[Cursor, Sink]]) -> None:
    """One batch carrying the next commands of several chains (their tails share a request).

    Every chain's rows are handed over before the first failure among them is raised.
    """
    prefixes = [f"c{k}" if len(members) > 1 else "" for k in range(len(members))]
    parts = [
        _commands(cursor, prefix) for (cursor, _), prefix in zip(members, prefixes, strict=True)
    ]
    if sum(map(len, parts)) > MAX_BATCH:
        raise ValueError(f"a batch holds at most {MAX_BATCH} commands")
    batch = client.batch({name: cmd for part in parts for name, cmd in part.items()})
    failure: Exception | None = None
    for (cursor, sink), names in zip(members, parts, strict=True):
        try:
            _take(client, batch, cursor, list(names), sink)
        except Exception as exc:  # re-raised below, once every chain has its rows
            failure = failure or exc
    if failure is not None:
        raise failure


def _take(
    client: Bitrix24Client, batch: BatchResult, cursor: Cursor, names: list[str], sink: Sink
) -> None:
    spec = cursor.spec
    taken: list[dict[str, Any]] = []
    failed: str | None = None
    last = cursor.after
    for name in names:
        if name in batch.errors or name not in batch.result:
            failed = name
            break
        page = spec.rows(batch.result[name])
        # Ids must grow: a repeated page (a retried or mis-substituted command) is dropped.
        fresh = [row for row in page if spec.id_of(row) > last]
        if len(page) == PAGE and not fresh:
            failed = name
            break
        taken.extend(fresh)
        last = spec.id_of(fresh[-1]) if fresh else last
        if len(page) < PAGE:
            cursor.done = True
            break
    cursor.after, cursor.rows = last, cursor.rows + len(taken)
    cursor.done = cursor.done or (cursor.max_id is not None and last >= cursor.max_id)
    try:
        sink(taken)
    except ROW_FAILURES as exc:  # a row of the documented shape maps; this one did not
        raise row_error(f"bitrix24 {spec.method}", spec.method, cursor.rows, exc) from None
    if failed is not None and not cursor.done:
        _raise_failed(client, batch, failed, spec, last)


def _raise_failed(
    client: Bitrix24Client, batch: BatchResult, name: str, spec: ListSpec, last: int
) -> None:
    if name in batch.errors:
        client.raise_for(batch, name, spec.method)
    raise ConnectorError(
        f"bitrix24 {spec.method}: keyset paging did not advance past id {last}",
        "The portal ignored the >ID filter; report this portal's version",
        method=spec.method,
    )


def max_id_commands(cursors: list[Cursor]) -> dict[str, str]:
    """Commands reading each entity's highest id (id descending, `start=-1`, no count, §3)."""
    return {f"m_{c.spec.entity}": command(c.spec.method, _desc_params(c)) for c in cursors}


def apply_max_ids(cursors: list[Cursor], batch: BatchResult) -> dict[str, tuple[str, str] | None]:
    """Set `cursor.max_id` (0 for an empty table) from a batch; return errors per entity."""
    errors: dict[str, tuple[str, str] | None] = {}
    for cursor in cursors:
        name = f"m_{cursor.spec.entity}"
        if name in batch.errors:
            errors[cursor.spec.entity] = batch.errors[name]
            continue
        rows = cursor.spec.rows(batch.result.get(name))
        cursor.max_id = cursor.spec.id_of(rows[0]) if rows else 0
        if cursor.max_id <= cursor.after:
            cursor.done = True
    return errors


def _desc_params(cursor: Cursor) -> dict[str, Any]:
    params = cursor.spec.params(0, cursor.extra, desc=True)
    params["select"] = [cursor.spec.id_field]
    return params


PART_IDS = MAX_BATCH * PAGE  # parts are whole batches of ids, so dense ids cost no extra request
MIN_PART_UNITS = 4  # a part worth fewer batches than this is not worth its extra partial batch


def split(cursor: Cursor, parts: int) -> list[Cursor]:
    """Cut one keyset read into up to `parts` disjoint `>ID`/`<=ID` ranges read side by side.

    Every range but the last ends at a bound of its own; the last keeps the cursor's own end,
    so a range holds each id once and the union is the whole table. Each range may end in
    a partial batch, so only big tables are cut.
    """
    if parts <= 1 or cursor.done or cursor.max_id is None:
        return [cursor]
    units = math.ceil((cursor.max_id - cursor.after) / PART_IDS)
    count = min(parts, units // MIN_PART_UNITS)
    if count <= 1:
        return [cursor]
    width = math.ceil(units / count) * PART_IDS
    out: list[Cursor] = []
    lower = cursor.after
    while lower + width < cursor.max_id:
        bound = {**cursor.extra, f"<={cursor.spec.id_field}": lower + width}
        out.append(Cursor(cursor.spec, extra=bound, after=lower, max_id=lower + width))
        lower += width
    out.append(Cursor(cursor.spec, extra=cursor.extra, after=lower, max_id=cursor.max_id))
    return out


def expected_rows(cursors: list[Cursor]) -> dict[str, str]:
    """Entities whose highest-id read found rows beyond the cursor: entity -> method."""
    return {
        c.spec.entity: c.spec.method
        for c in cursors
        if not c.done and c.max_id is not None and c.max_id > c.after
    }


def check_read(expected: Mapping[str, str], read: Mapping[str, int]) -> None:
    """A table the portal said holds rows must not come back empty.

    Keyset reads carry no totals (`start=-1`, §3), so the highest id read first is the
    count to hold them to: rows deleted during the pull may shrink a table, but a table
    whose every page came back empty was not read, whatever the server claimed.
    """
    for entity, method in expected.items():
        if read.get(entity, 0) == 0:
            raise ShapeError(
                f"bitrix24 {method}: the highest-id read found {entity} rows, but every page "
                "came back empty",
                method=method,
            )
