"""`merge_into: KEY`: a stage's deals move to the target first, then the stage goes.

Planned, thresholded and confirmed like every change that moves deals (needs --force);
an apply interrupted between the move and the delete converges when re-run.
"""

from __future__ import annotations

import pytest

from funnelkit.blueprint import parse_blueprint
from funnelkit.errors import ApplyError, BlueprintError, UnsafePlanError
from funnelkit.model import MergeStage, Vendor
from tests.blueprint.emu import live_portal
from tests.blueprint.test_roundtrip import RT, VENDORS, FailOnce, add_deals, converge, deal_stages

MERGED = RT.replace(
    "{key: offer, names: {ru: КП отправлено}}",
    "{key: offer, names: {ru: КП отправлено}, merge_into: invoice}",
)


@pytest.mark.parametrize("interrupt", [False, True])
@pytest.mark.parametrize("vendor", VENDORS)
def test_merge_moves_every_deal_then_removes_the_stage(vendor: Vendor, interrupt: bool) -> None:
    with live_portal(vendor) as live:
        converge(live, parse_blueprint(RT))
        funnel_id = live.ids.funnels["sales"]
        offer, invoice = live.ids.stages["sales/offer"], live.ids.stages["sales/invoice"]
        add_deals(live, funnel_id, offer, 5)
        before = deal_stages(live)[(funnel_id, invoice)]

        result = live.plan(parse_blueprint(MERGED))
        assert [type(c) for c in result.changes] == [MergeStage]
        merge = result.changes[0]
        assert isinstance(merge, MergeStage) and merge.deal_count == 5
        assert "(5 deals) into «Счёт выставлен»" in merge.summary
        assert [s.op for s in merge.steps()] == ["move_deals", "delete_stage"]
        with pytest.raises(UnsafePlanError):
            result.raise_if_unsafe(False)
        result.raise_if_unsafe(True)
        if interrupt:
            real = live.connector
            live.connector = FailOnce(real, fail_at=2)  # type: ignore[assignment]
            with pytest.raises(ApplyError):
                live.apply(result)
            live.connector = real
            rest = live.plan(parse_blueprint(MERGED))
            (left,) = rest.changes
            assert isinstance(left, MergeStage) and left.deal_count == 0
            assert [s.op for s in left.steps()] == ["delete_stage"]
            rest.raise_if_unsafe(False)  # nothing left to move: deleting an empty stage
            live.apply(rest)
        else:
            live.apply(result)
        stages = deal_stages(live)
        assert stages[(funnel_id, invoice)] == before + 5
        assert stages[(funnel_id, offer)] == 0
        ids = {s.id for s in live.connector.pull_structure().structure.stages_of(funnel_id)}
        assert offer not in ids
        assert live.plan(parse_blueprint(MERGED)).changes == ()


def test_merge_into_must_name_a_staying_stage_of_the_funnel() -> None:
    bad = RT.replace(
        "{key: offer, names: {ru: КП отправлено}}",
        "{key: offer, names: {ru: КП отправлено}, merge_into: nowhere}",
    )
    with pytest.raises(BlueprintError, match="does not have"):
        parse_blueprint(bad)
    with pytest.raises(BlueprintError, match="itself"):
        parse_blueprint(MERGED.replace("merge_into: invoice", "merge_into: offer"))


def test_two_stages_of_one_display_name_are_rejected() -> None:
    twice = RT.replace(
        "{key: invoice, names: {ru: Счёт выставлен}}", "{key: invoice, names: {ru: КП  Отправлено}}"
    )
    with pytest.raises(BlueprintError, match="already used by stage 'offer'"):
        parse_blueprint(twice)
