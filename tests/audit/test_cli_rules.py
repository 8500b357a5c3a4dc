"""`funnelkit rules list / show`: the catalogue from the same metadata the reports use."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from funnelkit.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_config(chdir_tmp: None) -> None:
    """Run where no funnelkit.yaml exists."""


def test_list_text_and_json() -> None:
    text = runner.invoke(app, ["rules", "list"])
    assert text.exit_code == 0, text.output
    assert text.output.count("\n") == 20 and "FK201  deals.stuck" in text.output
    out = runner.invoke(app, ["rules", "list", "--format", "json"])
    data = json.loads(out.output)
    assert data["schema"] == "funnelkit.rules/1"
    codes = [r["code"] for r in data["rules"]]
    assert codes == sorted(codes) and len(codes) == 20
    fk201 = data["rules"][codes.index("FK201")]
    assert {"en", "ru", "uk"} <= set(fk201["title"])
    assert any(p["name"] == "max_days" and p["bounds"] == {"ge": 1, "le": 3650}
               for p in fk201["params"])  # fmt: skip


def test_show_in_russian_by_code_and_name() -> None:
    out = runner.invoke(app, ["rules", "show", "FK201", "--lang", "ru"])
    assert out.exit_code == 0, out.output
    assert "Открытые сделки" in out.output and "max_days" in out.output
    by_name = runner.invoke(app, ["rules", "show", "deals.stuck", "--format", "json"])
    assert json.loads(by_name.output)["code"] == "FK201"


def test_show_unknown_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from funnelkit.cli.common import run_main

    assert run_main(app, ["rules", "show", "FK999"]) == 2
    assert "no rule 'FK999'" in capsys.readouterr().err
