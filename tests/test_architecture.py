"""The layer contract: each part of the package imports only what its layer allows."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "funnelkit"
STDLIB = set(sys.stdlib_module_names)
UI = {"typer", "click", "rich", "jinja2"}

# prefix of the importing module → (allowed funnelkit parts, allowed third-party, forbidden)
ALLOWED_THIRD_PARTY = {
    "funnelkit.model": {"pydantic"},
    "funnelkit.audit": {"pydantic", "numpy"},
    "funnelkit.names": {"snowballstemmer", "pymorphy3"},
    "funnelkit.store": {"pydantic", "pyarrow", "numpy"},
    "funnelkit.emulator": {"pydantic", "numpy", "yaml"},
    "funnelkit.blueprint": {"pydantic", "yaml"},
    "funnelkit.connectors": {"pydantic", "httpx", "tenacity"},
    "funnelkit.report": {"pydantic", "rich", "jinja2", "babel"},
}
FORBIDDEN_INTERNAL = {
    "funnelkit.model": {
        "funnelkit.audit",
        "funnelkit.connectors",
        "funnelkit.blueprint",
        "funnelkit.report",
        "funnelkit.cli",
        "funnelkit.emulator",
        "funnelkit.store",
        "funnelkit.names",
        "funnelkit.config",
        "funnelkit.yamlio",
    },
    "funnelkit.names": {
        "funnelkit.audit",
        "funnelkit.connectors",
        "funnelkit.report",
        "funnelkit.cli",
        "funnelkit.emulator",
        "funnelkit.blueprint",
    },
    "funnelkit.audit": {
        "funnelkit.connectors",
        "funnelkit.report",
        "funnelkit.cli",
        "funnelkit.blueprint",
        "funnelkit.emulator",
        "funnelkit.store",
        "funnelkit.config",
    },
    "funnelkit.store": {"funnelkit.connectors", "funnelkit.cli", "funnelkit.report"},
    "funnelkit.emulator": {
        "funnelkit.connectors",
        "funnelkit.cli",
        "funnelkit.report",
        "funnelkit.audit",
        "funnelkit.blueprint",
        "funnelkit.store",
    },
    "funnelkit.connectors": {
        "funnelkit.cli",
        "funnelkit.report",
        "funnelkit.audit",
        "funnelkit.blueprint",
        "funnelkit.emulator",
    },
    "funnelkit.blueprint": {"funnelkit.cli", "funnelkit.report", "funnelkit.emulator"},
    "funnelkit.report": {"funnelkit.cli", "funnelkit.connectors", "funnelkit.emulator"},
}
# third-party libraries that may appear only under one part of the package
ONLY_UNDER = {
    "httpx": "funnelkit.connectors",
    "typer": "funnelkit.cli",
    "tenacity": "funnelkit.connectors",
}


def imports_of(source: str, module: str) -> set[str]:
    """Every module an import statement names, anywhere in the file (lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                found.add(".".join([*base, node.module or ""]).rstrip("."))
            elif node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def violations(module: str, source: str) -> list[str]:
    """Layer rules broken by one module."""
    problems = []
    for name in sorted(imports_of(source, module)):
        top = name.split(".")[0]
        if top in ONLY_UNDER and not module.startswith(ONLY_UNDER[top]):
            problems.append(f"{module} imports {name} (only {ONLY_UNDER[top]} may)")
        for layer, forbidden in FORBIDDEN_INTERNAL.items():
            if module.startswith(layer) and any(
                name == bad or name.startswith(bad + ".") for bad in forbidden
            ):
                problems.append(f"{module} imports {name} (upward from {layer})")
        for layer, third in ALLOWED_THIRD_PARTY.items():
            if (
                module.startswith(layer)
                and top not in STDLIB
                and top != "funnelkit"
                and top not in third
            ):
                problems.append(f"{module} imports {name} (not allowed in {layer})")
    return problems


def package_modules() -> list[tuple[str, str]]:
    """(dotted name, source) of every module of the package."""
    result = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        result.append((".".join(parts), path.read_text(encoding="utf-8")))
    return result


def test_package_respects_layers() -> None:
    problems = [p for module, source in package_modules() for p in violations(module, source)]
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("funnelkit.audit.rules.fk999", "from funnelkit.connectors import get_connector\n"),
        ("funnelkit.audit.engine", "def f():\n    import httpx\n"),
        ("funnelkit.audit.engine", "import rich.console\n"),
        ("funnelkit.model.thing", "import yaml\n"),
        ("funnelkit.model.thing", "from funnelkit.store import save_snapshot\n"),
        ("funnelkit.blueprint.planner", "import typer\n"),
        ("funnelkit.report.html", "from ..cli import common\n"),
    ],
)
def test_an_upward_import_is_caught(module: str, source: str) -> None:
    assert violations(module, source)


def test_clean_module_passes() -> None:
    source = "from funnelkit.model import Snapshot\nimport pydantic\nimport json\n"
    assert violations("funnelkit.audit.engine", source) == []
