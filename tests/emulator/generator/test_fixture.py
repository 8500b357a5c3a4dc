"""Fixture files: example files load, round-trip, and bad files name file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnelkit.emulator.fixture.load import (
    dump_fixture,
    fixture_schema,
    load_fixture,
    state_from_fixture,
)
from funnelkit.emulator.state import PortalState
from funnelkit.errors import ConfigError
from funnelkit.model import Semantics, TransitionKind, Vendor
from funnelkit.yamlio import dump_yaml

FIXTURES = Path(__file__).resolve().parents[3] / "funnelkit" / "emulator" / "fixture" / "portals"
TABLES = [
    "users",
    "funnels",
    "stages",
    "loss_reasons",
    "custom_fields",
    "tunnels",
    "deals",
    "transitions",
    "responsible_changes",
    "activities",
    "deadline_changes",
    "contacts",
    "companies",
]


def _same(a: PortalState, b: PortalState) -> None:
    for table in TABLES:
        assert getattr(a, table) == getattr(b, table), table


@pytest.mark.parametrize("name", ["small_bitrix24.yaml", "small_amocrm.yaml"])
def test_example_fixture_round_trips(name: str, tmp_path: Path) -> None:
    state = load_fixture(FIXTURES / name)
    assert len(state.deals) == 12
    again = state_from_fixture(dump_fixture(state))
    _same(state, again)
    # and through a YAML file, as a person would save it
    path = tmp_path / "copy.yaml"
    path.write_text(dump_yaml(dump_fixture(state)), encoding="utf-8")
    _same(state, load_fixture(path))


def test_history_becomes_transitions_in_time_order() -> None:
    state = load_fixture(FIXTURES / "small_bitrix24.yaml")
    ats = [t.at for t in state.transitions]
    assert ats == sorted(ats)
    assert [t.id for t in state.transitions] == [str(n) for n in range(1, len(ats) + 1)]
    for deal in state.deals.values():
        mine = [t for t in state.transitions if t.deal_id == deal.id]
        assert mine[0].kind == TransitionKind.CREATED and mine[0].from_stage_id is None
        assert (mine[-1].funnel_id, mine[-1].to_stage_id) == (deal.funnel_id, deal.stage_id)
        stage = state.stages[(deal.funnel_id, deal.stage_id)]
        assert deal.closed == (stage.semantics != Semantics.PROCESS)
    moved = [t for t in state.transitions if t.deal_id == "110"]
    assert moved[-1].kind == TransitionKind.FUNNEL_CHANGED
    assert (moved[-1].from_funnel_id, moved[-1].funnel_id) == ("0", "2")
    assert state.deals["L1"].entity == "lead"
    assert list(state.deals)[-2:] == ["L1", "L2"]


def test_amocrm_fixture_keeps_events() -> None:
    state = load_fixture(FIXTURES / "small_amocrm.yaml")
    assert state.vendor == Vendor.AMOCRM
    assert len(state.responsible_changes) == 1
    assert len(state.deadline_changes) == 3
    assert {d.task_id for d in state.deadline_changes} == {
        a.id for a in state.activities if a.deal_id == "40005" and a.kind == "task"
    }
    assert all(a.id.startswith("T") for a in state.activities if a.kind == "task")
    assert state.stages[("7010002", "142")].semantics == Semantics.SUCCESS


def test_times_accept_epoch_and_iso() -> None:
    data = dump_fixture(load_fixture(FIXTURES / "small_amocrm.yaml"))
    data["now"] = 1_790_000_000
    data["deals"][0]["history"][0]["at"] = "2026-05-02"
    state = state_from_fixture(data)
    assert state.now == 1_790_000_000
    assert state.deals["40001"].created_at == 1_777_680_000


BAD = """\
vendor: bitrix24
now: 2026-11-01T09:00:00Z
users:
  - {id: "1", name: A}
funnels:
  - id: "0"
    name: Sales
    stages:
      - {id: NEW, name: New}
      - {id: WON, name: Won, semantics: succes}
deals:
  - id: "1"
    funnel: "0"
    responsible: "1"
    colour: red
    history:
      - {stage: NEW, at: 2026-01-01}
"""

DANGLING = """\
vendor: amocrm
now: 2026-11-01T09:00:00Z
users:
  - {id: "1", name: A}
funnels:
  - id: "10"
    name: Sales
    stages:
      - {id: "20", name: New}
      - {id: "142", name: Won, semantics: success}
deals:
  - id: "1"
    funnel: "10"
    responsible: "99"
    history:
      - {stage: "20", at: 2026-02-01}
      - {stage: "21", at: 2026-03-01}
      - {stage: "142", at: 2026-01-01}
"""


def test_schema_errors_list_every_problem_with_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_fixture(path)
    text = str(caught.value)
    assert "2 problems" in text
    assert f"{path}:10:" in text and "semantics" in text
    assert f"{path}:15:5" in text and "unknown key" in text
    assert caught.value.hint


def test_reference_errors_name_file_line(tmp_path: Path) -> None:
    path = tmp_path / "dangling.yaml"
    path.write_text(DANGLING, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_fixture(path)
    text = str(caught.value)
    assert "3 problems" in text
    assert f"{path}:14:5: deals.0.responsible: unknown user '99'" in text
    assert f"{path}:17:" in text and "'21' is not a stage of funnel '10'" in text
    assert f"{path}:18:" in text and "time order" in text


def test_missing_file_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_fixture(tmp_path / "nope.yaml")


def test_schema_documents_the_format() -> None:
    schema = fixture_schema()
    assert schema["type"] == "object"
    assert {"vendor", "now", "funnels", "deals"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    move = schema["$defs"]["FxMove"]
    assert set(move["required"]) == {"stage", "at"}
    tunnel = schema["$defs"]["FxTunnel"]
    assert "from" in tunnel["properties"]
