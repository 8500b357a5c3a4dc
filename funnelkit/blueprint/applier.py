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
from funnelkit.model import (
    Change,
    ChangeResult,
    CreateFunnel,
    CreateLossReason,
    CreateStage,
    DeleteFunnel,
    DeleteLossReason,
    DeleteStage,
    MergeStage,
    MoveDeals,
    RenameStage,
    ReorderStages,
    StageChange,
    UpdateStage,
)

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
        """The change with every id known by now filled in."""
        update: dict[str, Any] = {"funnel_id": self.funnel(change.funnel_key, change.funnel_id)}
        if isinstance(change, StageChange):
            stage_id = change.stage_id
            if not (isinstance(change, DeleteStage) and change.replaces_old):
                stage_id = self.stage(change.funnel_key, change.stage_key, stage_id)
            if change.reuse_code is not None:
                stage_id = self.by_code(change.funnel_key, change.reuse_code) or stage_id
            update["stage_id"] = stage_id
        if isinstance(change, MoveDeals | MergeStage):
            update["target_funnel_id"] = self.funnel(
                change.target_funnel_key, change.target_funnel_id
            )
            update["target_stage_id"] = self.stage(
                change.target_funnel_key, change.target_stage_key, change.target_stage_id
            )
        if isinstance(change, ReorderStages):
            update["order"] = self._order(change)
        if isinstance(change, DeleteLossReason):
            update["reason_id"] = change.reason_id or self.ids.loss_reasons.get(change.reason_key)
        return change.model_copy(update=update)

    def _order(self, change: ReorderStages) -> tuple[str | None, ...]:
        keys = list(change.stage_keys)
        reuse = list(change.reuse_codes or [None] * len(keys))
        known = list(change.order or [None] * len(keys))
        out: list[str | None] = []
        for key, code, vendor_id in zip(keys, reuse, known, strict=False):
            found = vendor_id or self.ids.stages.get(f"{change.funnel_key}/{key}")
            if code and not vendor_id:
                found = self.by_code(change.funnel_key, code) or found
            out.append(found)
        return tuple(out)

    def record(self, change: Change, sent: Change, result: ChangeResult) -> None:
        """Remember the ids a change created (or forget those it removed)."""
        fkey = change.funnel_key
        if isinstance(change, CreateFunnel) and result.vendor_id:
            self.ids.funnels[fkey] = result.vendor_id
            if fkey not in self.ids.created:
                self.ids.created.append(fkey)
            self.defaults[fkey] = dict(result.created_ids)
            self._learn_closing(change, result)
        elif isinstance(change, CreateStage) and result.vendor_id:
            self.ids.stages[f"{fkey}/{change.stage_key}"] = result.vendor_id
        elif isinstance(change, RenameStage | UpdateStage) and change.stage_key:
            if isinstance(sent, StageChange) and sent.stage_id:
                self.ids.stages[f"{fkey}/{change.stage_key}"] = sent.stage_id
        elif isinstance(change, DeleteStage | MergeStage) and change.stage_key:
            replaces_old = isinstance(change, DeleteStage) and change.replaces_old
            ref = f"{fkey}/{change.stage_key}"
            ours = isinstance(sent, StageChange) and self.ids.stages.get(ref) == sent.stage_id
            if not replaces_old and ours:
                del self.ids.stages[ref]
        elif isinstance(change, DeleteFunnel):
            self.ids.forget_funnel(fkey)
        elif isinstance(change, CreateLossReason) and result.vendor_id:
            self.ids.loss_reasons[change.reason_key] = result.vendor_id
        elif isinstance(change, DeleteLossReason):
            self.ids.loss_reasons.pop(change.reason_key, None)

    def _learn_closing(self, change: CreateFunnel, result: ChangeResult) -> None:
        """A pipeline created with its statuses answers with their ids by blueprint key."""
        for stage in change.stages:
            if stage.key in result.created_ids:
                self.ids.stages[f"{change.funnel_key}/{stage.key}"] = result.created_ids[stage.key]
        for vendor_id, key in change.closing_stage_keys.items():
            if vendor_id in result.created_ids:
                self.ids.stages[f"{change.funnel_key}/{key}"] = result.created_ids[vendor_id]


def _carry_out(connector: Connector, sent: Change) -> ChangeResult:
    """One change; a merge is its move, then its delete, each one connector call."""
    if not isinstance(sent, MergeStage):
        return connector.apply_change(sent)
    moved = 0
    result = ChangeResult()
    for step in sent.steps():
        result = connector.apply_change(step)
        moved += result.moved
    return result.model_copy(update={"moved": moved})


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
            result = _carry_out(connector, sent)
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
