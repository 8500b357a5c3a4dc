"""Compare a blueprint with a portal snapshot and plan the changes, vendor rules included.

The planner matches, then hands each funnel to stage planning (stages.py), removals
(removals.py) and tunnels / loss reasons (tunnels.py); those see it as a `PlanContext`
(context.py) and never import this module.
"""

from __future__ import annotations

from collections import Counter

from funnelkit.blueprint.context import (
    DealCounter,
    FunnelMatch,
    PlanOptions,
    Position,
    desired_order,
)
from funnelkit.blueprint.matching import match_funnels_how, match_stages_how, norm
from funnelkit.blueprint.plan import ManualStep, Plan, Unmanaged
from funnelkit.blueprint.profile import profile_for
from funnelkit.blueprint.removals import remove_funnel
from funnelkit.blueprint.renames import deals_label, rename_refusal
from funnelkit.blueprint.schema import Blueprint, FunnelSpec, LossReasonSpec, StageSpec
from funnelkit.blueprint.stages import plan_stages
from funnelkit.blueprint.state import portal_key
from funnelkit.blueprint.tunnels import plan_loss_reasons, plan_tunnels
from funnelkit.blueprint.vendorrules import (
    is_reusable_default,
    is_vendor_stage,
    nearest_colour,
    virtual_defaults,
)
from funnelkit.model import (
    Binding,
    Change,
    ChangeOp,
    DataSet,
    Funnel,
    FunnelKind,
    Semantics,
    Snapshot,
    Stage,
    VendorLimits,
)


