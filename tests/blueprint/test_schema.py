"""Blueprint files: every problem reported at once, each with file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnelkit.blueprint import blueprint_schema, load_blueprint
from funnelkit.errors import BlueprintError

GOOD = """\
name: small
funnels:
  - key: sales
    role: primary-sales
    names: {ru: Продажи}
    stages:
      - {key: new, names: {ru: Новая}}
      - {key: won, names: {ru: Оплачено}, semantics: success}
"""


def _load(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bp.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    assert info.value.exit_code == 2
    return str(info.value)


def test_good_blueprint_loads(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(GOOD, encoding="utf-8")
    bp = load_blueprint(path)
    assert bp.funnels[0].stages[1].key == "won"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (GOOD.replace("role: primary-sales", "role: sales-ish"), 4, "must be one of"),
        (
            GOOD.replace("names: {ru: Продажи}", "names: {ru: Продажи}\n    colour: red"),
            6,
            "unknown key",
        ),
        (GOOD + "      - {key: new, names: {ru: Ещё}}\n", 9, "stage key 'new' is used twice"),
        (
            GOOD + "      - {key: won2, names: {ru: Ещё}, semantics: success}\n",
            9,
            "at most one success",
        ),
        (
            GOOD.replace("semantics: success}", "semantics: success, colour: '#12345'}"),
            8,
            "should match",
        ),
        (
            GOOD
            + "      - {key: old, names: {ru: Старый}, absent: true, move_deals_to: nowhere}\n",
            9,
            "does not have",
        ),
        (
            GOOD + "tunnels:\n  - {from: {funnel: sales, stage: zz}, to: {funnel: sales}}\n",
            10,
            "'zz'",
        ),
        (GOOD + "  - key: sales\n    role: other\n    names: {ru: B}\n", 9, "used twice"),
        (GOOD.replace("name: small", "name: small\nname: again"), 2, "duplicate key"),
        (GOOD.replace("stages:", "stages: ["), 7, ""),
    ],
)
def test_bad_blueprints_name_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    error = _load(tmp_path, text)
    assert f"bp.yaml:{line}:" in error
    assert message in error


def test_all_problems_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("role: primary-sales", "role: nope").replace(
        "{ru: Новая}", "{ru: Н, xx: 1}"
    )
    error = _load(tmp_path, text)
    assert "2 problems" in error
    assert "bp.yaml:4:" in error and "bp.yaml:7:" in error


def test_tunnel_loop_is_reported(tmp_path: Path) -> None:
    text = (
        GOOD
        + "  - key: other\n    role: refusals\n    names: {ru: Другая}\n    stages:\n"
        + "      - {key: a, names: {ru: А}}\n"
        + "tunnels:\n"
        + "  - {from: {funnel: sales, stage: new}, to: {funnel: other, stage: a}, mode: move}\n"
        + "  - {from: {funnel: other, stage: a}, to: {funnel: sales, stage: new}, mode: move}\n"
    )
    error = _load(tmp_path, text)
    assert "tunnels form a loop" in error


def test_move_deals_to_needs_absent_and_a_live_target(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{key: new, names: {ru: Новая}}", "{key: new, names: {ru: Новая}, move_deals_to: won}"
    )
    assert "only makes sense with `absent: true`" in _load(tmp_path, text)


def test_on_is_read_despite_yaml_11(tmp_path: Path) -> None:
    text = (
        GOOD
        + "  - {key: base, role: client-base, names: {ru: База},\n"
        + "     stages: [{key: a, names: {ru: А}}]}\n"
        + "tunnels:\n  - from: {funnel: sales, stage: won}\n    to: {funnel: base}\n    on: won\n"
    )
    path = tmp_path / "bp.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_blueprint(path).tunnels[0].on.value == "won"


def test_json_schema_describes_the_format() -> None:
    schema = blueprint_schema()
    assert "funnels" in schema["properties"]
    assert "FunnelSpec" in schema["$defs"]
    assert schema["$defs"]["TunnelSpec"]["properties"]["from"]
