"""The evaluate-names command function, run through a throw-away typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from funnelkit.cli.rules_names import evaluate_names
from funnelkit.errors import InputError

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("evaluate-names")(evaluate_names)

    @app.command("noop")
    def noop() -> None:  # a second command keeps typer from collapsing the group
        pass

    return app


def test_text_output() -> None:
    result = CliRunner().invoke(_app(), ["evaluate-names", str(TINY)])
    assert result.exit_code == 0, result.output
    assert "precision" in result.stdout
    assert "role guess: 2/2" in result.stdout


def test_json_output() -> None:
    result = CliRunner().invoke(_app(), ["evaluate-names", str(TINY), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stages"] == 8
    assert data["labels"]["merged"]["tp"] == 1


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match="--format"):
        evaluate_names(TINY, "html")


def test_cross_validation_option() -> None:
    dev = TINY.with_name("dev.yaml")
    result = CliRunner().invoke(
        _app(), ["evaluate-names", str(dev), "--cv", "5", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["folds"]) == 5
    assert {"precision", "recall", "f1"} <= set(data["labels"]["dump"])
