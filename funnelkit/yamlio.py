"""YAML in and out: every value remembers its file:line:col, dumps are deterministic.

Config, blueprints, ignore files and emulator fixtures are written by people, so a
mistake must be reported where it is. The loader keeps the mark of every mapping key
and sequence item; `validate` turns pydantic's error locations into those marks and
lists every problem at once (the octoDNS habit), instead of stopping at the first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from funnelkit.errors import FunnelkitError, InputError

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

MAX_BYTES = 20 * 1024 * 1024  # a hand-written file this big is a mistake, not a blueprint


@dataclass
class YamlDoc:
    """Parsed YAML data plus the position of every key and item in its file."""

    path: str
    data: Any
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> str:
        """`file:line:col` of the deepest known part of `loc` (1-based)."""
        for end in range(len(loc), -1, -1):
            mark = self.marks.get(tuple(loc[:end]))
            if mark is not None:
                return f"{self.path}:{mark[0]}:{mark[1]}"
        return f"{self.path}:1:1"


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            first = seen[key].start_mark
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first defined on line {first.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _collect_marks(node: yaml.Node, loc: Loc, marks: dict[Loc, tuple[int, int]]) -> None:
    """Walk the node tree recording where each key/item starts."""
    marks.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*loc, key)
            marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _collect_marks(value_node, child, marks)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_marks(item, (*loc, index), marks)


def parse_yaml(
    text: str, path: str = "<string>", error_cls: type[FunnelkitError] = InputError
) -> YamlDoc:
    """Parse YAML text; syntax errors become InputError naming file:line:col."""
    if "\x00" in text:
        raise error_cls(f"{path}: not a text file (contains NUL bytes)")
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = exc.problem or exc.context or "invalid YAML"
        raise error_cls(f"{where}: {problem}", hint="fix the YAML syntax at that line") from None
    except yaml.YAMLError as exc:
        raise error_cls(f"{path}: invalid YAML ({exc})") from None
    except RecursionError:
        raise error_cls(f"{path}: YAML nested too deeply") from None
    marks: dict[Loc, tuple[int, int]] = {}
    if node is not None:
        _collect_marks(node, (), marks)
    return YamlDoc(path=path, data=data, marks=marks)


def load_yaml(
    path: str | os.PathLike[str], error_cls: type[FunnelkitError] = InputError
) -> YamlDoc:
    """Read and parse a YAML (or JSON) file with position marks."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise error_cls(
                f"{file}: {size:,} bytes is too large for a YAML file (limit {MAX_BYTES:,})",
            )
        raw = file.read_bytes()
    except FileNotFoundError:
        raise error_cls(f"{file}: no such file") from None
    except IsADirectoryError:
        raise error_cls(f"{file}: is a directory, expected a YAML file") from None
    except PermissionError:
        raise error_cls(f"{file}: permission denied") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error_cls(
            f"{file}: not UTF-8 text (bad byte at offset {exc.start})",
            hint="save the file as UTF-8",
        ) from None
    return parse_yaml(text, str(file), error_cls)


def _describe(error: Any) -> str:
    """One pydantic error in words a config author understands."""
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in ("enum", "literal_error"):
        expected = error.get("ctx", {}).get("expected")
        return f"must be one of {expected}" if expected else str(error.get("msg"))
    if kind == "missing":
        return "required key is missing"
    return str(error.get("msg", "invalid value"))


def format_validation(doc: YamlDoc, exc: ValidationError, prefix: Loc = ()) -> list[str]:
    """Every pydantic problem as `file:line:col: dotted.path: what is wrong`."""
    lines = []
    for error in exc.errors():
        loc = (*prefix, *error.get("loc", ()))
        dotted = ".".join(str(p) for p in loc) or "<document>"
        where_loc = loc[:-1] if error.get("type") == "missing" else loc
        lines.append(f"{doc.where(where_loc)}: {dotted}: {_describe(error)}")
    return lines


def validate(
    doc: YamlDoc,
    model: type[M],
    error_cls: type[FunnelkitError] = InputError,
    data: Any = None,
    hint: str | None = None,
) -> M:
    """Validate the document against a pydantic model, raising one error with all problems."""
    payload = doc.data if data is None else data
    if payload is None:
        payload = {}
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        problems = format_validation(doc, exc)
        count = len(problems)
        head = f"{doc.path}: {count} problem{'s' if count != 1 else ''}"
        raise error_cls(head + "\n  " + "\n  ".join(problems), hint=hint) from None


class _Dumper(yaml.SafeDumper):
    """Block style, unicode kept, multi-line strings as literal blocks."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """Deterministic YAML: key order as given (callers order them), unicode as is."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
