"""`funnelkit rules evaluate-names FILE`: the name analyser's scores on a labelled file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from funnelkit.errors import InputError

FORMATS = ("text", "json")


def evaluate_names(
    file: Annotated[Path, typer.Argument(help="Labelled funnels YAML (labelled-funnels schema)")],
    format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    cv: Annotated[
        int | None,
        typer.Option("--cv", help="K-fold cross-validation grouped by funnel (K ≥ 2)"),
    ] = None,
) -> None:
    """Precision, recall and F1 per label, the label confusion and role-guess accuracy."""
    from funnelkit.names.evaluate import cross_validate, evaluate_file
    from funnelkit.names.render import evaluation_json, render_evaluation

    if format not in FORMATS:
        raise InputError(f"--format {format!r}: unknown format", hint="use text or json")
    evaluation = evaluate_file(file) if cv is None else cross_validate(file, cv)
    if format == "json":
        text = json.dumps(evaluation_json(evaluation), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_evaluation(evaluation)
    sys.stdout.write(text)
    sys.stdout.flush()
