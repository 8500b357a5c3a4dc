"""Plan changes carried out on amoCRM: pipelines, statuses, loss reasons, lead moves."""

from __future__ import annotations

from typing import Any

from funnelkit.connectors.amocrm import mapping as mp
from funnelkit.connectors.amocrm.client import AmoCrmClient, Params
from funnelkit.errors import ConnectorError, VendorApiError
from funnelkit.model import (
    BaseChange,
    Change,
    ChangeResult,
    CreateFunnel,
    CreateLossReason,
    CreateStage,
    DeleteFunnel,
    DeleteLossReason,
    DeleteStage,
    MoveDeals,
    NewStage,
    RenameFunnel,
    RenameStage,
    ReorderStages,
    UpdateStage,
)

PIPELINES = "/api/v4/leads/pipelines"
# amocrm.md §3: 250 per write at most, 50 recommended.
MOVE_BATCH = 50
# A sort after every ordinary status and before 142 (10000): the server renumbers (§5.5).
LAST_SORT = 9_999
SYSTEM_IDS = {str(mp.WON_STATUS), str(mp.LOST_STATUS)}


def _need(value: str | None, what: str, change: BaseChange) -> str:
    if not value:
        raise ConnectorError(
            f"{type(change).__name__} {change.funnel_key}: the {what} id is not known yet",
            "the applier must resolve ids of objects created earlier before this change",
        )
    return value


