"""A pull of a generated (messy) amoCRM portal equals the generator's truth.

The emulator serves no interaction texts and gives an uncoloured status amoCRM's default
colour, so those fields are compared after the same normalisation; everything else —
sources and products included, which the generator numbers as amoCRM does — must match
row for row.
"""

from __future__ import annotations

from dataclasses import replace

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.emulator.generate.messy import generate
from funnelkit.model import Vendor
from tests.connectors.amocrm.portal import expected_history, running


def test_generated_portal_pull_equals_truth() -> None:
    state = generate(Vendor.AMOCRM, 300, 11)
    with running(state) as run:
        snap = run.connector.pull(PullScope(), NullProgress())
    want_deals = sorted(state.deals.values(), key=lambda d: int(d.id))
    assert list(snap.deals) == want_deals
    assert list(snap.transitions) == expected_history(state)
    assert sorted(snap.responsible_changes, key=lambda c: c.id) == sorted(
        state.responsible_changes, key=lambda c: c.id
    )
    assert sorted(snap.deadline_changes, key=lambda c: c.id) == sorted(
        state.deadline_changes, key=lambda c: c.id
    )
    texts = {a.id: a.subject for a in state.activities}
    got = sorted(
        (replace(a, subject=texts.get(a.id, "")) for a in snap.activities), key=lambda a: a.id
    )
    assert got == sorted(state.activities, key=lambda a: a.id)
    assert list(snap.contacts) == sorted(state.contacts.values(), key=lambda c: int(c.id))
    assert list(snap.companies) == sorted(state.companies.values(), key=lambda c: int(c.id))
    colours = {s.key: s.color for s in state.stages.values()}
    stages = sorted(
        (s.model_copy(update={"color": colours[s.key]}) for s in snap.structure.stages),
        key=lambda s: s.key,
    )
    assert stages == sorted(state.stages.values(), key=lambda s: s.key)
    assert sorted(snap.structure.users, key=lambda u: u.id) == sorted(
        state.users.values(), key=lambda u: u.id
    )
    assert sorted(snap.structure.custom_fields, key=lambda f: f.id) == sorted(
        state.custom_fields, key=lambda f: f.id
    )
