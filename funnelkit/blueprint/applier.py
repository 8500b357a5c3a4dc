"""Carry a plan out, in order, stopping at the first failure; a re-run continues.

Ids of objects created earlier in the same run are filled in here: a new Bitrix24
category's default stages are found by their code in the create result, new stages
and funnels by their blueprint keys. Every id learnt goes into the state, which the
caller saves even when apply stops, so the next plan matches what already exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funnelkit.blueprint.plan import Plan
from funnelkit.blueprint.state import PortalIds
from funnelkit.connectors.base import Connector
from funnelkit.errors import ApplyError, FunnelkitError
from funnelkit.model import Binding, Change, ChangeOp, ChangeResult

Progress = Callable[[int, int, Change], None]


class _Resolver:
    """Turns keys into vendor ids as they become known."""

    def __init__(self, ids: PortalIds, matched: dict[str, str]) -> None:
        self.ids = ids
        self.defaults: dict[str, dict[str, str]] = {}  # funnel key → code → stage id
        for ref, vendor_id in matched.items():
            if ref.startswith("loss-reason:"):
                ids.loss_reasons[ref.split(":", 1)[1]] = vendor_id
            elif "/" in ref:
                ids.stages[ref] = vendor_id
            else:
                ids.funnels[ref] = vendor_id

    def funnel(self, key: str | None, known: str | None) -> str | None:
        return known or (self.ids.funnels.get(key) if key else None)

    def stage(self, fkey: str | None, skey: str | None, known: str | None) -> str | None:
        if known or not fkey or not skey:
            return known
        return self.ids.stages.get(f"{fkey}/{skey}")

    def by_code(self, fkey: str, code: str) -> str | None:
        found = self.defaults.get(fkey, {})
        if code in found:
            return found[code]
        # bitrix24.md §6.3: long codes are cut to the STATUS_ID limit (C10:PREPAYMENT_INVOIC)
        return next((v for c, v in found.items() if code.startswith(c) and len(c) >= 12), None)

    def resolve(self, change: Change) -> Change:
        fields: dict[str, Any] = dict(change.fields)
        binding = change.binding
        fkey = change.funnel_key
        stage_id = self.stage(fkey, change.stage_key, change.stage_id)
        if change.op in (ChangeOp.CREATE_STAGE, ChangeOp.CREATE_FUNNEL):
            stage_id = change.stage_id
        if binding is not None and binding.reuse_code is not None:
            stage_id = self.by_code(fkey, binding.reuse_code) or stage_id
        if change.op is ChangeOp.DELETE_STAGE and binding is not None and binding.replaces_old:
            stage_id = change.stage_id
        if change.op is ChangeOp.REORDER_STAGES:
            fields["order"] = self._order(change)
        if change.op in (ChangeOp.CREATE_LOSS_REASON, ChangeOp.DELETE_LOSS_REASON):
            stage_id = change.stage_id or self.ids.loss_reasons.get(change.stage_key or "")
        return change.model_copy(
            update={
                "fields": fields,
                "binding": None,  # the planner's notes to apply; never sent to a vendor
                "funnel_id": self.funnel(fkey, change.funnel_id),
                "stage_id": stage_id,
                "target_funnel_id": self.funnel(change.target_funnel_key, change.target_funnel_id),
                "target_stage_id": self.stage(
                    change.target_funnel_key, change.target_stage_key, change.target_stage_id
                ),
            }
        )

    def _order(self, change: Change) -> list[str | None]:
        binding = change.binding or Binding()
        keys = list(binding.order_keys)
        reuse = list(binding.order_reuse or [None] * len(keys))
        known = list(change.fields.get("order") or [None] * len(keys))
        out: list[str | None] = []
        for key, code, vendor_id in zip(keys, reuse, known, strict=False):
            found = vendor_id or self.ids.stages.get(f"{change.funnel_key}/{key}")
            if code and not vendor_id:
                found = self.by_code(change.funnel_key, str(code)) or found
            out.append(found)
        return out

    def record(self, change: Change, sent: Change, result: ChangeResult) -> None:
        replaces_old = change.binding is not None and change.binding.replaces_old
        ref = f"{change.funnel_key}/{change.stage_key}"
        if change.op is ChangeOp.CREATE_FUNNEL and result.vendor_id:
            self.ids.funnels[change.funnel_key] = result.vendor_id
            if change.funnel_key not in self.ids.created:
                self.ids.created.append(change.funnel_key)
            self.defaults[change.funnel_key] = dict(result.created_ids)
            self._learn_closing(change, result)
        elif change.op is ChangeOp.CREATE_STAGE and result.vendor_id:
            self.ids.stages[ref] = result.vendor_id
        elif change.op is ChangeOp.UPDATE_STAGE and sent.stage_id and change.stage_key:
            self.ids.stages[ref] = sent.stage_id
        elif change.op is ChangeOp.DELETE_STAGE and not replaces_old:
            if change.stage_key and self.ids.stages.get(ref) == sent.stage_id:
                del self.ids.stages[ref]
        elif change.op is ChangeOp.DELETE_FUNNEL:
            self.ids.forget_funnel(change.funnel_key)
        elif change.op is ChangeOp.CREATE_LOSS_REASON and result.vendor_id and change.stage_key:
            self.ids.loss_reasons[change.stage_key] = result.vendor_id
        elif change.op is ChangeOp.DELETE_LOSS_REASON and change.stage_key:
            self.ids.loss_reasons.pop(change.stage_key, None)

    def _learn_closing(self, change: Change, result: ChangeResult) -> None:
        """amoCRM answers with the new pipeline's statuses by blueprint key (and 142/143)."""
        for stage in change.fields.get("stages") or []:
            key = stage.get("key") if isinstance(stage, dict) else None
            if key and key in result.created_ids:
                self.ids.stages[f"{change.funnel_key}/{key}"] = result.created_ids[key]
        closing = change.binding.closing_keys if change.binding else {}
        for vendor_id, key in closing.items():
            if vendor_id in result.created_ids:
                self.ids.stages[f"{change.funnel_key}/{key}"] = result.created_ids[vendor_id]


def apply_plan(
    plan: Plan,
    connector: Connector,
    ids: PortalIds,
    progress: Progress | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> list[str]:
    """Run every change in plan order; returns what was done, raises ApplyError on failure.

    `checkpoint` runs after every change that succeeded, so the caller can save the ids
    learnt so far: an apply killed between two changes still knows what it created.
    """
    resolver = _Resolver(ids, plan.matched)
    done: list[str] = []
    total = len(plan.changes)
    for index, change in enumerate(plan.changes):
        if progress is not None:
            progress(index, total, change)
        try:
            sent = resolver.resolve(change)
            result = connector.apply_change(sent)
        except FunnelkitError as exc:
            raise ApplyError(
                f"apply stopped at change {index + 1} of {total} ({change.summary}): {exc}",
                hint="fix the cause and run apply again: it re-plans and continues where it left",
                done=done,
                failed=[change.summary],
                remaining=[c.summary for c in plan.changes[index + 1 :]],
            ) from exc
        resolver.record(change, sent, result)
        done.append(change.summary)
        if checkpoint is not None:
            checkpoint()
    return done
