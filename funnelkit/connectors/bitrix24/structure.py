"""Read a portal's shape in two batch requests: categories, stages, lead statuses, fields."""

from __future__ import annotations

from typing import Any

from funnelkit.connectors.bitrix24 import mapping
from funnelkit.connectors.bitrix24.client import MAX_BATCH, BatchResult, Bitrix24Client, command
from funnelkit.connectors.bitrix24.envelope import to_error
from funnelkit.connectors.bitrix24.paging import ListSpec
from funnelkit.connectors.shape import check_total, what
from funnelkit.errors import ShapeError
from funnelkit.model import CustomField, Funnel, Stage


def _status_cmd(entity_id: str, start: int = 0) -> str:
    # §6.3: crm.status.list ignores `select`; ENTITY_ID must be a string filter.
    return command(
        "crm.status.list",
        {"filter": {"ENTITY_ID": entity_id}, "order": {"SORT": "ASC"}, "start": start},
    )


# §2.1: crm.category.list wraps its rows in `categories`; crm.status.list answers a list.
_CATEGORIES = ListSpec(
    "funnels", "crm.category.list", id_field="id", row_id="id", wrapper="categories"
)
_STATUSES = ListSpec("stages", "crm.status.list")


def _rows(spec: ListSpec, result: Any) -> list[dict[str, Any]]:
    return spec.rows(result)


def read_structure(
    client: Bitrix24Client, *, leads: bool, extra: dict[str, str] | None = None
) -> tuple[list[Funnel], list[Stage], list[CustomField], BatchResult]:
    """Funnels, stages and user fields; `extra` commands ride along in the first batch."""
    first = {
        "cats": command("crm.category.list", {"entityTypeId": 2, "order": {"sort": "ASC"}}),
        "st_0": _status_cmd("DEAL_STAGE"),
        "f_deal": "crm.deal.fields",
    }
    if leads:
        first["st_lead"] = _status_cmd("STATUS")
        first["f_lead"] = "crm.lead.fields"
    first.update(extra or {})
    batch = client.batch(first)
    if "cats" in batch.errors:
        client.raise_for(batch, "cats", "crm.category.list")
    categories = _category_rows(client, batch)
    funnels = [mapping.funnel_of_category(row) for row in categories]
    stage_rows: dict[str, list[dict[str, Any]]] = {"0": _status_rows(client, batch, "st_0")}
    lead_rows = _status_rows(client, batch, "st_lead") if leads else []
    if lead_rows:  # no lead statuses: leads are switched off on this portal
        funnels.append(mapping.lead_funnel())
        stage_rows[mapping.LEAD_FUNNEL_ID] = lead_rows
    others = [f.id for f in funnels if f.id not in stage_rows]
    for chunk_start in range(0, len(others), MAX_BATCH):
        chunk = others[chunk_start : chunk_start + MAX_BATCH]
        more = client.batch(
            {f"st_{fid}": _status_cmd(mapping.entity_of_funnel(fid)) for fid in chunk}
        )
        for fid in chunk:
            stage_rows[fid] = _status_rows(client, more, f"st_{fid}")
    stages = [mapping.stage(row, fid) for fid, rows in stage_rows.items() for row in rows]
    fields = list(mapping.custom_fields("deal", _fields(batch, "f_deal")))
    if leads:
        fields.extend(mapping.custom_fields("lead", _fields(batch, "f_lead")))
    return funnels, stages, fields, batch


def _category_rows(client: Bitrix24Client, batch: Any) -> list[dict[str, Any]]:
    rows = _rows(_CATEGORIES, batch.result.get("cats"))
    total = batch.total.get("cats", len(rows))
    while len(rows) < total:  # §3: at most 50 funnels per page
        page = client.call(
            "crm.category.list",
            {"entityTypeId": 2, "order": {"sort": "ASC"}, "start": len(rows)},
        )
        more = _rows(_CATEGORIES, page.get("result"))
        if not more:
            break
        rows.extend(more)
    check_total("bitrix24 crm.category.list", "crm.category.list", total, len(rows))
    return rows


def _status_rows(client: Bitrix24Client, batch: Any, name: str) -> list[dict[str, Any]]:
    if name in batch.errors:
        client.raise_for(batch, name, "crm.status.list")
    rows = _rows(_STATUSES, batch.result.get(name))
    total = batch.total.get(name, len(rows))
    entity = str(rows[0].get("ENTITY_ID")) if rows else ""
    while rows and len(rows) < total:  # §3: a funnel with more than 50 stages is rare
        page = client.call(
            "crm.status.list",
            {"filter": {"ENTITY_ID": entity}, "order": {"SORT": "ASC"}, "start": len(rows)},
        )
        more = _rows(_STATUSES, page.get("result"))
        if not more:
            break
        rows.extend(more)
    check_total("bitrix24 crm.status.list", "crm.status.list", total, len(rows))
    return rows


def _fields(batch: Any, name: str) -> dict[str, Any]:
    """`crm.*.fields` answer a map of field name to description (§7); `[]` is an empty map."""
    method = "crm.lead.fields" if name == "f_lead" else "crm.deal.fields"
    if name in batch.errors:
        code, description = batch.errors[name]
        raise to_error(method, code, description, None)
    value = batch.result.get(name)
    if value == []:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ShapeError(
            f"bitrix24 {method}: expected a map of fields, got {what(value)}", method=method
        )
    return value
