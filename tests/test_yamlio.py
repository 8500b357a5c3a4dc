"""YAML loading: marks, duplicate keys, every problem listed, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from funnelkit.errors import ConfigError, InputError
from funnelkit.yamlio import dump_yaml, load_yaml, parse_yaml, validate


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int = 1


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Item]


def test_marks_point_at_keys_and_items() -> None:
    doc = parse_yaml("items:\n  - name: a\n  - name: b\n    size: 2\n", "f.yaml")
    assert doc.where(("items", 1, "size")) == "f.yaml:4:5"
    assert doc.where(("items", 0)) == "f.yaml:2:5"
    assert doc.where(("nowhere",)) == "f.yaml:1:1"


def test_validate_lists_every_problem_with_its_line() -> None:
    doc = parse_yaml("items:\n  - name: a\n    size: big\n  - colour: red\n", "f.yaml")
    with pytest.raises(ConfigError) as info:
        validate(doc, Doc, ConfigError)
    text = str(info.value)
    assert "f.yaml:3:5: items.0.size" in text
    assert "f.yaml:4:5: items.1.colour: unknown key" in text
    assert "items.1.name: required key is missing" in text
    assert "3 problems" in text


def test_duplicate_keys_are_errors() -> None:
    with pytest.raises(
        InputError, match=r"f.yaml:3:1: duplicate key 'a' \(first defined on line 1\)"
    ):
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("a: [1, 2\n", "f.yaml:2:1"), ("a:\n\tb: 1\n", "f.yaml:2:1"), ("x\x00y", "NUL")],
)
def test_syntax_errors_name_the_place(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_yaml(text, "f.yaml")


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(InputError):
        parse_yaml("a: !!python/object/apply:os.system ['true']\n", "f.yaml")


def test_binary_and_missing_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(b"\xff\xfe\xfa\x00\x01")
    with pytest.raises(InputError, match=r"junk\.yaml"):
        load_yaml(junk)
    with pytest.raises(InputError, match="no such file"):
        load_yaml(tmp_path / "absent.yaml")


def test_dump_is_deterministic_and_keeps_unicode() -> None:
    data = {"name": "Клієнт думає", "stages": [{"key": "new", "note": "a\nb"}]}
    text = dump_yaml(data)
    assert "Клієнт думає" in text
    assert text == dump_yaml(data)
    assert parse_yaml(text).data == data
