"""The built wheel ships every package and the top-level blueprints/ as `funnelkit.blueprints`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_explicit_package_list_misses_nothing() -> None:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    found = [
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "funnelkit").rglob("__init__.py")
    ]
    assert sorted(listed) == sorted([*found, "funnelkit.blueprints"])


def test_bundled_blueprints_live_at_the_top_level() -> None:
    files = sorted(p.name for p in (ROOT / "blueprints").glob("*.yaml"))
    assert len(files) >= 4
    assert not (ROOT / "funnelkit" / "blueprint" / "bundled").exists()
    for name in files:
        text = (ROOT / "blueprints" / name).read_text(encoding="utf-8")
        source = next(line for line in text.splitlines() if line.startswith("source:"))
        assert "shared/" not in source and source.startswith("source: article"), source


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a clean copy: a stale build/ of the working tree would leak old files in.
    source = tmp_path_factory.mktemp("src") / "funnelkit"
    junk = shutil.ignore_patterns(
        ".*", "build", "dist", "*.egg-info", "__pycache__", "tests", "bench", "funnelkit-demo"
    )
    shutil.copytree(ROOT, source, ignore=junk)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "-w", str(out), "--no-deps", "-q"],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return next(out.glob("funnelkit-*.whl"))


def test_the_wheel_holds_the_blueprints(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = [n for n in names if n.startswith("funnelkit/blueprints/") and n.endswith(".yaml")]
    assert len(shipped) >= 4, names
    assert "funnelkit/report/templates/audit.html.j2" in names
    assert not any(n.startswith("blueprints/") for n in names), "no stray top-level package"
    assert not any(n.startswith("funnelkit/blueprint/bundled") for n in names)


def test_blueprints_list_from_a_regular_install(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "-t", str(target), str(wheel)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import funnelkit.blueprints as b; print(b.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(target)), where.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "funnelkit", "blueprints", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert all(n in listed.stdout for n in ("000-six-funnels", "003-three-linked")), listed.stdout


def test_bare_mypy_checks_what_ci_checks() -> None:
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert set(mypy["files"]) == {"funnelkit", "tests", "bench"}
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "mypy" in ci, "CI runs bare `mypy`, so the files list is the one place to change"
