"""The audit's column paths agree with row objects.

Rules read deals, tasks and contact links as numpy columns (audit/columns.py) and build
objects only for finding rows. These tests hold them to the object paths they replace:
the same snapshot audited from objects and from its packed Parquet gives the same
result, and each vectorised selection equals the plain per-row computation over the
context's object indexes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from funnelkit.audit import result_to_dict, run_audit
from funnelkit.audit.context import AuditContext
from funnelkit.audit.registry import default_registry
from funnelkit.audit.rule import Rule, Tuning
from funnelkit.index.history import history_index
from funnelkit.metrics import compute_metrics
from funnelkit.model import Semantics, Snapshot, Vendor
from funnelkit.model.timeutil import DAY
from funnelkit.store import load_snapshot, save_snapshot

generator = pytest.importorskip("funnelkit.emulator.generate.messy")
truth = pytest.importorskip("funnelkit.emulator.generate.truth")


@pytest.fixture(scope="module", params=[Vendor.AMOCRM, Vendor.BITRIX24])
def portal(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    state = generator.generate(request.param, 1200, 7)
    held = truth.state_to_snapshot(state)
    packed = load_snapshot(save_snapshot(held, tmp_path_factory.mktemp("cols") / "p.zip"))
    return held, packed, state.now


def _rule(code: str) -> Rule:
    found = default_registry().get(code)
    assert found is not None
    return found


def _keys(ctx: AuditContext, code: str) -> list[tuple[str, str, dict[str, Any], tuple[str, ...]]]:
    rule = _rule(code)
    params = Tuning(rule.Params())
    return sorted(
        (f.subject.id, f.subject.funnel_id or "", dict(f.evidence), f.related)
        for f in rule.run(ctx, params)
    )


def test_objects_and_packed_columns_give_the_same_audit(portal: Any) -> None:
    held, packed, now = portal
    assert not isinstance(held.deals, type(packed.deals))  # the two load paths differ
    assert result_to_dict(run_audit(held, None, now)) == result_to_dict(
        run_audit(packed, None, now)
    )


def _contact_orphans(ctx: AuditContext) -> list[tuple[str, int, str]]:
    """FK502 over objects: contacts with no open or recently closed deal, latest not won."""
    served = {c for d in ctx.open_deals for c in d.contact_ids}
    served.update(
        c for d in ctx.snapshot.deals if (d.closed_at or 0) >= ctx.now for c in d.contact_ids
    )
    out = []
    for contact in ctx.snapshot.contacts:
        if contact.id in served:
            continue
        deals = ctx.deals_by_contact.get(contact.id, [])
        last = max(deals, key=lambda d: (d.closed_at or d.created_at, d.id), default=None)
        if last is not None and ctx.semantics((last.funnel_id, last.stage_id)) is Semantics.SUCCESS:
            continue
        out.append((contact.id, len(deals), "none" if last is None else "lost"))
    return sorted(out)


@pytest.mark.parametrize("which", [0, 1])
def test_contact_without_open_deal_matches_objects(portal: Any, which: int) -> None:
    snapshot: Snapshot = portal[which]
    ctx = AuditContext(snapshot, portal[2])
    found = sorted(
        (f.subject.id, f.evidence["deals"], str(f.evidence["last_outcome"]))
        for f in _rule("FK502").run(ctx, Tuning(_rule("FK502").Params()))
    )
    assert found == _contact_orphans(ctx)
    assert found  # the messy portal has orphans: the comparison is not vacuous


@pytest.mark.parametrize("which", [0, 1])
def test_task_and_interaction_columns_match_objects(portal: Any, which: int) -> None:
    ctx = AuditContext(portal[which], portal[2])
    deals, tasks = ctx.deal_columns, ctx.open_tasks
    assert [deals.ids[i] for i in np.flatnonzero(deals.open)] == [d.id for d in ctx.open_deals]
    for row, deal_id in enumerate(deals.ids):
        deadlines = ctx.open_task_deadlines.get(deal_id, [])
        assert tasks.per_deal[row] == len(deadlines)
        overdue = ctx.task_state(deal_id)[1]
        assert tasks.count_before(float(ctx.now), deals.count)[row] == overdue
    by_id = {d.id: d for d in ctx.snapshot.deals}
    for row, deal_id in enumerate(deals.ids):
        deal = by_id[deal_id]
        times = [ctx.last_interaction.get(deal_id, 0)]
        times += [ctx.last_interaction.get(f"contact:{c}", 0) for c in deal.contact_ids]
        assert ctx.latest_interaction[row] == max(times)
    idle = {
        key: (len(here), sum(n == o for n, o in map(ctx.task_state, here)))
        for key, deals_here in ctx.deals_by_stage.items()
        if (here := [d.id for d in deals_here if ctx.is_open(d)])
    }
    assert ctx.idle_by_stage == idle
    assert any(n for n, _ in idle.values())


@pytest.mark.parametrize("which", [0, 1])
def test_stuck_and_taskless_deals_match_objects(portal: Any, which: int) -> None:
    ctx = AuditContext(portal[which], portal[2])
    stuck = {f[0] for f in _keys(ctx, "FK201")}
    expected = set()
    for deal in ctx.open_deals:
        entered = ctx.stage_entry(deal) or deal.created_at
        if (ctx.now - entered) / DAY > 5 * 365:  # beyond any limit the rule can learn
            expected.add(deal.id)
    assert expected <= stuck
    taskless = {f[0]: f[2] for f in _keys(ctx, "FK301")}
    grace = _rule("FK301").Params()
    plain = {}
    for deal in ctx.open_deals:
        if ctx.now - deal.created_at < grace.grace_days * DAY:  # type: ignore[attr-defined]
            continue
        deadlines = ctx.open_task_deadlines.get(deal.id, [])
        limit = ctx.now - grace.overdue_days * DAY  # type: ignore[attr-defined]
        if not deadlines or all(d is not None and d < limit for d in deadlines):
            plain[deal.id] = len(deadlines)
    assert {k: v["open_tasks"] for k, v in taskless.items()} == plain
    assert plain


def test_packed_and_held_columns_agree(portal: Any) -> None:
    held, packed, now = portal
    a, b = AuditContext(held, now).deal_columns, AuditContext(packed, now).deal_columns
    assert a.ids == b.ids
    assert [a.keys[k] for k in a.key] == [b.keys[k] for k in b.key]
    assert (a.open == b.open).all() and (a.lasting() == b.lasting()).all()
    la, lb = a.contact_links, b.contact_links
    assert (la[0] == lb[0]).all()
    assert [la[2][c] for c in la[1]] == [lb[2][c] for c in lb[1]]


def _tied(snapshot: Snapshot) -> tuple[Snapshot, str]:
    """The snapshot with one contact's two deals closed the same second, one won, one lost,
    and no other deal of that contact; returns it and the contact id."""
    won = next(s for s in snapshot.structure.stages if s.semantics is Semantics.SUCCESS)
    lost = next(
        s
        for s in snapshot.structure.stages
        if s.semantics is Semantics.FAILURE and s.funnel_id == won.funnel_id
    )
    contact = snapshot.contacts[0].id
    others = [d for d in snapshot.deals if contact not in d.contact_ids]
    base = others[0]
    pair = [
        replace(
            base,
            id=f"zz-tie-{name}",
            contact_ids=(contact,),
            funnel_id=stage.funnel_id,
            stage_id=stage.id,
            closed=True,
            closed_at=base.created_at + DAY,
        )
        for name, stage in (("b", won), ("a", lost))
    ]
    return replace(snapshot, deals=[*others, *pair], memo={}), contact


@pytest.mark.parametrize("winner", ["won", "lost"])
def test_tied_latest_deal_is_chosen_by_id(winner: str, tmp_path: Path) -> None:
    """Two deals of one contact closed the same second: the greater id decides, as max()."""
    state = generator.generate(Vendor.AMOCRM, 300, 3)
    snapshot, contact = _tied(truth.state_to_snapshot(state))
    if winner == "lost":  # swap the ids: now the lost deal has the greater one
        swapped = {"zz-tie-a": "zz-tie-b", "zz-tie-b": "zz-tie-a"}
        deals = [replace(d, id=swapped.get(d.id, d.id)) for d in snapshot.deals]
        snapshot = replace(snapshot, deals=deals, memo={})
    packed = load_snapshot(save_snapshot(snapshot, tmp_path / "tie.zip"))
    for each in (snapshot, packed):
        ctx = AuditContext(each, state.now)
        found = sorted(
            (f.subject.id, f.evidence["deals"], str(f.evidence["last_outcome"]))
            for f in _rule("FK502").run(ctx, Tuning(_rule("FK502").Params()))
        )
        assert found == _contact_orphans(ctx)
        assert (contact in {f[0] for f in found}) is (winner == "lost")


def test_history_of_unknown_deals_is_kept_apart(portal: Any, tmp_path: Path) -> None:
    """History rows naming a deal missing from the deal table: the packed (joined in the
    store) and the held (joined by dict) history index give the same audit and metrics."""
    held, _, now = portal
    row = held.transitions[0]
    ghosts = [replace(row, id=f"ghost-{i}", deal_id=f"ghost-deal-{i % 2}") for i in range(3)]
    snapshot = replace(held, transitions=[*held.transitions, *ghosts], memo={})
    packed = load_snapshot(save_snapshot(snapshot, tmp_path / "ghosts.zip"))
    assert result_to_dict(run_audit(snapshot, None, now)) == result_to_dict(
        run_audit(packed, None, now)
    )
    assert compute_metrics(snapshot, now) == compute_metrics(packed, now)
    names = history_index(packed).deal_names()
    assert names[len(packed.deals) :] == ["ghost-deal-0", "ghost-deal-1", None]


@pytest.mark.parametrize("which", [0, 1])
def test_lost_without_reason_matches_objects(portal: Any, which: int) -> None:
    """FK203 builds objects only for deals it can report: the same ones as a full scan."""
    from funnelkit.audit.rules.fk203_lost_without_reason import _generic_failure
    from funnelkit.model import FunnelKind, FunnelRole

    ctx = AuditContext(portal[which], portal[2])
    since = _rule("FK203").Params().since_days  # type: ignore[attr-defined]
    expected = set()
    for fid in ctx.funnels:
        stages = ctx.ordered.get(fid, [])
        bitrix = ctx.vendor is Vendor.BITRIX24
        generic = _generic_failure(stages) if bitrix else None
        lost = {s.id for s in stages if s.semantics is Semantics.FAILURE}
        qualifying = (
            ctx.funnels[fid].kind is FunnelKind.LEAD
            or ctx.role(fid) is FunnelRole.LEAD_QUALIFICATION
        )
        uncaptured = bitrix and len(lost) == 1 and not qualifying
        for d in ctx.deals_by_funnel.get(fid, []):
            recent = (d.closed_at or d.modified_at or d.created_at) >= ctx.now - since * DAY
            if d.stage_id not in lost or not recent:
                continue
            if ctx.vendor is Vendor.AMOCRM and not d.loss_reason_id:
                expected.add((d.id, "empty"))
            elif generic is not None and d.stage_id == generic.id:
                expected.add((d.id, "generic"))
            elif uncaptured:
                expected.add((d.id, "empty"))
    rule = _rule("FK203")
    templates = {v: k for k, v in rule.meta.templates.items()}
    found = {(f.subject.id, templates[f.template]) for f in rule.run(ctx, Tuning(rule.Params()))}
    assert found == expected
    assert found


@pytest.mark.parametrize("which", [0, 1])
def test_needless_lead_funnel_counts_match_objects(portal: Any, which: int) -> None:
    from funnelkit.audit.rules.fk402_needless_lead_funnel import NeedlessLeadFunnelParams
    from funnelkit.model import FunnelKind, FunnelRole

    ctx = AuditContext(portal[which], portal[2])
    lead = [
        fid
        for fid, f in ctx.funnels.items()
        if f.kind is FunnelKind.LEAD or ctx.role(fid) is FunnelRole.LEAD_QUALIFICATION
    ]
    sellers = {
        d.responsible_id for d in ctx.snapshot.deals if d.funnel_id not in lead and d.responsible_id
    }
    # thresholds wide open: every lead funnel with recent leads is reported, so the
    # evidence numbers of each can be compared
    loose = NeedlessLeadFunnelParams(max_leads_per_month=100000, same_person_share=0)
    rule = _rule("FK402")
    found = {
        f.subject.id: (f.evidence["leads"], f.evidence["same_person_share"])
        for f in rule.run(ctx, Tuning(loose))
    }
    expected = {}
    for fid in lead:
        cutoff = ctx.now - loose.window_days * DAY
        leads = [d for d in ctx.deals_by_funnel.get(fid, []) if d.created_at >= cutoff]
        if leads:
            same = sum(d.responsible_id in sellers for d in leads) / len(leads)
            expected[fid] = (len(leads), round(same, 3))
    assert found == expected
    assert found or which == 0


def _single_funnel_by_objects(ctx: AuditContext, p: Any) -> dict[str, tuple[Any, ...]]:
    """FK403's per-deal reading (the reference): funnel → (coverage, groups, deals, people)."""
    from collections import Counter

    from funnelkit.audit.rules.fk403_single_funnel import SALES_ROLES
    from funnelkit.model import FunnelKind

    cutoff = ctx.now - p.window_days * DAY
    recent = {
        fid: [d for d in deals if d.created_at >= cutoff]
        for fid, deals in ctx.deals_by_funnel.items()
        if fid in ctx.funnels
        and ctx.funnels[fid].kind is FunnelKind.DEAL
        and ctx.role(fid) in SALES_ROLES
    }
    by_products = any(d.products for deals in recent.values() for d in deals)

    def group(d: Any) -> Any:
        return (d.products[0] if d.products else None) if by_products else d.source

    per: dict[Any, Counter[str]] = {}
    for fid, deals in recent.items():
        for d in deals:
            if (g := group(d)) is not None:
                per.setdefault(g, Counter())[fid] += 1
    holder = {g: c.most_common(1)[0][0] for g, c in per.items()}
    out = {}
    for fid in sorted(recent):
        deals = recent[fid]
        groups = Counter(g for d in deals if (g := group(d)) is not None)
        big = [g for g, n in groups.items() if n / len(deals) >= p.min_group_share]
        owners = Counter(d.responsible_id for d in deals)
        top = owners.most_common(1)[0][1] if owners else 0
        if len(deals) < p.min_deals or len(big) < p.min_groups:
            continue
        if top / len(deals) >= p.solo_share:
            continue
        held = sum(1 for f in holder.values() if f == fid) / len(holder)
        if held >= p.coverage:
            out[fid] = (round(held, 3), len(big), len(deals), len(owners))
    return out


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("products", [True, False])
def test_single_funnel_matches_objects(portal: Any, which: int, products: bool) -> None:
    from funnelkit.audit.rules.fk403_single_funnel import SingleFunnelForAllParams

    snapshot: Snapshot = portal[which]
    if not products:  # sources decide when no deal records products
        deals = [replace(d, products=()) for d in snapshot.deals]
        snapshot = replace(snapshot, deals=deals, memo={})
    ctx = AuditContext(snapshot, portal[2])
    loose = SingleFunnelForAllParams(
        coverage=0.5, min_groups=2, min_group_share=0, min_deals=1, solo_share=1
    )
    rule = _rule("FK403")
    found = {
        f.subject.id: tuple(
            f.evidence[k] for k in ("coverage_share", "groups", "deals", "responsibles")
        )
        for f in rule.run(ctx, Tuning(loose))
    }
    assert found == _single_funnel_by_objects(ctx, loose)
