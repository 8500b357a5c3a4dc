"""A live generated portal plus a blueprint that changes it: exported, then edited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from funnelkit.emulator.serving.run import Running
from funnelkit.model import Vendor
from funnelkit.yamlio import dump_yaml
from tests.reliability.live import NAME, cli, live_portal

NEW_FUNNELS: list[dict[str, Any]] = [
    {
        "key": "partners",
        "role": "partners",
        "names": {"ru": "Партнёры"},
        "stages": [
            {"key": "found", "names": {"ru": "Найден партнёр"}},
            {"key": "talks", "names": {"ru": "Переговоры"}},
            {"key": "signed", "names": {"ru": "Договор подписан"}, "semantics": "success"},
            {"key": "declined", "names": {"ru": "Отказался"}, "semantics": "failure"},
        ],
    },
    {
        "key": "nps",
        "role": "nps",
        "names": {"ru": "Опрос NPS"},
        "stages": [
            {"key": "ask", "names": {"ru": "Отправить опрос"}},
            {"key": "answered", "names": {"ru": "Ответ получен"}, "semantics": "success"},
            {"key": "silent", "names": {"ru": "Нет ответа"}, "semantics": "failure"},
        ],
    },
]


@dataclass
class Case:
    """The running portal, its blueprint file and the working directory."""

    running: Running
    blueprint: Path
    workdir: Path
    data: dict[str, Any]

    def write(self, data: dict[str, Any]) -> None:
        """Replace the blueprint's content (its state file stays)."""
        self.data = data
        self.blueprint.write_text(dump_yaml(data), encoding="utf-8")


def main_funnel(data: dict[str, Any]) -> dict[str, Any]:
    """The blueprint's main deal funnel."""
    return next(f for f in data["funnels"] if f.get("main"))


def edited(data: dict[str, Any]) -> dict[str, Any]:
    """Two new funnels, a new stage in the main funnel and one stage renamed."""
    main = main_funnel(data)
    stages = main["stages"]
    closing = next(i for i, s in enumerate(stages) if s.get("semantics") in ("success", "failure"))
    stages.insert(closing, {"key": "added-stage", "names": {"ru": "Добавленный этап"}})
    first = stages[0]
    old = first["names"]["ru"]
    first["names"] = {"ru": f"{old} (ред.)"}
    first["previous_names"] = [old]
    data["funnels"] = [*data["funnels"], *NEW_FUNNELS]
    return data


@contextmanager
def live_case(
    vendor: Vendor,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Case]:
    """The `apply` scenario's portal, exported to a blueprint next to its state file."""
    with live_portal("apply", vendor, workdir, monkeypatch) as running:
        code, _, err = cli(["-q", "export", "--portal", NAME, "-o", "bp"], capsys)
        assert code == 0, err
        path = workdir / "bp" / f"{NAME}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield Case(running, path, workdir, data)
