"""The bundled blueprints: the top-level `blueprints/` folder, shipped as `funnelkit.blueprints`."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from funnelkit.blueprint.load import parse_blueprint
from funnelkit.blueprint.schema import Blueprint
from funnelkit.errors import BlueprintError

PACKAGE = "funnelkit.blueprints"


@dataclass(frozen=True, slots=True)
class BundledInfo:
    """One bundled blueprint as `blueprints list` shows it."""

    name: str
    file: str
    title: str
    funnels: tuple[str, ...]
    tunnels: int


def bundled_files() -> list[str]:
    """File names of the bundled blueprints, sorted."""
    root = resources.files(PACKAGE)
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".yaml"))


def bundled_text(name: str) -> tuple[str, str]:
    """(file name, YAML text) of a bundled blueprint by name, file name or number prefix."""
    files = bundled_files()
    wanted = name.removesuffix(".yaml")
    matches = [f for f in files if f.removesuffix(".yaml") == wanted]
    matches = matches or [f for f in files if f.split("-")[0] == wanted]
    if len(matches) != 1:
        raise BlueprintError(
            f"no bundled blueprint named {name!r}",
            hint="known: " + ", ".join(f.removesuffix(".yaml") for f in files),
        )
    text = resources.files(PACKAGE).joinpath(matches[0]).read_text(encoding="utf-8")
    return matches[0], text


def load_bundled(name: str) -> Blueprint:
    """Parse a bundled blueprint."""
    file, text = bundled_text(name)
    return parse_blueprint(text, f"bundled/{file}")


def list_bundled(lang: str = "en") -> list[BundledInfo]:
    """Every bundled blueprint with its funnels, for `funnelkit blueprints list`."""
    out = []
    for file in bundled_files():
        bp = load_bundled(file)
        title = bp.title.get(lang) if bp.title else bp.name
        names = tuple(f.names.get(lang) for f in bp.funnels)
        out.append(BundledInfo(bp.name, file, title, names, len(bp.tunnels)))
    return out
