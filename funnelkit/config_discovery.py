"""Where the config comes from: funnelkit.yaml or `[tool.funnelkit]`, nearest directory first.

Like Ruff and pytest, funnelkit looks in the current directory and then in each parent,
so a command run from a project's subfolder uses the project's config. At each level a
`funnelkit.yaml` wins over a `pyproject.toml`; a pyproject without `[tool.funnelkit]`
is passed over. TOML has no position marks in the standard library, so the marks of a
pyproject section are found by looking for each key's line after its parent's.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from funnelkit.errors import ConfigError
from funnelkit.yamlio import Loc, YamlDoc

CONFIG_NAME = "funnelkit.yaml"
PYPROJECT = "pyproject.toml"
SECTION = ("tool", "funnelkit")


def _has_section(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\.funnelkit[\].]", text, re.MULTILINE) is not None


def discover(start: Path | None = None) -> Path | None:
    """The nearest funnelkit.yaml, else pyproject.toml with `[tool.funnelkit]`, from `start` up."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_section(pyproject):
            return pyproject
    return None


def _find(lines: list[str], key: str, after: int) -> tuple[int, int] | None:
    pattern = re.compile(rf"""(^|[\s{{,.\[])["']?{re.escape(key)}["']?\s*(=|\]|\.)""")
    for number in range(after, len(lines)):
        match = pattern.search(lines[number])
        if match:
            return number + 1, match.start() + len(match.group(1)) + 1
    return None


def _marks(lines: list[str], data: Any, loc: Loc, at: tuple[int, int], out: dict[Loc, Any]) -> None:
    out[loc] = at
    if isinstance(data, dict):
        for key, value in data.items():
            found = _find(lines, str(key), at[0] - 1) or at
            _marks(lines, value, (*loc, str(key)), found, out)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            _marks(lines, item, (*loc, index), at, out)


def load_pyproject(path: Path) -> YamlDoc:
    """`[tool.funnelkit]` of a pyproject.toml as a document with (approximate) marks."""
    try:
        text = path.read_text(encoding="utf-8")
        whole = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    data: Any = whole
    for part in SECTION:
        data = data.get(part, {}) if isinstance(data, dict) else {}
    lines = text.splitlines()
    header = next(
        (i + 1 for i, line in enumerate(lines) if re.match(r"\s*\[\s*tool\.funnelkit", line)), 1
    )
    marks: dict[Loc, Any] = {}
    _marks(lines, data, (), (header, 1), marks)
    return YamlDoc(path=str(path), data=data, marks=marks)
