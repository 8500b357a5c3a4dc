"""Property: on generated portals and blueprint edits plan → apply → plan is empty, no deal lost."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from funnelkit.blueprint.applier import apply_plan
from funnelkit.blueprint.export import export_blueprint
from funnelkit.blueprint.planner import PlanOptions, plan
from funnelkit.blueprint.schema import Blueprint
from funnelkit.blueprint.state import PortalIds
from funnelkit.connectors import get_connector
from funnelkit.connectors.base import Connector, Credentials, PortalSettings
from funnelkit.emulator.serving.run import Running
from funnelkit.model import Vendor
from tests.reliability.live import served
from tests.reliability.writes import deals_misplaced

ROLES = ("nps", "partners", "warranty", "supplies", "other")
LETTERS = "абвгдежзиклмнопрстуфхцчшэюя"
word = st.text(alphabet=LETTERS, min_size=3, max_size=8)
ascii_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)
BY_KEY_AND_NAME = (lambda x: x["key"], lambda x: x["names"]["ru"])


@st.composite
def new_stage(draw: st.DrawFn) -> dict[str, Any]:
    return {"key": f"s-{draw(ascii_word)}", "names": {"ru": f"Шаг {draw(word)}"}}


@st.composite
def new_funnel(draw: st.DrawFn) -> dict[str, Any]:
    stages = draw(st.lists(new_stage(), min_size=1, max_size=4, unique_by=BY_KEY_AND_NAME))
    closing = [
        {"key": "done", "names": {"ru": "Готово"}, "semantics": "success"},
        {"key": "dropped", "names": {"ru": "Снято"}, "semantics": "failure"},
    ]
    return {
        "key": f"f-{draw(ascii_word)}",
        "role": draw(st.sampled_from(ROLES)),
        "names": {"ru": f"Воронка {draw(word)}"},
        "stages": [*stages, *closing],
    }


@st.composite
def edits(draw: st.DrawFn) -> dict[str, Any]:
    """What to change: new funnels, new stages in the main funnel, a rename, a reorder."""
    return {
        "funnels": draw(st.lists(new_funnel(), max_size=2, unique_by=BY_KEY_AND_NAME)),
        "stages": draw(st.lists(new_stage(), max_size=2, unique_by=BY_KEY_AND_NAME)),
        "rename": draw(st.booleans()),
        "swap": draw(st.booleans()),
    }


def edit(data: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    main = next(f for f in data["funnels"] if f.get("main"))
    stages = main["stages"]
    open_count = next(
        (i for i, s in enumerate(stages) if s.get("semantics") in ("success", "failure")),
        len(stages),
    )
    taken = {s["key"] for s in stages}
    fresh = [s for s in change["stages"] if s["key"] not in taken]
    stages[open_count:open_count] = fresh
    if change["swap"] and open_count >= 2:
        stages[0], stages[1] = stages[1], stages[0]
    if change["rename"]:
        old = stages[-1]["names"]["ru"]
        stages[-1]["names"] = {"ru": f"{old} (ред.)"}
        stages[-1]["previous_names"] = [old]
    data["funnels"] = [*data["funnels"], *change["funnels"]]
    return data


def _connector(running: Running) -> Connector:
    kind, value = running.secret_env
    creds = (
        Credentials(webhook=SecretStr(value))
        if kind == "WEBHOOK"
        else Credentials(token=SecretStr(value))
    )
    settings = PortalSettings(vendor=running.state.vendor, url=running.url, rate_limit=500)
    return get_connector(settings, creds)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    vendor=st.sampled_from([Vendor.BITRIX24, Vendor.AMOCRM]),
    seed=st.integers(0, 50),
    change=edits(),
)
def test_plan_apply_plan_is_empty_and_no_deal_is_lost(
    vendor: Vendor, seed: int, change: dict[str, Any]
) -> None:
    with served("apply-property", vendor, seed=seed) as running:
        state = running.state
        deals_before = {d.id: d.funnel_id for d in state.deals.values()}
        connector = _connector(running)
        try:
            data = export_blueprint(connector.pull_structure(), "prop")
            ids = PortalIds()  # the exported `id:`s pin the portal's objects
            bp = Blueprint.model_validate(edit(data, change))
            options = PlanOptions(ids=ids, count_deals=connector.count_deals)
            first = plan(connector.pull_structure(), bp, options=options)
            first.raise_if_unsafe(False)
            apply_plan(first, connector, ids)
            again = plan(connector.pull_structure(), bp, options=options)
        finally:
            connector.close()
    assert again.changes == (), [c.summary for c in again.changes]
    assert again.refusals == ()
    assert {d.id: d.funnel_id for d in state.deals.values()} == deals_before
    assert deals_misplaced(state) == []
