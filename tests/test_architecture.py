"""The layer contract: one ordered list of layers, no string imports, no import cycles."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "funnelkit"
STDLIB = set(sys.stdlib_module_names)

# Top to bottom. A module imports its own part and the layers below, never a layer above and
# never another part of its own layer. Parts are module prefixes under `funnelkit.`; a part in
# PACKAGE_ONLY names that package's __init__.py alone ("" is funnelkit/__init__.py: the version).
# A module in no part fails the test.
LAYERS: list[tuple[str, ...]] = [
    ("__main__",),
    ("cli",),
    ("fleet",),
    ("config",),  # composes settings from the parts below
    ("config_check", "config_discovery"),  # what config reads and checks
    ("report",),
    ("blueprint.applier", "connectors"),  # "connectors": the vendor registry, __init__.py
    ("connectors.bitrix24", "connectors.amocrm"),
    ("audit", "blueprint", "emulator", "store", "connectors.http"),
    (
        "metrics",
        "names",
        "connectors.base",
        "connectors.pacing",
        "connectors.redact",
        "connectors.shape",
    ),
    ("index",),  # coded history shared by audit and metrics
    ("model", "yamlio"),
    ("errors", "fileio"),
    ("",),
]
# parts that are a package's __init__.py without its submodules: a module added beside the
# vendor folders (a third vendor, say) must be placed in LAYERS, not fall into the registry
PACKAGE_ONLY = {"", "connectors"}
# third-party libraries a part may import (parts not listed: any)
ALLOWED_THIRD_PARTY = {
    "model": {"pydantic"},
    "audit": {"pydantic", "numpy"},
    "metrics": {"pydantic", "numpy"},
    "index": {"numpy"},
    "names": {"snowballstemmer", "pymorphy3"},
    "store": {"pydantic", "pyarrow", "numpy"},
    "emulator": {"pydantic", "numpy"},
    "blueprint": {"pydantic"},
    "connectors": {"pydantic", "httpx", "tenacity"},
    "report": {"pydantic", "rich", "jinja2", "babel"},
    "fleet": set(),
    "config": {"pydantic"},
    "errors": set(),
    "fileio": set(),
}
# third-party libraries that may appear only under one prefix of the package
ONLY_UNDER = {
    "httpx": "funnelkit.connectors",
    "typer": "funnelkit.cli",
    "tenacity": "funnelkit.connectors",
    "yaml": "funnelkit.yamlio",
    "jinja2": "funnelkit.report.html",
}
_STRING_IMPORTS = {"import_module", "__import__"}


@dataclass(frozen=True)
class Module:
    """One source file of the package."""

    name: str
    source: str
    is_package: bool = False


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(tree: ast.AST, runtime_only: bool) -> Iterable[ast.AST]:
    """Every node, function bodies included; `if TYPE_CHECKING:` bodies left out if asked."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        children = list(ast.iter_child_nodes(node))
        if runtime_only and isinstance(node, ast.If) and _type_checking(node):
            children = list(node.orelse)
        stack.extend(children)


