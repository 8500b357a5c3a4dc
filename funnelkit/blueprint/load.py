"""Read a blueprint file: YAML with positions, schema validation, then semantic checks."""

from __future__ import annotations

import os

from funnelkit.blueprint.checks import check_blueprint
from funnelkit.blueprint.schema import Blueprint
from funnelkit.errors import BlueprintError
from funnelkit.yamlio import YamlDoc, load_yaml, parse_yaml, validate

HINT = "fix the lines above; `funnelkit schema blueprint` prints the format"


def load_blueprint(path: str | os.PathLike[str]) -> Blueprint:
    """Load and check a blueprint; every problem is reported at once with file:line:col."""
    return blueprint_from_doc(load_yaml(path, BlueprintError))


def parse_blueprint(text: str, path: str = "<blueprint>") -> Blueprint:
    """The same as `load_blueprint` for text already in memory (bundled files, tests)."""
    return blueprint_from_doc(parse_yaml(text, path, BlueprintError))


def blueprint_from_doc(doc: YamlDoc) -> Blueprint:
    """Validate a parsed document as a blueprint."""
    blueprint = validate(doc, Blueprint, BlueprintError, hint=HINT)
    problems = check_blueprint(blueprint)
    if problems:
        lines = [f"{doc.where(loc)}: {_dotted(loc)}: {message}" for loc, message in problems]
        count = len(lines)
        head = f"{doc.path}: {count} problem{'s' if count != 1 else ''}"
        raise BlueprintError(head + "\n  " + "\n  ".join(lines), hint=HINT)
    return blueprint


def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc) or "<document>"
