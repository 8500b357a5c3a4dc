"""Funnel metrics on a hand-built portal whose numbers can be checked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnelkit.metrics import compute_metrics, definition, people
from funnelkit.metrics.definitions import DEFINITIONS
from funnelkit.model import (
    ActivityKind,
    Deal,
    Snapshot,
    StageTransition,
    Vendor,
)
from funnelkit.report.phrases import metric_definition
from funnelkit.store import load_snapshot, save_snapshot
from tests.portals import build

DAY = 86_400
NOW = 100 * DAY


def portal() -> Snapshot:
    # paths: 4 deals new→offer→won, 3 new→offer→lost, 2 new→won (skip), 1 still in new;
    # deal i is created on day i, and each step takes two days
    paths = [["new", "offer", "won"]] * 4 + [["new", "offer", "lost"]] * 3 + [["new", "won"]] * 2
    paths.append(["new"])
    deals = [
        {
            "id": str(i),
            "history": [[stage, i - 100 + step * 2] for step, stage in enumerate(path)],
            "amount": 100.0 * i,
            "currency": "RUB",
            "responsible": "7" if i % 2 else "8",
            "contacts": [f"c{i % 3}"],
            "loss_reason": "r1" if path[-1] == "lost" and i == 5 else None,
            "tasks": [{"id": "T1", "created": -99, "deadline": 0}] if i == 10 else [],
        }
        for i, path in enumerate(paths, start=1)
    ]
    return build(
        {
            "now": 100,
            "domain": "x",
            "currency": "RUB",
            "pulled": ["stage_history"],
            "users": [{"id": "7", "name": "Olena"}, {"id": "8", "name": "Ivan"}],
            "loss_reasons": [{"id": "r1", "name": "Too expensive"}],
            "funnels": [
                {
                    "id": "1",
                    "name": "Sales",
                    "stages": ["new=New", "offer=Offer sent"],
                    "won": "won=Won",
                    "lost": ["lost=Lost"],
                }
            ],
            "deals": deals,
        }
    )


def test_conversion_strict_and_any_order() -> None:
    funnel = compute_metrics(portal(), NOW).funnels[0]
    by_id = {s.stage_id: s for s in funnel.stages}
    assert [s.stage_id for s in funnel.stages] == ["new", "offer", "won", "lost"]
    assert by_id["new"].entered_strict == 10
    assert by_id["offer"].entered_strict == 7
    assert by_id["won"].entered_strict == 4  # the two that skipped «offer» are not counted
    assert by_id["won"].entered_any == 6
    assert by_id["new"].next_step_strict == 0.7
    assert by_id["offer"].next_step_strict == 4 / 7
    assert by_id["won"].cumulative_strict == 0.4
    assert by_id["new"].open == 1
    assert funnel.key_stage is not None and funnel.key_stage.from_stage_id == "offer"


def test_win_rate_cycle_and_reasons() -> None:
    funnel = compute_metrics(portal(), NOW).funnels[0]
    assert (funnel.won, funnel.lost) == (6, 3)
    assert funnel.win_rate == 6 / 9
    assert funnel.sales_cycle_days.median == 4.0
    assert funnel.lost_by_reason == {"(no reason)": 2, "Too expensive": 1}
    assert funnel.won_value.by_currency == {"RUB": 100.0 * (1 + 2 + 3 + 4 + 8 + 9)}


def test_time_in_stage_excludes_open_visits() -> None:
    funnel = compute_metrics(portal(), NOW).funnels[0]
    new = next(s for s in funnel.stages if s.stage_id == "new")
    assert new.latest_days.n == 9 and new.latest_days.median == 2.0


def test_managers_and_clients() -> None:
    metrics = compute_metrics(portal(), NOW)
    olena = next(m for m in metrics.managers if m.user_id == "7")
    assert olena.name == "Olena" and olena.deals == 5
    ivan = next(m for m in metrics.managers if m.user_id == "8")
    assert ivan.open == 1 and ivan.open_without_task == 0
    assert metrics.clients[0].ltv.by_currency["RUB"] > 0


def test_without_history_conversion_counts_current_stage_only() -> None:
    snap = portal()
    bare = Snapshot(
        manifest=snap.manifest.model_copy(update={"data": {}}),
        structure=snap.structure,
        deals=snap.deals,
    )
    metrics = compute_metrics(bare, NOW)
    assert metrics.history_used is False
    assert metrics.funnels[0].stages[0].entered_any == 1


def test_every_definition_in_three_languages() -> None:
    for key, (name, text) in DEFINITIONS.items():
        assert definition(key) == (name, text) and name and text, key
        for lang in ("ru", "uk"):
            assert metric_definition(key, lang)[1] != text, (key, lang)
    assert metric_definition("win_rate", "uk")[0] == "Частка виграних"
    assert metric_definition("win_rate", "de")[0] == "Win rate"


def _from_paths(paths: list[list[str]]) -> Snapshot:
    """The portal() funnel with the given stage paths, one deal each, two days per step."""
    base = portal()
    transitions, deals = [], []
    for i, path in enumerate(paths, start=1):
        for step, stage in enumerate(path):
            transitions.append(
                StageTransition(
                    id=f"{i}.{step}",
                    deal_id=str(i),
                    funnel_id="1",
                    to_stage_id=stage,
                    at=i * DAY + step * 2 * DAY,
                )
            )
        closed = path[-1] in ("won", "lost")
        deals.append(
            Deal(
                id=str(i),
                funnel_id="1",
                stage_id=path[-1],
                created_at=i * DAY,
                closed=closed,
                closed_at=i * DAY + (len(path) - 1) * 2 * DAY if closed else None,
            )
        )
    return Snapshot(
        manifest=base.manifest,
        structure=base.structure,
        deals=tuple(deals),
        transitions=tuple(transitions),
    )


def test_any_order_conversion_is_a_share_of_this_stages_deals() -> None:
    """Hand count: 1 deal new→offer, 2 deals start in offer (skipping new), 1 goes on to won.

    new: entered 1, of which 1 reached offer → 100 % (entry counts gave 3 / 1 = 300 %).
    offer: entered 3, of which 1 reached won → 1/3; only that one completed a visit of offer.
    """
    snap = _from_paths([["new", "offer"], ["offer"], ["offer", "won"]])
    by_id = {s.stage_id: s for s in compute_metrics(snap, NOW).funnels[0].stages}
    assert by_id["new"].entered_any == 1 and by_id["offer"].entered_any == 3
    assert by_id["new"].next_step_any == 1.0
    assert by_id["offer"].next_step_any == 1 / 3
    assert by_id["new"].next_step_strict == 1.0 and by_id["offer"].next_step_strict == 0.0
    assert by_id["offer"].cumulative_any == 1.0  # new's one deal reached offer (not 3 / 1)
    assert by_id["won"].cumulative_any == 0.0  # the one that won never was in new
    assert by_id["offer"].open == 2 and by_id["offer"].latest_days.n == 1


def test_every_stage_metric_by_hand() -> None:
    """portal(): 4 new→offer→won, 3 new→offer→lost, 2 new→won, 1 still in new; 2 d a step."""
    funnel = compute_metrics(portal(), NOW).funnels[0]
    by_id = {s.stage_id: s for s in funnel.stages}
    new, offer, won = by_id["new"], by_id["offer"], by_id["won"]
    assert (new.entered_any, offer.entered_any, won.entered_any) == (10, 7, 6)
    assert new.next_step_any == 7 / 10  # 7 of new's 10 deals entered offer
    assert offer.next_step_any == 4 / 7  # 4 of offer's 7 reached won (the 2 skippers did not pass)
    assert won.next_step_any is None  # the last step of the sequence has no next
    assert offer.cumulative_any == 7 / 10 and won.cumulative_any == 6 / 10
    assert offer.cumulative_strict == 7 / 10
    assert offer.latest_days.n == 7 and offer.latest_days.median == 2.0
    assert offer.cumulative_days.median == 2.0
    assert (new.open, offer.open, won.open) == (1, 0, 0)
    assert all(s.next_step_any is None or 0.0 <= s.next_step_any <= 1.0 for s in funnel.stages)


def _last_interaction_by_objects(snapshot: Snapshot, wanted: set[str]) -> dict[str, int]:
    """The per-row reading the column path replaced (kept here as its reference)."""
    kinds = {ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.MESSAGE}
    last: dict[str, int] = {}

    def touch(contact: str, when: int | None) -> None:
        if when and contact in wanted and when > last.get(contact, 0):
            last[contact] = when

    deal_contacts = {d.id: d.contact_ids for d in snapshot.deals}
    for deal in snapshot.deals:
        for contact in deal.contact_ids:
            touch(contact, deal.last_activity_at)
    for a in snapshot.activities:
        if a.kind in kinds:
            when = a.completed_at or a.created_at
            for contact in deal_contacts.get(a.deal_id or "", ()):
                touch(contact, when)
            if a.contact_id:
                touch(a.contact_id, when)
    for person in snapshot.contacts:
        touch(person.id, person.last_activity_at)
    return last


@pytest.mark.parametrize("packed", [False, True])
def test_people_columns_match_objects(packed: bool, tmp_path: Path) -> None:
    messy = pytest.importorskip("funnelkit.emulator.generate.messy")
    truth = pytest.importorskip("funnelkit.emulator.generate.truth")
    snapshot = truth.state_to_snapshot(messy.generate(Vendor.AMOCRM, 800, 5))
    if packed:
        snapshot = load_snapshot(save_snapshot(snapshot, tmp_path / "p.zip"))
    wanted = {c for d in snapshot.deals for c in d.contact_ids}
    expected = _last_interaction_by_objects(snapshot, wanted)
    assert people._last_interaction(snapshot, wanted) == expected
    assert expected
    tasks = {a.deal_id for a in snapshot.activities if a.kind is ActivityKind.TASK and not a.done}
    assert people._with_open_task(snapshot) == tasks
    some = set(list(wanted)[:50])
    assert people._names(snapshot, some) == {
        c.id: c.name for c in snapshot.contacts if c.id in some
    }
