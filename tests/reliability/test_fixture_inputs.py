"""Fixtures are input: what the fixture schema accepts is served, or refused with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnelkit.emulator.fixture.load import load_fixture
from funnelkit.emulator.serving.run import start
from funnelkit.errors import ConfigError
from funnelkit.store import load_snapshot
from tests.reliability.live import NAME, cli, configure

PORTALS = Path(__file__).parents[2] / "funnelkit" / "emulator" / "fixture" / "portals"
TASK = "- {kind: task, created_at: 2026-10-20T09:00:00Z, deadline: 2026-11-10T09:00:00Z"
CALL = "- {kind: call, created_at: 2026-10-20T09:30:00Z"


def fixture(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, list[int]]:
    """small_amocrm.yaml with each `old` replaced once; the 1-based lines edited."""
    text = (PORTALS / "small_amocrm.yaml").read_text(encoding="utf-8")
    lines: list[int] = []
    for old, new in edits:
        assert old in text, old
        lines.append(text[: text.index(old)].count("\n") + 1)
        text = text.replace(old, new, 1)
    path = tmp_path / "portal.yaml"
    path.write_text(text, encoding="utf-8")
    return path, lines


def test_amocrm_task_id_without_prefix_is_served_and_pulled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = fixture(tmp_path, (TASK, TASK.replace("{kind: task,", '{id: "12", kind: task,')))
    state = load_fixture(path)
    assert "T12" in {a.id for a in state.activities}
    with start(state) as running:
        configure(running, tmp_path, monkeypatch)
        code, _, err = cli(["-q", "pull", "--portal", NAME, "-o", "p.snapshot.zip"], capsys)
    assert code == 0, err
    pulled = {a.id: a for a in load_snapshot(tmp_path / "p.snapshot.zip").activities}
    assert "T12" in pulled, "the task with a bare id vanished from /api/v4/tasks"
    want = next(a for a in state.activities if a.id == "T12")
    assert pulled["T12"].deal_id == want.deal_id and pulled["T12"].deadline == want.deadline


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ((TASK, TASK.replace("{kind: task,", '{id: "call-me", kind: task,')), "must be a number"),
        ((CALL, CALL.replace("{kind: call,", '{id: "T7", kind: call,')), "marks tasks"),
    ],
    ids=["task-id-not-a-number", "call-with-task-prefix"],
)
def test_unservable_activity_ids_are_refused_with_file_and_line(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    path, (line,) = fixture(tmp_path, edit)
    with pytest.raises(ConfigError) as caught:
        load_fixture(path)
    assert f"{path}:{line}:" in caught.value.message, caught.value.message
    assert message in caught.value.message


def test_task_ids_served_alike_are_refused(tmp_path: Path) -> None:
    path, lines = fixture(
        tmp_path,
        (TASK, TASK.replace("{kind: task,", '{id: "12", kind: task,')),
        (
            "- {kind: task, created_at: 2026-10-20T09:40:00Z",
            '- {id: "T12", kind: task, created_at: 2026-10-20T09:40:00Z',
        ),
    )
    with pytest.raises(ConfigError) as caught:
        load_fixture(path)
    assert f"{path}:{lines[1]}:" in caught.value.message, caught.value.message
    assert "served as 'T12'" in caught.value.message
