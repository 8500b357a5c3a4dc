"""Plan changes carried out on amoCRM: pipelines, statuses, loss reasons, lead moves."""

from __future__ import annotations

from typing import Any

from funnelkit.connectors.amocrm import mapping as mp
from funnelkit.connectors.amocrm.client import AmoCrmClient, Params
from funnelkit.errors import ConnectorError, VendorApiError
from funnelkit.model import Change, ChangeOp, ChangeResult

PIPELINES = "/api/v4/leads/pipelines"
# amocrm.md §3: 250 per write at most, 50 recommended.
MOVE_BATCH = 50
# A sort after every ordinary status and before 142 (10000): the server renumbers (§5.5).
LAST_SORT = 9_999
SYSTEM_IDS = {str(mp.WON_STATUS), str(mp.LOST_STATUS)}


def _need(value: str | None, what: str, change: Change) -> str:
    if not value:
        raise ConnectorError(
            f"{change.op} {change.funnel_key}: the {what} id is not known yet",
            "the applier must resolve ids of objects created earlier before this change",
        )
    return value


def _status_body(fields: dict[str, Any], *, default_sort: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if fields.get("name") is not None:
        body["name"] = str(fields["name"])
    sort = fields.get("sort", default_sort)
    if sort is not None:
        body["sort"] = int(sort)
    colour = mp.nearest_colour(fields.get("color") or fields.get("colour"))
    if colour is not None:
        body["color"] = colour
    return body


class Writer:
    """One vendor call (or one batch) per change, as the applier expects."""

    def __init__(self, client: AmoCrmClient) -> None:
        self.client = client

    def apply(self, change: Change) -> ChangeResult:
        """Carry out one change whose ids are resolved."""
        handler = {
            ChangeOp.CREATE_FUNNEL: self.create_funnel,
            ChangeOp.CREATE_STAGE: self.create_stage,
            ChangeOp.UPDATE_FUNNEL: self.update_funnel,
            ChangeOp.UPDATE_STAGE: self.update_stage,
            ChangeOp.REORDER_STAGES: self.reorder_stages,
            ChangeOp.CREATE_LOSS_REASON: self.create_loss_reason,
            ChangeOp.MOVE_DEALS: self.move_deals,
            ChangeOp.DELETE_STAGE: self.delete_stage,
            ChangeOp.DELETE_LOSS_REASON: self.delete_loss_reason,
            ChangeOp.DELETE_FUNNEL: self.delete_funnel,
        }.get(change.op)
        if handler is None:
            return ChangeResult(note="manual step: nothing was sent to amoCRM")
        return handler(change)

    def create_funnel(self, change: Change) -> ChangeResult:
        """POST a pipeline; the vendor adds unsorted, 142 and 143 itself (§5.5)."""
        f = change.fields
        statuses: list[dict[str, Any]] = []
        for key, name in (("142", f.get("won_name")), ("143", f.get("lost_name"))):
            if name:
                # §5.5: 142/143 can be named only when the pipeline is created.
                statuses.append({"id": int(key), "name": str(name)})
        wanted = list(f.get("stages") or [])
        for pos, stage in enumerate(wanted, start=1):
            statuses.append(_status_body(stage, default_sort=pos * 10))
        body = {
            "name": str(f["name"]),
            "sort": int(f.get("sort") or 1000),
            "is_main": bool(f.get("is_default", False)),
            "is_unsorted_on": bool(f.get("is_unsorted_on", True)),
            "_embedded": {"statuses": statuses},
        }
        answer = self.client.request("POST", PIPELINES, body=[body])
        created = mp.embedded(answer, "pipelines")
        if not created:
            raise VendorApiError(f"amoCRM POST {PIPELINES}: no pipeline in the answer", status=200)
        pipeline = created[0]
        ids = _created_ids(pipeline, wanted)
        return ChangeResult(vendor_id=str(pipeline["id"]), created_ids=ids)

    def create_stage(self, change: Change) -> ChangeResult:
        """POST one status; its colour is mapped to the nearest palette colour (§5.3)."""
        pid = _need(change.funnel_id, "pipeline", change)
        body = _status_body(change.fields, default_sort=LAST_SORT)
        answer = self.client.request("POST", f"{PIPELINES}/{pid}/statuses", body=[body])
        created = mp.embedded(answer, "statuses")
        if not created:
            raise VendorApiError(f"amoCRM POST {PIPELINES}/{pid}/statuses: no status in the answer")
        return ChangeResult(vendor_id=str(created[0]["id"]))

    def update_funnel(self, change: Change) -> ChangeResult:
        """PATCH a pipeline's name, sort or main flag."""
        pid = _need(change.funnel_id, "pipeline", change)
        f = change.fields
        body: dict[str, Any] = {}
        if "name" in f:
            body["name"] = str(f["name"])
        if f.get("sort") is not None:
            body["sort"] = int(f["sort"])
        if "is_default" in f:
            body["is_main"] = bool(f["is_default"])
        if not body:
            return ChangeResult(vendor_id=pid, note="nothing amoCRM stores changed")
        self.client.request("PATCH", f"{PIPELINES}/{pid}", body=body)
        return ChangeResult(vendor_id=pid)

    def update_stage(self, change: Change) -> ChangeResult:
        """PATCH a status; 142/143 are named only at pipeline creation (§5.5)."""
        pid = _need(change.funnel_id, "pipeline", change)
        sid = _need(change.stage_id, "status", change)
        if sid in SYSTEM_IDS:
            raise VendorApiError(
                f"amoCRM status {sid} of pipeline {pid} cannot be changed over the API",
                "142/143 are named only when the pipeline is created; rename them in amoCRM",
                method=f"PATCH {PIPELINES}/{pid}/statuses/{sid}",
            )
        body = _status_body(change.fields, default_sort=None)
        if not body:
            return ChangeResult(vendor_id=sid, note="nothing amoCRM stores changed")
        self.client.request("PATCH", f"{PIPELINES}/{pid}/statuses/{sid}", body=body)
        return ChangeResult(vendor_id=sid)

    def reorder_stages(self, change: Change) -> ChangeResult:
        """Give the ordinary statuses rising sorts in the wanted order.

        The server renumbers sorts after each write (§5.5: 20, 30, …), so each status from
        the first one out of place is PATCHed with a sort beyond all renumbered ones and
        lands last, in turn. Unsorted, 142 and 143 keep their fixed places.
        """
        pid = _need(change.funnel_id, "pipeline", change)
        current = [s for s in self._statuses(pid) if not _is_system(s)]
        ordinary = {str(s["id"]) for s in current}
        wanted = [str(s) for s in change.fields.get("order") or [] if str(s) in ordinary]
        have = [str(s["id"]) for s in sorted(current, key=lambda s: int(s.get("sort") or 0))]
        same = 0
        while same < min(len(have), len(wanted)) and have[same] == wanted[same]:
            same += 1
        for pos, sid in enumerate(wanted[same:], start=1):
            body = {"sort": 1000 + pos}
            self.client.request("PATCH", f"{PIPELINES}/{pid}/statuses/{sid}", body=body)
        return ChangeResult(vendor_id=pid, note=f"{len(wanted) - same} status(es) re-sorted")

    def _statuses(self, pid: str) -> list[dict[str, Any]]:
        return mp.embedded(self.client.get(f"{PIPELINES}/{pid}/statuses"), "statuses")

    def create_loss_reason(self, change: Change) -> ChangeResult:
        """POST a loss reason (§9: the SDK's endpoint, not in Kommo's reference)."""
        body: dict[str, Any] = {"name": str(change.fields["name"])}
        if change.fields.get("sort") is not None:
            body["sort"] = int(change.fields["sort"])
        answer = self.client.request("POST", "/api/v4/leads/loss_reasons", body=[body])
        created = mp.embedded(answer, "loss_reasons")
        return ChangeResult(vendor_id=str(created[0]["id"]) if created else None)

    def delete_loss_reason(self, change: Change) -> ChangeResult:
        """DELETE a loss reason (§9)."""
        rid = _need(change.stage_id or change.fields.get("id"), "loss reason", change)
        self.client.request("DELETE", f"/api/v4/leads/loss_reasons/{rid}")
        return ChangeResult(vendor_id=rid)

    def delete_stage(self, change: Change) -> ChangeResult:
        """DELETE a status; its leads go to the pipeline's first stage (§5.9)."""
        pid = _need(change.funnel_id, "pipeline", change)
        sid = _need(change.stage_id, "status", change)
        self.client.request("DELETE", f"{PIPELINES}/{pid}/statuses/{sid}")
        moved = change.deal_count or 0
        note = f"amoCRM moved {moved} lead(s) to the first stage" if moved else None
        return ChangeResult(vendor_id=sid, moved=moved, note=note)

    def delete_funnel(self, change: Change) -> ChangeResult:
        """DELETE a pipeline; the vendor refuses one holding leads, or the last one (§5.2)."""
        pid = _need(change.funnel_id, "pipeline", change)
        self.client.request("DELETE", f"{PIPELINES}/{pid}")
        return ChangeResult(vendor_id=pid)

    def move_deals(self, change: Change) -> ChangeResult:
        """Move every lead of a stage (or pipeline) to the target, 50 per PATCH (§6.4).

        The ids are listed first, then moved: moving while paging would shift the pages.
        `pipeline_id` is always sent with `status_id`, as 142/143 need it (§6.4).
        """
        pid = _need(change.funnel_id, "pipeline", change)
        to_pid = _need(change.target_funnel_id or change.funnel_id, "target pipeline", change)
        to_sid = _need(change.target_stage_id, "target status", change)
        ids = self.lead_ids(pid, change.stage_id)
        for start in range(0, len(ids), MOVE_BATCH):
            batch = [
                {"id": int(i), "pipeline_id": int(to_pid), "status_id": int(to_sid)}
                for i in ids[start : start + MOVE_BATCH]
            ]
            self.client.request("PATCH", "/api/v4/leads", body=batch)
        return ChangeResult(vendor_id=to_sid, moved=len(ids))

    def lead_ids(self, pipeline_id: str, status_id: str | None) -> list[str]:
        """Ids of the leads in a pipeline or one of its statuses (checked client-side too,
        since an unknown filter is silently ignored, amocrm.md §15)."""
        params: Params = {"filter[pipeline_id]": pipeline_id, "order[id]": "asc"}
        if status_id is not None:
            params["filter[statuses][0][pipeline_id]"] = pipeline_id
            params["filter[statuses][0][status_id]"] = status_id
        found: list[str] = []
        for page in self.client.pages("/api/v4/leads", "leads", params, 250):
            for item in page:
                same_pipeline = str(item.get("pipeline_id")) == pipeline_id
                if same_pipeline and (status_id is None or str(item.get("status_id")) == status_id):
                    found.append(str(item["id"]))
        return list(dict.fromkeys(found))


def _is_system(status: dict[str, Any]) -> bool:
    return status.get("type") == mp.UNSORTED_TYPE or str(status.get("id")) in SYSTEM_IDS


def _created_ids(pipeline: dict[str, Any], wanted: list[dict[str, Any]]) -> dict[str, str]:
    """Ids of the statuses a new pipeline got: by blueprint key where given, else by role."""
    ids: dict[str, str] = {}
    statuses = mp.embedded(pipeline, "statuses")
    by_name = {str(s.get("name")): str(s["id"]) for s in statuses}
    for s in statuses:
        if s.get("type") == mp.UNSORTED_TYPE:
            ids["unsorted"] = str(s["id"])
        elif int(s["id"]) in (mp.WON_STATUS, mp.LOST_STATUS):
            ids[str(s["id"])] = str(s["id"])
    for stage in wanted:
        key = stage.get("key") or stage.get("name")
        if key is not None and str(stage.get("name")) in by_name:
            ids[str(key)] = by_name[str(stage.get("name"))]
    return ids
