"""Since last visit: what changed between two snapshots of one portal.

A deal's movement, old snapshot → new:
- `new`: not in the old snapshot;
- `won` / `lost`: now in a success / failure stage (or closed) and not before;
- `advanced` / `moved_back`: still open, in a later / earlier stage of the same funnel by the
  stages' sort order, or moved to another funnel (`advanced`);
- `idle`: open in both, in the same stage.
Deals closed in both snapshots, and deals gone from the new one, are not movements.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from funnelkit.model import Semantics, Snapshot
from funnelkit.model.timeutil import iso
from funnelkit.report.schema import CompareFindings, CompareOut, DeltaOut, MovementOut

if TYPE_CHECKING:
    from funnelkit.audit.findings import AuditResult
    from funnelkit.metrics.results import PortalMetrics

KINDS = ("won", "lost", "advanced", "moved_back", "idle", "new")


def _stages(snap: Snapshot) -> dict[tuple[str, str], tuple[int, Semantics, str]]:
    return {(s.funnel_id, s.id): (s.sort, s.semantics, s.name) for s in snap.structure.stages}


def movements(old: Snapshot, new: Snapshot) -> list[MovementOut]:
    """Every deal's movement between the two snapshots (see the module docstring)."""
    before = {d.id: d for d in old.deals}
    old_stages, new_stages = _stages(old), _stages(new)
    out = []
    for deal in new.deals:
        key = (deal.funnel_id, deal.stage_id)
        sort, sem, name = new_stages.get(key, (0, Semantics.PROCESS, deal.stage_id))
        now_closed = deal.closed or sem is not Semantics.PROCESS
        prev = before.get(deal.id)
        if prev is None:
            kind = "new"
            frm: tuple[str | None, str | None, str | None] = (None, None, None)
        else:
            pkey = (prev.funnel_id, prev.stage_id)
            psort, psem, pname = old_stages.get(pkey, (0, Semantics.PROCESS, prev.stage_id))
            was_closed = prev.closed or psem is not Semantics.PROCESS
            frm = (prev.funnel_id, prev.stage_id, pname)
            if was_closed and now_closed:
                if pkey == key:
                    continue
                kind = "won" if sem is Semantics.SUCCESS else "lost"
            elif now_closed:
                kind = "lost" if sem is Semantics.FAILURE else "won"
            elif pkey == key and not was_closed:
                kind = "idle"
            elif prev.funnel_id != deal.funnel_id or was_closed:
                kind = "advanced"
            else:
                kind = "advanced" if sort > psort else "moved_back"
        out.append(
            MovementOut(
                deal_id=deal.id,
                deal_name=deal.title,
                from_funnel_id=frm[0],
                from_stage_id=frm[1],
                from_stage_name=frm[2],
                to_funnel_id=deal.funnel_id,
                to_stage_id=deal.stage_id,
                to_stage_name=name,
                kind=kind,
            )
        )
    return out


def _deltas(
    old: dict[str, tuple[str, dict[str, float | None]]],
    new: dict[str, tuple[str, dict[str, float | None]]],
) -> list[DeltaOut]:
    empty: dict[str, float | None] = {}
    return [
        DeltaOut(
            id=key,
            name=(new.get(key) or old[key])[0],
            before=old.get(key, ("", empty))[1],
            after=new.get(key, ("", empty))[1],
        )
        for key in sorted(set(old) | set(new))
    ]


def _funnels(m: PortalMetrics | None) -> dict[str, tuple[str, dict[str, float | None]]]:
    if m is None:
        return {}
    return {
        f.funnel_id: (
            f.name,
            {"open": f.open, "won": f.won, "lost": f.lost, "win_rate": f.win_rate},
        )
        for f in m.funnels
    }


def _managers(m: PortalMetrics | None) -> dict[str, tuple[str, dict[str, float | None]]]:
    if m is None:
        return {}
    return {
        u.user_id: (
            u.name,
            {
                "open": u.open,
                "won": u.won,
                "lost": u.lost,
                "open_without_task": u.open_without_task,
            },
        )
        for u in m.managers
    }


def compare_snapshots(
    old: Snapshot,
    old_result: AuditResult,
    old_metrics: PortalMetrics | None,
    new: Snapshot,
    new_result: AuditResult,
    new_metrics: PortalMetrics | None,
) -> CompareOut:
    """Findings new / resolved / still open, metric deltas and deal movements."""
    before = {f.key for f in old_result.findings}
    after = {f.key for f in new_result.findings}
    moved = movements(old, new)
    counts: Counter[str] = Counter(m.kind for m in moved)
    return CompareOut(
        old_pulled_at=iso(old.manifest.pulled_at),
        findings=CompareFindings(
            new=sorted(after - before), resolved=sorted(before - after), open=sorted(after & before)
        ),
        movements=moved,
        movement_counts={k: counts.get(k, 0) for k in KINDS},
        funnels=_deltas(_funnels(old_metrics), _funnels(new_metrics)),
        managers=_deltas(_managers(old_metrics), _managers(new_metrics)),
    )