def imports_of(
    module: Module, known: set[str] | None = None, runtime_only: bool = False
) -> set[str]:
    """Every module an import statement names (a name imported from a module counts as it)."""
    found: set[str] = set()
    for node in _statements(ast.parse(module.source), runtime_only):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.name.split(".")
                keep = len(base) - node.level + (1 if module.is_package else 0)
                target = ".".join([*base[:keep], *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            subs = {f"{target}.{a.name}" for a in node.names}
            inside = subs & known if known is not None else subs
            found.update(inside)
            if known is None or len(inside) < len(subs):
                found.add(target)
    return found


def part_of(module: str) -> str | None:
    """The layer part a funnelkit module belongs to: the longest prefix that names it."""
    best: str | None = None
    for layer in LAYERS:
        for part in layer:
            full = f"funnelkit.{part}" if part else "funnelkit"
            inside = part not in PACKAGE_ONLY and module.startswith(full + ".")
            matches = module == full or inside
            if matches and (best is None or len(part) > len(best)):
                best = part
    return best


def _layer(part: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if part in layer)


def _string_imports(source: str) -> list[str]:
    """import_module / __import__ calls naming a project module (or a name we cannot see)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in _STRING_IMPORTS or not node.args:
            continue
        arg = node.args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            found.append(f"{name}(<computed>) at line {node.lineno}")
        elif arg.value.startswith(("funnelkit", ".")):
            found.append(f"{name}({arg.value!r}) at line {node.lineno}")
    return found


def violations(module: Module) -> list[str]:
    """Layer, third-party and string-import rules broken by one module."""
    own = part_of(module.name)
    if own is None:
        return [f"{module.name} is in no layer: add its package to LAYERS"]
    problems = [f"{module.name}: string import {s}" for s in _string_imports(module.source)]
    reported: set[str] = set()
    for name in sorted(imports_of(module)):
        top = name.split(".")[0]
        if top == "funnelkit":
            target = part_of(name)
            if target is None or target == own or target in reported:
                continue
            reported.add(target)  # once per part: `from x import a, b` names x, x.a and x.b
            if _layer(target) < _layer(own):
                problems.append(f"{module.name} imports {name} (upward: {own} → {target})")
            elif _layer(target) == _layer(own):
                problems.append(f"{module.name} imports {name} (same layer: {own} → {target})")
            continue
        if top in ONLY_UNDER and not module.name.startswith(ONLY_UNDER[top]):
            problems.append(f"{module.name} imports {name} (only {ONLY_UNDER[top]} may)")
        allowed = ALLOWED_THIRD_PARTY.get(own.split(".")[0])
        if allowed is not None and top not in STDLIB and top not in allowed:
            problems.append(f"{module.name} imports {name} (not allowed in {own})")
    return problems


def package_modules() -> list[Module]:
    """Every module of the package."""
    result = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        result.append(Module(name, path.read_text(encoding="utf-8"), is_package))
    return result


def module_graph(modules: list[Module]) -> dict[str, set[str]]:
    """Module → project modules it imports at run time (in functions too; not TYPE_CHECKING)."""
    known = {m.name for m in modules}

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for m in modules:
        targets = {resolve(n) for n in imports_of(m, known, runtime_only=True)}
        graph[m.name] = {t for t in targets if t is not None and t != m.name}
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in graph:
                    continue
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_package_respects_layers() -> None:
    problems = [p for module in package_modules() for p in violations(module)]
    assert problems == []


def test_no_import_cycles() -> None:
    found = cycles(module_graph(package_modules()))
    assert found == []


def test_every_part_names_modules() -> None:
    """A part left in LAYERS after its package went is a stale line."""
    names = [m.name for m in package_modules()]
    stale = [p for layer in LAYERS for p in layer if not any(part_of(n) == p for n in names)]
    assert stale == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("funnelkit.audit.rules.fk999", "from funnelkit.connectors import get_connector\n"),
        ("funnelkit.audit.engine", "def f():\n    import httpx\n"),
        ("funnelkit.audit.engine", "import rich.console\n"),
        ("funnelkit.audit.engine", "from funnelkit.store import save_snapshot\n"),
        ("funnelkit.model.thing", "import yaml\n"),
        ("funnelkit.model.thing", "from funnelkit.store import save_snapshot\n"),
        ("funnelkit.blueprint.planner", "import typer\n"),
        ("funnelkit.blueprint.planner", "import yaml\n"),
        ("funnelkit.blueprint.planner", "from funnelkit.connectors.bitrix24 import writes\n"),
        ("funnelkit.report.html", "from ..cli import common\n"),
        ("funnelkit.metrics.funnels", "from funnelkit.cli.common import AppState\n"),
        ("funnelkit.config", "from funnelkit.cli import app\n"),
        ("funnelkit.errors", "from funnelkit.model import Snapshot\n"),
        ("funnelkit.fleet.runner", "from funnelkit.cli.common import open_connector\n"),
        (
            "funnelkit.audit.naming",
            "import importlib\nimportlib.import_module('funnelkit.names')\n",
        ),
        ("funnelkit.audit.naming", "__import__('funnelkit.names')\n"),
        ("funnelkit.audit.naming", "from importlib import import_module\nimport_module(name)\n"),
        ("funnelkit.newpart.thing", "import json\n"),
        ("funnelkit.connectors.kommo", "import json\n"),
        ("funnelkit.connectors.kommo.mapping", "from funnelkit.connectors.bitrix24 import x\n"),
    ],
)
def test_a_broken_rule_is_caught(module: str, source: str) -> None:
    assert violations(Module(module, source))


def test_clean_module_passes() -> None:
    source = (
        "from funnelkit.model import Snapshot\nimport pydantic\nimport json\n"
        "from . import findings\nimport importlib\nimportlib.import_module('pymorphy3')\n"
    )
    assert violations(Module("funnelkit.audit.engine", source)) == []


def test_relative_imports_resolve_from_packages_and_modules() -> None:
    package = Module("funnelkit.audit", "from .findings import Severity\n", is_package=True)
    module = Module("funnelkit.audit.engine", "from ..model import Snapshot\n")
    assert "funnelkit.audit.findings" in imports_of(package)
    assert "funnelkit.model" in imports_of(module)


def test_cycles_count_function_imports_but_not_type_checking() -> None:
    lazy = [
        Module("funnelkit.a", "def f():\n    from funnelkit import b\n"),
        Module("funnelkit.b", "import funnelkit.a\n"),
        Module("funnelkit.c", "from funnelkit.a import thing\n"),
    ]
    assert cycles(module_graph(lazy)) == [["funnelkit.a", "funnelkit.b"]]
    typed = [
        Module("funnelkit.a", "import funnelkit.b\n"),
        Module(
            "funnelkit.b",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import funnelkit.a\n",
        ),
    ]
    assert cycles(module_graph(typed)) == []