class Planner:
    """One planning run; `build()` returns the plan."""

    def __init__(
        self, snapshot: Snapshot, bp: Blueprint, limits: VendorLimits, options: PlanOptions
    ) -> None:
        self.snapshot, self.bp, self.limits, self.options = snapshot, bp, limits, options
        self.vendor = snapshot.manifest.vendor
        self.profile = profile_for(self.vendor, limits)
        self.lang = bp.language
        self.changes: list[tuple[tuple[int, int, int], Change]] = []
        self.warnings: list[str] = []
        self.refusals: list[str] = []
        self.unmanaged: list[Unmanaged] = []
        self.manual: list[ManualStep] = []
        self.touched: Counter[tuple[str, str]] = Counter()  # (funnel key, "update"|"delete")
        self._deal_index: Counter[tuple[str, str]] | None = None
        self.matched_extra: dict[str, str] = {}
        self._threshold_problems: list[str] = []
        self.matches = self._match_all()

    # ----------------------------------------------------------------- matching
    def _match_all(self) -> dict[str, FunnelMatch]:
        structure = self.snapshot.structure
        key = portal_key(self.snapshot)
        ids = self.options.ids
        funnels = match_funnels_how(self.bp, structure.funnels, ids, self.vendor, key)
        out: dict[str, FunnelMatch] = {}
        for pos, spec in enumerate(self.bp.funnels):
            found = funnels.get(spec.key)
            funnel = found.obj if found is not None else None
            if funnel is None:
                if spec.absent:
                    continue
                stages = virtual_defaults(self.vendor, f"new-{spec.key}", self.limits)
                virtual = True
                owned = False
            else:
                stages = [
                    s for s in structure.stages_of(funnel.id) if not is_vendor_stage(self.vendor, s)
                ]
                virtual = False
                owned = spec.key in self.options.ids.created
            fresh = funnel is not None and self._looks_fresh(spec, funnel, stages)
            ours = virtual or owned or fresh
            found_stages = match_stages_how(self.bp, spec, stages, ids, self.vendor, ours, key)
            matched = {k: v.obj for k, v in found_stages.items()}
            how = {k: v.how for k, v in found_stages.items()}
            out[spec.key] = FunnelMatch(
                spec,
                pos,
                funnel,
                stages,
                matched,
                virtual,
                owned,
                how,
                found.how if found is not None else None,
                fresh,
            )
        return out

    def _looks_fresh(self, spec: FunnelSpec, funnel: Funnel, stages: list[Stage]) -> bool:
        """A deal-less funnel whose only stages beside the blueprint's are empty vendor defaults.

        That is what a funnel we created looks like when an apply was killed before it could
        record the funnel as ours: finish its set-up as for a new one (reuse the defaults).
        No deal can change meaning: there is none in the whole funnel.
        """
        if spec.main or not self.profile.stage_codes or funnel.is_default:
            return False
        if self.count(funnel.id, None) != 0:
            return False
        declared = {norm(n) for s in spec.stages for n in (*s.names.all(), *s.renamed_from)}
        others = [s for s in stages if norm(s.name) not in declared and not s.system]
        return bool(others) and all(
            is_reusable_default(self.vendor, spec.kind, s) and not self.count(s.funnel_id, s.id)
            for s in others
        )

    def matched_ids(self) -> dict[str, str]:
        """`funnel` / `funnel/stage` → vendor id for everything found in the portal."""
        out: dict[str, str] = {}
        for key, m in self.matches.items():
            if m.virtual or m.funnel is None:
                continue
            out[key] = m.funnel.id
            for skey, stage in m.matched.items():
                out[f"{key}/{skey}"] = stage.id
        return {**out, **self.matched_extra}

    # ------------------------------------------------------------------ helpers
    def name(self, names_holder: FunnelSpec | StageSpec | LossReasonSpec) -> str:
        return names_holder.names.get(self.lang)

    def add(self, change: Change, pos: Position) -> None:
        self.changes.append(((change.phase, pos[0], pos[1]), change))

    def count(self, funnel_id: str, stage_id: str | None) -> int | None:
        """Deals in a stage or funnel; None when neither the portal nor the snapshot can say."""
        if self.options.count_deals is not None:
            return self.options.count_deals(funnel_id, stage_id)
        if not self.snapshot.manifest.has(DataSet.DEALS):
            return None
        if self._deal_index is None:
            self._deal_index = Counter()
            for deal in self.snapshot.deals:
                self._deal_index[(deal.funnel_id, deal.stage_id)] += 1
                self._deal_index[(deal.funnel_id, "")] += 1
        return self._deal_index[(funnel_id, stage_id or "")]

    # --------------------------------------------------------------------- build
    def build(self) -> Plan:
        for spec in self.bp.funnels:
            m = self.matches.get(spec.key)
            if spec.absent:
                if m is not None and m.funnel is not None:
                    remove_funnel(self, m)
                continue
            assert m is not None
            self._plan_funnel(m)
            plan_stages(self, m)
        self._unmanaged_funnels()
        plan_loss_reasons(self)
        plan_tunnels(self)
        self._thresholds()
        ordered = [c for _, c in sorted(self.changes, key=lambda item: item[0])]
        return Plan(
            blueprint=self.bp.name,
            vendor=self.vendor,
            domain=self.snapshot.manifest.domain,
            changes=tuple(ordered),
            warnings=tuple(dict.fromkeys(self.warnings)),
            manual=tuple(self.manual),
            unmanaged=tuple(self.unmanaged),
            refusals=tuple(self.refusals),
            threshold_problems=tuple(self._threshold_problems),
            matched=self.matched_ids(),
        ).with_checksum()

    def _plan_funnel(self, m: FunnelMatch) -> None:
        spec, name = m.spec, self.name(m.spec)
        if m.funnel is None:
            self._create_funnel(m)
            return
        if m.funnel.kind is FunnelKind.LEAD and self.profile.lead_funnel_singleton:
            return  # bitrix24.md §6.1: leads are not a category; their funnel has no name to set
        if m.funnel.name != name:
            count = self.count(m.funnel.id, None)
            refusal = rename_refusal(spec, m.funnel_how, m.funnel.name, name, count)
            if refusal is not None:
                self.refusals.append(refusal)
                return
            self.touched[(spec.key, "update")] += 1
            self.add(
                Change(
                    op=ChangeOp.UPDATE_FUNNEL,
                    funnel_key=spec.key,
                    funnel_id=m.funnel.id,
                    fields={"name": name},
                    before={"name": m.funnel.name},
                    deal_count=count,
                    summary=f"rename funnel «{m.funnel.name}» → «{name}»{deals_label(count)}",
                ),
                (m.pos, 0),
            )

    def _create_funnel(self, m: FunnelMatch) -> None:
        spec, name = m.spec, self.name(m.spec)
        if spec.kind is FunnelKind.LEAD and self.profile.lead_funnel_singleton:
            self.warnings.append(
                f"funnel {spec.key!r}: the portal shows no lead funnel; Bitrix24 cannot create one "
                "over REST (turn leads on in CRM settings, then plan again)"
            )
            m.stages, m.matched = [], {}
            return
        if spec.kind is FunnelKind.LEAD:
            self.warnings.append(
                f"funnel {spec.key!r}: amoCRM has no lead entity; it becomes an ordinary pipeline"
            )
        fields: dict[str, object] = {"name": name, "sort": (m.pos + 1) * 10, "kind": "deal"}
        closing_keys: dict[str, str] = {}
        if self.profile.funnel_created_with_stages and self.profile.fixed_closing_ids:
            # amocrm.md §5.2: statuses go with the pipeline; 142/143 are named only now.
            order = [s for s in desired_order(spec) if s.semantics is Semantics.PROCESS]
            fields["stages"] = [self._stage_fields(s, i, None) for i, s in enumerate(order)]
            live = [s for s in spec.stages if not s.leaving]
            won, lost = self.profile.fixed_closing_ids
            for sem, field_name, vendor_id in (
                (Semantics.SUCCESS, "won_name", won),
                (Semantics.FAILURE, "lost_name", lost),
            ):
                closing = next((s for s in live if s.semantics is sem), None)
                if closing is not None:
                    fields[field_name] = self.name(closing)
                    closing_keys[vendor_id] = closing.key
        self.add(
            Change(
                op=ChangeOp.CREATE_FUNNEL,
                funnel_key=spec.key,
                fields=fields,
                binding=Binding(closing_keys=closing_keys) if closing_keys else None,
                summary=f"create funnel «{name}»",
            ),
            (m.pos, 0),
        )

    def _stage_fields(self, s: StageSpec, index: int, code: str | None) -> dict[str, object]:
        out: dict[str, object] = {
            "key": s.key,
            "name": self.name(s),
            "sort": (index + 1) * 10,
            "semantics": s.semantics.value,
        }
        if s.colour:
            out["color"] = nearest_colour(s.colour, self.limits.color_palette)
        if code:
            out["code"] = code
        return out

    def _unmanaged_funnels(self) -> None:
        claimed = {m.funnel.id for m in self.matches.values() if m.funnel is not None}
        for funnel in self.snapshot.structure.funnels:
            if funnel.id not in claimed:
                self.unmanaged.append(Unmanaged(kind="funnel", id=funnel.id, name=funnel.name))

    # ---------------------------------------------------------------- thresholds
    def _thresholds(self) -> None:
        self._threshold_problems = []
        for m in self.matches.values():
            if m.virtual or m.funnel is None:
                continue
            limits = m.spec.thresholds or self.options.thresholds or self.bp.thresholds
            existing = len(m.stages)
            if existing < limits.min_objects:
                continue
            for kind, pct in (("update", limits.update_pct), ("delete", limits.delete_pct)):
                done = self.touched[(m.spec.key, f"stage-{kind}")]
                if done / existing > pct:
                    self._threshold_problems.append(
                        f"funnel «{m.funnel.name}»: {done} of {existing} stages would be "
                        f"{kind}d (more than {pct:.0%})"
                    )
        limits = self.options.thresholds or self.bp.thresholds
        existing = len(self.snapshot.structure.funnels)
        if existing >= limits.min_objects:
            for kind, pct in (("update", limits.update_pct), ("delete", limits.delete_pct)):
                done = sum(n for (_, k), n in self.touched.items() if k == kind)
                if done / existing > pct:
                    self._threshold_problems.append(
                        f"{done} of {existing} funnels would be {kind}d (more than {pct:.0%})"
                    )


def plan(
    snapshot: Snapshot,
    blueprint: Blueprint,
    limits: VendorLimits | None = None,
    options: PlanOptions | None = None,
) -> Plan:
    """The ordered changes that make the portal match the blueprint (never touching the rest)."""
    planner = Planner(
        snapshot, blueprint, limits or snapshot.manifest.limits, options or PlanOptions()
    )
    return planner.build()


__all__ = ["DealCounter", "FunnelMatch", "PlanOptions", "Planner", "desired_order", "plan"]
