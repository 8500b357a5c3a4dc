"""Where test portals come from: fixture files, the generator, or one documented-shapes module.

A served portal (`PortalState`) is made by `funnelkit.emulator.fixture.load`, by
`funnelkit.emulator.generate` (messy or empty), or — for tests that hold the emulator
against a vendor's documented examples — by the one docs_portal.py of that vendor. A test
that needs other data changes such a portal (moves a deal, renames a stage); it does not
construct its own. What is checked is the construction itself: a call of `PortalState`,
however imported. Filling an empty portal field by field is not caught.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
BUILDERS = {
    "emulator/amocrm/docs_portal.py",
    "emulator/bitrix24/docs_portal.py",
}
STATE_MODULE = "funnelkit.emulator.state"


def portal_constructions(source: str) -> list[int]:
    """Lines on which a `PortalState` is constructed."""
    tree = ast.parse(source)
    names = {"PortalState"}  # by its own name, or any alias it is imported as
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == STATE_MODULE:
            names |= {a.asname or a.name for a in node.names if a.name == "PortalState"}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        by_name = isinstance(func, ast.Name) and func.id in names
        by_module = isinstance(func, ast.Attribute) and func.attr == "PortalState"  # any alias
        if by_name or by_module:
            found.append(node.lineno)
    return sorted(found)


def test_only_the_documented_shapes_modules_build_portals_by_hand() -> None:
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        rel = path.relative_to(TESTS).as_posix()
        if rel in BUILDERS:
            continue
        lines = portal_constructions(path.read_text(encoding="utf-8"))
        offenders += [f"tests/{rel}:{line}" for line in lines]
    assert offenders == [], "build the portal from a fixture file or `generate`, not by hand"


def test_each_allowed_builder_still_builds_one_portal() -> None:
    # an allowance left behind after its module went would let a new builder in unnoticed
    for rel in sorted(BUILDERS):
        assert len(portal_constructions((TESTS / rel).read_text(encoding="utf-8"))) == 1, rel


@pytest.mark.parametrize(
    "source",
    [
        "from funnelkit.emulator.state import PortalState\nPortalState(vendor=v)\n",
        "from funnelkit.emulator.state import PortalState as P\nstate = P(vendor=v)\n",
        "import funnelkit.emulator.state as s\ns.PortalState(vendor=v)\n",
        "import funnelkit.emulator.state\nfunnelkit.emulator.state.PortalState(vendor=v)\n",
        "def make() -> None:\n    return [PortalState(vendor=v) for v in vs]\n",
    ],
)
def test_a_hand_built_portal_is_found(source: str) -> None:
    assert portal_constructions(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from funnelkit.emulator.state import PortalState\ndef f(s: PortalState) -> None: ...\n",
        "state = generate(Vendor.AMOCRM, 300, 1)\nstate.stages_of('1')\n",
        "isinstance(state, PortalState)\n",
        "text = 'PortalState(vendor=v)'\n",
    ],
)
def test_using_a_portal_is_not_building_one(source: str) -> None:
    assert portal_constructions(source) == []