def _status_body(name: str | None, sort: int | None, color: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if name is not None:
        body["name"] = name
    if sort is not None:
        body["sort"] = sort
    colour = mp.nearest_colour(color)
    if colour is not None:
        body["color"] = colour
    return body


class Writer:
    """One vendor call (or one batch) per change, as the applier expects."""

    def __init__(self, client: AmoCrmClient) -> None:
        self.client = client

    def apply(self, change: Change) -> ChangeResult:
        """Carry out one change whose ids are resolved."""
        match change:
            case CreateFunnel():
                return self.create_funnel(change)
            case CreateStage():
                return self.create_stage(change)
            case RenameFunnel():
                return self.rename_funnel(change)
            case RenameStage() | UpdateStage():
                return self.update_stage(change)
            case ReorderStages():
                return self.reorder_stages(change)
            case CreateLossReason():
                return self.create_loss_reason(change)
            case MoveDeals():
                return self.move_deals(change)
            case DeleteStage():
                return self.delete_stage(change)
            case DeleteLossReason():
                return self.delete_loss_reason(change)
            case DeleteFunnel():
                return self.delete_funnel(change)
        raise ConnectorError(
            f"{type(change).__name__} is not one amoCRM call",
            "the applier carries a merge out as its move and its delete",
        )

    def create_funnel(self, change: CreateFunnel) -> ChangeResult:
        """POST a pipeline; the vendor adds unsorted, 142 and 143 itself (§5.5)."""
        statuses: list[dict[str, Any]] = []
        for key, name in (("142", change.won_name), ("143", change.lost_name)):
            if name:
                # §5.5: 142/143 can be named only when the pipeline is created.
                statuses.append({"id": int(key), "name": name})
        for pos, stage in enumerate(change.stages, start=1):
            statuses.append(_status_body(stage.name, stage.sort or pos * 10, stage.color))
        body = {
            "name": change.name,
            "sort": change.sort or 1000,
            "is_main": False,
            "is_unsorted_on": True,
            "_embedded": {"statuses": statuses},
        }
        answer = self.client.request("POST", PIPELINES, body=[body])
        created = mp.embedded(answer, "pipelines")
        if not created:
            raise VendorApiError(f"amoCRM POST {PIPELINES}: no pipeline in the answer", status=200)
        pipeline = created[0]
        ids = _created_ids(pipeline, change.stages)
        return ChangeResult(vendor_id=str(pipeline["id"]), created_ids=ids)

    def create_stage(self, change: CreateStage) -> ChangeResult:
        """POST one status; its colour is mapped to the nearest palette colour (§5.3)."""
        pid = _need(change.funnel_id, "pipeline", change)
        body = _status_body(change.name, change.sort or LAST_SORT, change.color)
        answer = self.client.request("POST", f"{PIPELINES}/{pid}/statuses", body=[body])
        created = mp.embedded(answer, "statuses")
        if not created:
            raise VendorApiError(f"amoCRM POST {PIPELINES}/{pid}/statuses: no status in the answer")
        return ChangeResult(vendor_id=str(created[0]["id"]))

    def rename_funnel(self, change: RenameFunnel) -> ChangeResult:
        """PATCH a pipeline's name."""
        pid = _need(change.funnel_id, "pipeline", change)
        self.client.request("PATCH", f"{PIPELINES}/{pid}", body={"name": change.name})
        return ChangeResult(vendor_id=pid)

    def update_stage(self, change: RenameStage | UpdateStage) -> ChangeResult:
        """PATCH a status; 142/143 are named only at pipeline creation (§5.5)."""
        pid = _need(change.funnel_id, "pipeline", change)
        sid = _need(change.stage_id, "status", change)
        if sid in SYSTEM_IDS:
            raise VendorApiError(
                f"amoCRM status {sid} of pipeline {pid} cannot be changed over the API",
                "142/143 are named only when the pipeline is created; rename them in amoCRM",
                method=f"PATCH {PIPELINES}/{pid}/statuses/{sid}",
            )
        if isinstance(change, RenameStage):
            body = _status_body(change.name, None, None)
        else:
            body = _status_body(None, None, change.color)
        if not body:
            return ChangeResult(vendor_id=sid, note="nothing amoCRM stores changed")
        self.client.request("PATCH", f"{PIPELINES}/{pid}/statuses/{sid}", body=body)
        return ChangeResult(vendor_id=sid)

    def reorder_stages(self, change: ReorderStages) -> ChangeResult:
        """Give the ordinary statuses rising sorts in the wanted order.

        The server renumbers sorts after each write (§5.5: 20, 30, …), so each status from
        the first one out of place is PATCHed with a sort beyond all renumbered ones and
        lands last, in turn. Unsorted, 142 and 143 keep their fixed places.
        """
        pid = _need(change.funnel_id, "pipeline", change)
        current = [s for s in self._statuses(pid) if not _is_system(s)]
        ordinary = {str(s["id"]) for s in current}
        wanted = [s for s in change.order if s is not None and s in ordinary]
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

    def create_loss_reason(self, change: CreateLossReason) -> ChangeResult:
        """POST a loss reason (§9: the SDK's endpoint, not in Kommo's reference)."""
        body: dict[str, Any] = {"name": change.name, "sort": change.sort}
        answer = self.client.request("POST", "/api/v4/leads/loss_reasons", body=[body])
        created = mp.embedded(answer, "loss_reasons")
        return ChangeResult(vendor_id=str(created[0]["id"]) if created else None)

    def delete_loss_reason(self, change: DeleteLossReason) -> ChangeResult:
        """DELETE a loss reason (§9)."""
        rid = _need(change.reason_id, "loss reason", change)
        self.client.request("DELETE", f"/api/v4/leads/loss_reasons/{rid}")
        return ChangeResult(vendor_id=rid)

    def delete_stage(self, change: DeleteStage) -> ChangeResult:
        """DELETE a status; its leads go to the pipeline's first stage (§5.9)."""
        pid = _need(change.funnel_id, "pipeline", change)
        sid = _need(change.stage_id, "status", change)
        self.client.request("DELETE", f"{PIPELINES}/{pid}/statuses/{sid}")
        moved = change.deal_count or 0
        note = f"amoCRM moved {moved} lead(s) to the first stage" if moved else None
        return ChangeResult(vendor_id=sid, moved=moved, note=note)

    def delete_funnel(self, change: DeleteFunnel) -> ChangeResult:
        """DELETE a pipeline; the vendor refuses one holding leads, or the last one (§5.2)."""
        pid = _need(change.funnel_id, "pipeline", change)
        self.client.request("DELETE", f"{PIPELINES}/{pid}")
        return ChangeResult(vendor_id=pid)

    def move_deals(self, change: MoveDeals) -> ChangeResult:
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


def _created_ids(pipeline: dict[str, Any], wanted: tuple[NewStage, ...]) -> dict[str, str]:
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
        if stage.name in by_name:
            ids[stage.key] = by_name[stage.name]
    return ids
