"""Parallel keyset chains and id ranges: no row lost, repeated or mis-chained, no extra request."""

from __future__ import annotations

import itertools
import random

import pytest

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.connectors.bitrix24 import mapping_events, paging, specs
from funnelkit.connectors.bitrix24.paging import Cursor, split
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.model import Vendor
from tests.connectors.bitrix24.portal import running
from tests.connectors.bitrix24.test_b24_pull import assert_equal_to_state


def _small_ranges(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Cut tables into ranges of 100 ids (2 commands) so a small portal splits; count cuts."""
    monkeypatch.setattr(paging, "PART_IDS", 100)
    monkeypatch.setattr(paging, "MIN_PART_UNITS", 1)
    cuts: list[int] = []
    real = paging.split

    def counting(cursor: Cursor, parts: int) -> list[Cursor]:
        out = real(cursor, parts)
        cuts.append(len(out))
        return out

    monkeypatch.setattr(paging, "split", counting)
    return cuts


def test_split_ranges_are_disjoint_and_cover_the_table() -> None:
    cursor = Cursor(specs.DEALS, extra={"@categoryId": [0]}, after=7, max_id=7 + 2500 * 40)
    parts = split(cursor, 4)
    assert len(parts) == 4
    assert parts[0].after == 7 and parts[-1].max_id == cursor.max_id
    for left, right in itertools.pairwise(parts):
        assert left.max_id == right.after
        assert left.extra == {"@categoryId": [0], "<=id": left.max_id}
        assert (left.max_id or 0) - left.after == 2500 * 10  # whole batches of ids
    assert parts[-1].extra == {"@categoryId": [0]}  # the last range reads on to the end
    assert split(Cursor(specs.DEALS, max_id=2500 * 3), 4) == [Cursor(specs.DEALS, max_id=7500)]


def test_rechain_across_ranges_equals_one_pass() -> None:
    rng = random.Random(5)
    rows = []
    for n in range(1, 400):
        category = rng.choice(["0", "2"])
        rows.append({"ID": str(n), "OWNER_ID": str(rng.randint(1, 30)), "CATEGORY_ID": category,
                     "STAGE_ID": rng.choice(["NEW", "WON"]), "TYPE_ID": rng.choice("1235"),
                     "CREATED_TIME": "2025-01-01T00:00:00+00:00"})  # fmt: skip
    whole = mapping_events.transitions(rows, lead=False, last={"3": ("0", "NEW")})
    joined: list[object] = []
    last = {"3": ("0", "NEW")}
    for lo, hi in ((0, 50), (50, 51), (51, 300), (300, 399)):
        alone = mapping_events.transitions(rows[lo:hi], lead=False, last={})
        joined.extend(mapping_events.rechain(alone, last))
    assert joined == whole


def test_parallel_ranges_with_faults_equal_the_state(monkeypatch: pytest.MonkeyPatch) -> None:
    cuts = _small_ranges(monkeypatch)
    state = generate(Vendor.BITRIX24, 440, 7)
    faults = FaultPlan(rate=0.5, kinds=("503", "reset", "truncate"), seed=4)
    with running(state, faults=faults) as portal:
        portal.settings = portal.settings.model_copy(update={"concurrency": 4})
        connector = portal.connector()
        snap = connector.pull(PullScope(), NullProgress())
        connector.close()
    assert max(cuts) >= 2, cuts
    assert sum(faults.injected.values()) >= 2, faults.injected
    assert_equal_to_state(snap, state)


def test_parallel_pull_sends_no_more_requests_than_one_chain() -> None:
    state = generate(Vendor.BITRIX24, 360, 1)
    counts = {}
    for concurrency in (1, 6):
        with running(state) as portal:
            portal.settings = portal.settings.model_copy(update={"concurrency": concurrency})
            connector = portal.connector()
            snap = connector.pull(PullScope(), NullProgress())
            connector.close()
            counts[concurrency] = portal.server.requests
        assert_equal_to_state(snap, state)
    assert counts[6] == counts[1]


def test_last_batches_of_several_chains_share_one_request() -> None:
    from funnelkit.connectors.bitrix24.jobs import Job, _pack

    def job(spec: paging.ListSpec, ids: int | None) -> Job:
        return Job(Cursor(spec, max_id=ids), lambda rows: None)

    big, tail, small, tiny, unknown = (
        job(specs.DEALS, 9000),  # 50 commands: a full batch of its own
        job(specs.LEADS, 1500),  # 30 commands
        job(specs.CONTACTS, 1000),  # 20 commands
        job(specs.USERS, 40),  # 1 command
        job(specs.COMPANIES, None),  # size unknown: never packed
    )
    ready = [big, tail, small, tiny, unknown]
    assert _pack(ready) == [big]
    assert _pack(ready) == [tail, small]
    assert _pack(ready) == [tiny]  # `unknown` may need a full batch
    assert ready == [unknown]
