"""The CLI behaves like the tools its users know: flags anywhere, lists, help, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.cli.shell import hoist_globals
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.model import Vendor
from funnelkit.store import save_snapshot


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = generate(Vendor.BITRIX24, deals=300, seed=5)
    return save_snapshot(state_to_snapshot(state), tmp_path_factory.mktemp("s") / "s.zip")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run_main(app, list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in getattr(group, "commands", {}).items():
        out.append((*prefix, name))
        out.extend(_commands(cmd, (*prefix, name)))
    return out


COMMANDS = _commands(typer.main.get_command(app))


def test_hoisting_moves_global_flags_only() -> None:
    assert hoist_globals(["audit", "--lang", "ru", "-q", "--select", "FK201"]) == [
        "--lang",
        "ru",
        "-q",
        "audit",
        "--select",
        "FK201",
    ]
    assert hoist_globals(["rules", "show", "--config=x.yaml", "--", "-q"]) == [
        "--config=x.yaml",
        "rules",
        "show",
        "--",
        "-q",
    ]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_global_flags_after_any_command(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *command, "--help", "--lang", "ru", "-q", "--no-color", "--debug")
    assert code == 0, err
    code, out, _ = run(capsys, *command, "--version")
    assert code == 0 and out.startswith("funnelkit ")


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_reads_like_a_manual(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, *command, "--help")
    assert "<list[" not in out
    assert "--no-no-" not in out
    assert not re.search(r"\{[a-z_]+\}", out), out


def test_audit_help_shows_fail_on_choices(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "audit", "-h")
    assert "--fail-on <info|low|medium|high|critical>" in out
    assert "--exit-zero" in out and "-o, --output FILE" in out


def test_bad_values_name_the_allowed_ones(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "audit", "--snapshot", str(snap), "--format", "yaml")
    assert code == 2 and "Value error" not in err and "'markdown'" in err
    code, _, err = run(capsys, "audit", "--snapshot", str(snap), "--report", "xml=r.xml")
    assert code == 2 and "unknown format 'xml'" in err and "sarif" in err
    code, _, err = run(capsys, "audit", "--snapshot", str(snap), "--fail-on", "hgh")
    assert code == 2 and "--fail-on" in err and "critical" in err


def test_global_flags_after_audit_and_pull(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "audit", "--snapshot", str(snap), "--lang", "ru", "-q", "--exit-zero"
    )
    assert code == 0, err
    assert "Находки" in out or "Замечания" in out or re.search("[а-я]{4}", out)
    code, _, err = run(capsys, "pull", "-q", "--portal", "nowhere")
    assert code == 2 and "No such option" not in err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code, out, err = run(capsys, "-q", "audit", "--format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


def _ran(doc: dict[str, object]) -> set[str]:
    rules = doc["rules"]
    assert isinstance(rules, list)
    return {r["code"] for r in rules if r["status"] == "ran"}


def test_comma_lists_and_repetition(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = _json(capsys, "--snapshot", str(snap), "--select", "FK201,FK203", "--select", "FK101")
    assert _ran(doc) <= {"FK201", "FK203", "FK101"} and "FK203" in {
        r["code"]
        for r in doc["rules"]  # type: ignore[attr-defined]
    }
    _, doc = _json(capsys, "--snapshot", str(snap), "--ignore", "FK201,FK203")
    assert not _ran(doc) & {"FK201", "FK203"}


def test_audit_output_and_exit_zero(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    code, out, err = run(
        capsys, "-q", "audit", "--snapshot", str(snap), "--format", "json", "-o", str(report)
    )
    assert code == 1 and out == "", err
    assert json.loads(report.read_text())["schema"] == "funnelkit.audit/1"
    code, _, _ = run(capsys, "-q", "audit", "--snapshot", str(snap), "--exit-zero")
    assert code == 0
    code, _, err = run(capsys, "audit", "--snapshot", str(snap) + ".missing", "--exit-zero")
    assert code == 2, "errors still fail"


def test_write_baseline_exits_zero(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.json"
    code, _, err = run(
        capsys, "-q", "audit", "--snapshot", str(snap), "--write-baseline", str(base)
    )
    assert code == 0, err
    assert base.exists()
    code, _, _ = run(capsys, "-q", "audit", "--snapshot", str(snap), "--baseline", str(base))
    assert code == 0


def test_command_line_select_wins_over_config_ignore(
    snap: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "funnelkit.yaml").write_text("audit:\n  ignore: [FK406, FK201]\n")
    _, doc = _json(capsys, "--snapshot", str(snap))
    assert not _ran(doc) & {"FK406", "FK201"}
    assert doc["config"] == str(tmp_path / "funnelkit.yaml")
    _, text, _ = run(capsys, "-q", "audit", "--snapshot", str(snap), "--exit-zero")
    assert f"Config file: {tmp_path / 'funnelkit.yaml'}" in text
    _, doc = _json(capsys, "--snapshot", str(snap), "--select", "FK406")
    assert _ran(doc) == {"FK406"}
    _, doc = _json(capsys, "--snapshot", str(snap), "--extend-select", "FK201")
    assert "FK201" in _ran(doc) and "FK406" not in _ran(doc)


def test_flag_errors_are_blamed_on_flags(
    snap: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "funnelkit.yaml").write_text("audit:\n  fail_on: high\n  ignore: [FK406]\n")
    code, _, err = run(capsys, "audit", "--snapshot", str(snap), "--select", "FK999")
    assert code == 2 and "--select 'FK999': matches no rule" in err
    assert "funnelkit.yaml:" not in err


def test_config_ignore_of_unknown_rule_names_the_line(
    snap: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "funnelkit.yaml").write_text("audit:\n  ignore: [FK406, FK999]\n")
    code, _, err = run(capsys, "audit", "--snapshot", str(snap))
    assert code == 2
    assert "funnelkit.yaml:2:19: audit.ignore[1]: 'FK999' matches no rule" in err
    assert "--ignore" not in err


def test_unused_suppression_only_when_its_rule_ran(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text(
        "findings:\n  - rule: FK406\n    entity: 'no such thing'\n    reason: checked by hand\n"
    )
    common = ("--snapshot", str(snap), "--ignore-file", str(ignore))
    _, doc = _json(capsys, *common, "--select", "FK201")
    assert doc["unused_suppressions"] == []
    _, doc = _json(capsys, *common, "--select", "FK406")
    assert [n["rule"] for n in doc["unused_suppressions"]] == ["FK406"]  # type: ignore[attr-defined]


def test_demo_ignores_a_config_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "funnelkit.yaml").write_text(
        "audit:\n  select: [FK201]\nreport:\n  lang: ru\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "-q", "demo", "--deals", "200", "-o", "out")
    assert code == 0, err
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert doc["lang"] == "en"
    assert len(_ran(doc)) > 1


@pytest.mark.parametrize(
    "args", [("schema", "config"), ("blueprints", "show", "000")], ids=" ".join
)
def test_commands_that_print_a_file_take_output(
    args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.txt"
    code, out, err = run(capsys, *args, "-o", str(target), "-q")
    assert code == 0, err
    assert out == "" and target.read_text(encoding="utf-8").strip()
